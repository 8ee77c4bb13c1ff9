// The Slurm launcher against a real single-node Slurm (slurm-wlm), and the flags of the job
// scripts it writes.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { denoFlags, finishScript, shardScript, type SlurmPlan } from "../../src/cluster/jobs.ts";
import { locateOpenBlas } from "../../src/native/mod.ts";
import { arrayTasks } from "../../src/cluster/queue.ts";
import { startCluster } from "../_slurm_cluster.ts";
import { runTask, tmpOut } from "../_tasks.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const small = ["--epochs", "2", "--train-samples", "2000", "--test-samples", "500"];

/** The `deno run` commands of a job script, as bash splits them into words (with K=2). */
function denoRuns(script: string): string[][] {
  return script.split("\n").flatMap((line) => line.split(/; |\| /))
    .map((s) => s.trim().replace(/^\(\s*set -e;?\s*/, "").replace(/\s*\)$/, ""))
    .filter((s) => s.startsWith("deno run")).map((s) => {
      const words = new Deno.Command("bash", {
        args: ["-c", `K=2; set -- ${s.slice("deno run".length)}; printf '%s\\0' "$@"`],
      }).outputSync();
      return new TextDecoder().decode(words.stdout).split("\0").slice(0, -1);
    });
}

/** Checks one `deno run` command: every permission scoped, none to the network or all. */
function checkFlags(args: string[], plan: SlurmPlan) {
  const flags = args.filter((a) => a.startsWith("-"));
  for (const f of flags) {
    assert(!/^(-A|--allow-all|--allow-net|--allow-run|--allow-sys|--allow-import)/.test(f), f);
    if (f.startsWith("--allow-")) assertMatch(f, /^--allow-(read|write|ffi|env)=[^,]+(,[^,]+)*$/);
  }
  const scope = (kind: string) =>
    flags.find((f) => f.startsWith(`--allow-${kind}=`))?.split("=")[1].split(",") ?? [];
  assertEquals(scope("ffi"), [plan.library]);
  assertEquals(scope("env"), ["DFA_OPENBLAS_PATH", "DFA_THREADS", "OPENBLAS_CORETYPE"]);
  for (const w of scope("write")) assert(w.startsWith(`${plan.outDir}/`) || w === plan.outDir, w);
  for (const r of scope("read")) {
    assert([plan.project, plan.data].includes(r) || r.startsWith(plan.outDir), r);
  }
}

const plan: SlurmPlan = {
  task: "pipeline",
  n: 8,
  shards: 3,
  diff: false,
  project: "/home/me/dfa",
  data: "/scratch/my data/mnist.npz",
  outDir: "/scratch/run $1",
  library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  learnerArgs: ["--epochs", "3"],
  sbatch: ["--cpus-per-task=2", "--partition=short"],
  binary: "",
};

Deno.test("job scripts give every deno run only scoped reads, writes, FFI and env", () => {
  const shard = shardScript(plan), finish = finishScript(plan);
  const runs = [...denoRuns(shard), ...denoRuns(finish)];
  assertEquals(runs.length, 4); // a shard; merge, dense and RD models
  for (const r of runs) checkFlags(r, plan);
  assertStringIncludes(shard, "#SBATCH --partition=short");
  assertStringIncludes(shard, 'export DFA_THREADS="${SLURM_CPUS_PER_TASK:-1}"');
  // A path with a space and a dollar sign stays one literal word.
  assertStringIncludes(finish, "'/scratch/run $1/train_linouts.npz'");
  const bash = new Deno.Command("bash", { args: ["-n", "-c", shard + finish] }).outputSync();
  assertEquals(bash.code, 0, new TextDecoder().decode(bash.stderr));
});

Deno.test("scontrol's array task ranges are expanded", () => {
  assertEquals(arrayTasks("3"), [3]);
  assertEquals(arrayTasks("1-3,7"), [1, 2, 3, 7]);
  assertEquals(arrayTasks("2-4%1"), [2, 3, 4]);
});

