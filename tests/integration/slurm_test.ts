// The Slurm launcher against a real single-node Slurm (slurm-wlm), and the flags of the job
// scripts it writes.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { finishScript, shardScript, type SlurmPlan } from "../../src/cluster/jobs.ts";
import { denoFlags } from "../../src/cluster/job_flags.ts";
import { planRun, type RunRequest } from "../../src/cluster/submit.ts";
import { SITE_OPTIONS } from "../../src/cluster/sbatch_options.ts";
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

/** A name that would run a command, add a directive or split a word if a script held it raw. */
const HOSTILE = `a b $(touch pwned) \`touch pwned2\` 'q' "d" 100% $K #SBATCH --wrap=id ;id &`;

/** Files named "pwned*" anywhere under `dir`: what an injected command would have made. */
function pwned(dir: string): string[] {
  const found: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.name.startsWith("pwned")) found.push(`${dir}/${e.name}`);
    if (e.isDirectory) found.push(...pwned(`${dir}/${e.name}`));
  }
  return found;
}

Deno.test("job scripts keep hostile paths and options as the words they were: bash runs them intact", async () => {
  const base = await Deno.makeTempDir({ prefix: "dfa-hostile-" });
  try {
    const project = `${base}/project ${HOSTILE}`, outDir = `${base}/out ${HOSTILE}`;
    const data = `${base}/data ${HOSTILE}.npz`, library = `${base}/lib ${HOSTILE}.so`;
    Deno.mkdirSync(project, { recursive: true });
    Deno.mkdirSync(`${outDir}/slurm`, { recursive: true }); // as submitRun makes it
    Deno.writeTextFileSync(data, "");
    // A stand-in for deno on PATH: records each call's words, prints one JSON line.
    Deno.mkdirSync(`${base}/bin`);
    Deno.mkdirSync(`${base}/calls`);
    Deno.writeTextFileSync(
      `${base}/bin/deno`,
      `#!/bin/bash\nn=$(ls "${base}/calls" | wc -l)\nprintf '%s\\0' "$@" > "${base}/calls/$n"\necho '{"call":'$n'}'\n`,
      { mode: 0o755 },
    );
    const comment = `--comment=$(touch${"$"}{IFS}pwned)\`id\`'q'"d"%#SBATCH`;
    const plan: SlurmPlan = {
      task: "pipeline",
      n: 4,
      shards: 3,
      diff: false,
      project,
      data,
      outDir,
      library,
      learnerArgs: ["--epochs", "3", "--lr", "1e-3"],
      sbatch: [
        "--cpus-per-task=2",
        "--partition=short,long",
        "--time=1-00:00:00",
        "--mem=4G",
        "--account=a.b",
        "--qos=q",
        comment,
        "--constraint=avx2",
        "--exclusive",
      ],
      binary: "",
    };
    const scripts = { shard: shardScript(plan), finish: finishScript(plan) };
    // The same structure as the scripts of plain values: no line more, no directive more.
    const plain = { ...plan, project: "/p", outDir: "/o", data: "/", library: "/l" };
    for (const [k, text] of Object.entries(scripts)) {
      const lines = text.split("\n");
      const plainLines = (k === "shard" ? shardScript(plain) : finishScript(plain)).split("\n");
      assertEquals(lines.length, plainLines.length, text);
      lines.forEach((l, i) => assertEquals(l.split(" ")[0], plainLines[i].split(" ")[0], l));
      assertEquals(lines.filter((l) => l.startsWith("#SBATCH")).length, 11, text); // name, log, CPUs, 5 + 3
      const bash = new Deno.Command("bash", { args: ["-n", "-c", text] }).outputSync();
      assertEquals(bash.code, 0, new TextDecoder().decode(bash.stderr));
    }
    assertStringIncludes(scripts.shard, "\n#SBATCH --constraint=avx2\n#SBATCH --exclusive\n");
    // Run both scripts as Slurm would (array task 2), deno being the stand-in.
    const env = { PATH: `${base}/bin:${Deno.env.get("PATH")}`, SLURM_ARRAY_TASK_ID: "2" };
    for (const k of ["shard", "finish"] as const) {
      Deno.writeTextFileSync(`${base}/${k}.sh`, scripts[k]);
      const r = new Deno.Command("bash", { args: [`${base}/${k}.sh`], env, cwd: base })
        .outputSync();
      assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
    }
    const calls = [...Deno.readDirSync(`${base}/calls`)].map((e) => e.name).sort().map((n) =>
      new TextDecoder().decode(Deno.readFileSync(`${base}/calls/${n}`)).split("\0").slice(0, -1)
    );
    const shardDir = `${outDir}/shards/2`, scope = `--allow-ffi=${library}`;
    assertEquals(calls[0], [
      "run",
      "--no-prompt",
      `--allow-read=${project},${data},${shardDir}`,
      `--allow-write=${shardDir}`,
      scope,
      "--allow-env=DFA_OPENBLAS_PATH,DFA_THREADS,OPENBLAS_CORETYPE",
      `${project}/scripts/weak_learners.ts`,
      "4",
      "--shard",
      "2/3",
      "--data",
      data,
      "--out-dir",
      shardDir,
      "--quiet",
      "--epochs",
      "3",
      "--lr",
      "1e-3",
    ]);
    assertEquals(calls.length, 4); // the shard; the merge, the dense and the RD models
    assertEquals(calls[1].slice(-2), ["--out-dir", outDir]);
    assertEquals(
      calls[1].slice(-5, -2),
      [1, 2, 3].map((k) => `${outDir}/shards/${k}/linouts-shard-${k}-of-3.npz`),
    );
    assertEquals(calls[2].slice(5, 9), [
      `${project}/scripts/stacked_model.ts`,
      "4",
      `${outDir}/train_linouts.npz`,
      `${outDir}/test_linouts.npz`,
    ]);
    for (const c of calls) assert(c.includes(scope), c.join(" "));
    // What the scripts wrote went to the paths as given, and no injected command ran.
    assertEquals(Deno.readTextFileSync(`${outDir}/slurm/shard-2.exit`), "0\n");
    assertEquals(Deno.readTextFileSync(`${outDir}/slurm/finish.exit`), "0\n");
    assertEquals(Deno.readTextFileSync(`${outDir}/stacked-rd.json`), '{"call":3}\n');
    assertEquals(pwned(base), []);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("a run's plan is made of checked values: what no script can hold is refused, naming the option", async () => {
  const base = await Deno.makeTempDir({ prefix: "dfa-hostile-" });
  try {
    const project = `${base}/project ${HOSTILE}`, outDir = `${base}/out ${HOSTILE}`;
    const data = `${base}/data ${HOSTILE}.npz`, library = `${base}/lib ${HOSTILE}.so`;
    Deno.writeTextFileSync(data, "");
    const request: RunRequest = {
      task: "pipeline",
      n: "4",
      shards: 3,
      cpusPerTask: 2,
      project,
      data,
      outDir,
      site: { time: "1-00:00:00", partition: "short,long", mem: "4G", account: "a.b", qos: "q" },
      sbatchArgs:
        `--comment=$(touch${"$"}{IFS}pwned)\`id\`'q'"d"%#SBATCH --constraint avx2 --exclusive`,
      openblas: library,
      learnerArgs: ["--epochs", "3"],
    };
    const plan = planRun(request);
    assertEquals(plan.sbatch, [
      "--cpus-per-task=2",
      "--partition=short,long",
      "--time=1-00:00:00",
      "--mem=4G",
      "--account=a.b",
      "--qos=q",
      `--comment=$(touch${"$"}{IFS}pwned)\`id\`'q'"d"%#SBATCH`,
      "--constraint=avx2",
      "--exclusive",
    ]);
    assertEquals([plan.project, plan.outDir, plan.data, plan.library], [
      project,
      outDir,
      data,
      library,
    ]);
    // Values that no script can hold are refused, naming the option.
    const refused: [Partial<RunRequest>, string][] = [
      [{ outDir: `${base}/a\nb` }, "--out-dir"],
      [{ outDir: `${base}/a\\b` }, "--out-dir: Slurm's --output reads a backslash"],
      [{ outDir: `${base}/a,/` }, "--out-dir"],
      [{ data: `${base}/a\nb` }, "--data"],
      [{ openblas: "/lib/x.so\ntouch pwned" }, "--openblas"],
      [{ openblas: "/lib/x.so,/" }, "--openblas"],
      [{ binary: `${base}/r\nid` }, "--binary"],
      [{ sbatchArgs: "--exclusive\n#SBATCH --wrap=id" }, "--sbatch-args"],
      [{ sbatchArgs: "--output=/tmp/x" }, "--output"],
      ...SITE_OPTIONS.map((o): [Partial<RunRequest>, string] => [
        { site: { [o]: "1:00\ntouch pwned" } },
        `--${o}`,
      ]),
    ];
    for (const [change, named] of refused) {
      let message = "";
      try {
        planRun({ ...request, ...change });
      } catch (e) {
        message = (e as Error).message;
      }
      assertStringIncludes(message, named, JSON.stringify(change));
      assertEquals(message.split("\n").length, 1, message);
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("slurm checks every option before it writes or submits anything: one line naming it, exit 2", async () => {
  const dir = await tmpOut(), out = `${dir}/run`;
  const base = ["weak-learners", "4", "--data", "deno.json", "--out-dir", out];
  try {
    const refused: [string[], string][] = [
      ...SITE_OPTIONS.map((
        o,
      ): [string[], string] => [[`--${o}`, "01:00:00\ntouch pwned"], `--${o}`]),
      [["--time", "$(touch pwned)"], "--time"],
      [["--partition", "short #SBATCH --wrap=id"], "--partition"],
      [["--sbatch-args", "--exclusive\ntouch pwned"], "--sbatch-args"],
      [["--epochs", "0"], "--epochs"],
      [["--batch", "0"], "--batch"],
      [["--hidden", "abc"], "--hidden"],
      [["--lr", "1;x"], "--lr"],
      [["--seed", "-1"], "--seed"],
      [["--train-samples", "1.5"], "--train-samples"],
    ];
    const runs: [string[], string][] = [
      ...refused.map(([a, o]): [string[], string] => [[...base, ...a], o]),
      [["weak-learners", "100001", "--data", "deno.json", "--out-dir", out], "N"],
      [[...base.slice(0, 4), "--out-dir", `${dir}/a\nb`], "--out-dir"],
      // An experiment's job array takes the same checked site options.
      [["reproduce", "grid.json", "--out-dir", out, "--time", "1:00\ntouch pwned"], "--time"],
      [["reproduce", "grid.json", "--out-dir", out, "--sbatch-args", "--output=/x"], "--output"],
    ];
    for (const [args, named] of runs) {
      const r = await runTask("slurm", args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assertEquals(lines.length, 1, r.stderr);
      assertStringIncludes(lines[0], named);
      assert(!r.stdout.includes("Submitted"), r.stdout);
      assertEquals([...Deno.readDirSync(`${root}/${dir}`)], [], `${args.join(" ")} wrote a file`);
    }
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});

Deno.test("--sbatch-args takes options with their values after a space, as one directive each", async () => {
  const dir = await tmpOut(), out = `${dir}/run`;
  try {
    // No Slurm on PATH here: the scripts are written, then sbatch cannot be run (exit 1).
    Deno.mkdirSync(`${root}/${dir}/bin`);
    Deno.symlinkSync(Deno.execPath(), `${root}/${dir}/bin/deno`);
    const r = await runTask("slurm", [
      "weak-learners",
      "4",
      "--data",
      "deno.json",
      "--out-dir",
      out,
      "--sbatch-args",
      "--constraint avx2 --exclusive",
    ], { PATH: `${root}/${dir}/bin` });
    assertEquals(r.code, 1, r.stderr);
    assertMatch(r.stderr, /^slurm: Cannot run sbatch: /m); // (deno notes sbatch is missing)
    const shard = Deno.readTextFileSync(`${root}/${out}/slurm/shard.sh`);
    assertStringIncludes(shard, "\n#SBATCH --constraint=avx2\n#SBATCH --exclusive\nset -uo");
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
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
    // The cluster comes up while the dataset and the one-process run are made.
    const starting = startCluster();
    starting.catch(() => {}); // awaited below; a failure to start is thrown there
    try {
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
      const cluster = await starting;
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
        "a run directory named with spaces, %, quotes, $(…), backquotes and #SBATCH: the same files, its logs in it, no command run",
        async () => {
          const out = `${dir}/hostile ${HOSTILE}`;
          const r = await slurm(out, [
            "--time",
            "10:00",
            "--sbatch-args",
            "--comment dfa-test --nice 0",
          ]);
          assertEquals(r.code, 0, r.stdout + r.stderr);
          same(out);
          for (const log of ["shard-1.log", "shard-2.log", "finish.log"]) {
            Deno.statSync(`${root}/${out}/slurm/logs/${log}`); // %a and the name's own % as meant
          }
          const shard = Deno.readTextFileSync(`${root}/${out}/slurm/shard.sh`);
          assertStringIncludes(shard, "\n#SBATCH --time=10:00\n#SBATCH --comment=dfa-test\n");
          assertEquals(pwned(`${root}/${dir}`), []);
          assert(![...Deno.readDirSync(root)].some((e) => e.name.startsWith("pwned")));
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
      await (await starting.catch(() => undefined))?.stop();
      await Deno.remove(`${root}/${dir}`, { recursive: true });
    }
  },
});