Deno.test({
  name:
    "weak learners as a Slurm job array merge to the files of one process, and a failed shard is resubmitted alone",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const dir = await tmpOut(), data = `${root}/${dir}/mnist.npz`;
    let r = await runTask("create-dataset", ["--out", `${dir}/mnist.npz`]);
    assertEquals(r.code, 0, r.stderr);
    r = await runTask("weak-learners", [
      "4",
      ...small,
      "--data",
      data,
      "--out-dir",
      `${dir}/single`,
    ], {
      DFA_THREADS: "1",
    });
    assertEquals(r.code, 0, r.stderr);
    const single = ["train", "test"].map((k) =>
      Deno.readFileSync(`${root}/${dir}/single/${k}_linouts.npz`)
    );
    const same = (out: string) =>
      ["train", "test"].forEach((k, i) =>
        assertEquals(
          Deno.readFileSync(`${root}/${out}/${k}_linouts.npz`),
          single[i],
          `${k} differs`,
        )
      );
    const cluster = await startCluster();
    try {
      const slurm = (out: string, more: string[] = []) =>
        runTask("slurm", [
          ...more,
          "weak-learners",
          "4",
          "--shards",
          "2",
          "--data",
          data,
          "--out-dir",
          out,
          ...small,
          "--wait",
          "--poll",
          "0.5",
        ], cluster.env);
      await t.step("two array tasks and the merge: byte-identical files", async () => {
        const out = `${dir}/slurm`, r = await slurm(out);
        assertEquals(r.code, 0, r.stdout + r.stderr);
        assertMatch(r.stdout, /Submitted job array \d+ \(shards 1, 2 of 2/);
        same(out);
        for (const s of ["shard.sh", "finish.sh"]) {
          const text = Deno.readTextFileSync(`${root}/${out}/slurm/${s}`);
          for (const run of denoRuns(text)) {
            checkFlags(run, {
              ...plan,
              project: root,
              data,
              outDir: `${root}/${out}`,
              library: run.find((a) => a.startsWith("--allow-ffi="))!.split("=")[1],
            });
          }
        }
      });
      await t.step(
        "a failed shard: named with its log, no merged file, then only it is rerun",
        async () => {
          const out = `${dir}/failing`;
          Deno.mkdirSync(`${root}/${out}/shards`, { recursive: true });
          Deno.writeTextFileSync(
            `${root}/${out}/shards/2`,
            "a file where shard 2's directory goes",
          );
          let r = await slurm(out);
          assertEquals(r.code, 1, r.stdout + r.stderr);
          assertStringIncludes(
            r.stdout,
            `shard 2 failed: exit code 1; log ${root}/${out}/slurm/logs/shard-2.log`,
          );
          assertStringIncludes(r.stdout, "merge: CANCELLED (DependencyNeverSatisfied)");
          assertMatch(r.stderr, /^slurm: the run in .* did not finish/);
          assert(!Deno.readDirSync(`${root}/${out}`).some((e) => e.name.endsWith("linouts.npz")));
          Deno.removeSync(`${root}/${out}/shards/2`);
          r = await slurm(out);
          assertEquals(r.code, 0, r.stdout + r.stderr);
          assertMatch(r.stdout, /shards 2 of 2; 1 already done/);
          same(out);
        },
      );
      await t.step(
        "a runner executable in place of deno run (as compile-runner makes)",
        async () => {
          // deno compile needs its runtime from dl.deno.land; a wrapper with the same baked-in
          // permissions stands in for the executable here.
          const out = `${dir}/binary`, exe = `${root}/${dir}/dfa-runner`;
          const flags = denoFlags(
            [root, data, `${root}/${out}`],
            [`${root}/${out}`],
            locateOpenBlas()!,
          );
          Deno.writeTextFileSync(
            exe,
            `#!/bin/bash\nexec deno run ${flags.join(" ")} ${root}/scripts/runner.ts "$@"\n`,
            { mode: 0o755 },
          );
          const r = await slurm(out, ["--binary", exe]);
          assertEquals(r.code, 0, r.stdout + r.stderr);
          same(out);
          const shard = Deno.readTextFileSync(`${root}/${out}/slurm/shard.sh`);
          assertStringIncludes(shard, `\n${exe} weak-learners 4 --shard "$K/2"`);
          assert(!shard.includes("deno run"), shard);
        },
      );
    } finally {
      await cluster.stop();
      await Deno.remove(`${root}/${dir}`, { recursive: true });
    }
  },
});
