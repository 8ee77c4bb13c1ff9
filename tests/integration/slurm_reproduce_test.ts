// An experiment as a Slurm job array (one task per cell × seed) and a finish job that merges the
// cells, against a real single-node Slurm; and the job scripts it writes, with hostile paths.
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import { gridCellScript, gridFinishScript, type GridPlan } from "../../src/cluster/grid_jobs.ts";
import { loadExperiment, planCells } from "../../src/experiments/mod.ts";
import { startCluster } from "../_slurm_cluster.ts";
import { runTask, tmpOut } from "../_tasks.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The words of each `deno run` line of a script as bash splits them, with K=2 and IDS set. */
function denoRuns(script: string): string[][] {
  const lines = script.split("\n");
  const setup = lines.filter((l) => /^(IDS=|ID=|CELL=)/.test(l)).join("\n");
  return lines.filter((l) => l.startsWith("deno run")).map((l) => {
    const words = new Deno.Command("bash", {
      args: ["-c", `K=2\n${setup}\nset -- ${l.slice("deno run".length)}; printf '%s\\0' "$@"`],
    }).outputSync();
    return new TextDecoder().decode(words.stdout).split("\0").slice(0, -1);
  });
}

Deno.test("grid job scripts quote every path: bash reads them back intact, no stray line", () => {
  const hostile = "/scratch/a b/$(touch pwned)/`x`/'q'/\"d\"/#SBATCH --x/%u";
  const plan: GridPlan = {
    name: "tiny",
    experiment: `${hostile}/grid.json`,
    project: "/home/me/dfa",
    data: `${hostile}/mnist.npz`,
    outDir: "/scratch/out $1",
    library: "/usr/lib/libopenblas.so.0",
    runArgs: ["--only", "a'b $(x)", "--seeds", "1,2"],
    cells: ["a-bp-seed1-0000beef", "b-dfa-seed2-0000cafe"],
    sbatch: ["--cpus-per-task=1", "--partition=short"],
  };
  for (const script of [gridCellScript(plan), gridFinishScript(plan)]) {
    const tmp = Deno.makeTempFileSync();
    Deno.writeTextFileSync(tmp, script);
    const check = new Deno.Command("bash", { args: ["-n", tmp] }).outputSync();
    Deno.removeSync(tmp);
    assert(check.success, script);
    assertEquals(script.split("\n").filter((l) => l.startsWith("#SBATCH")).length, 3);
    const [run] = denoRuns(script);
    assert(run.includes(plan.experiment) && run.includes(plan.data), run.join(" | "));
    assertEquals(run.slice(run.indexOf("--only"), run.indexOf("--only") + 2), [
      "--only",
      "a'b $(x)",
    ]);
    const read = run.find((a) => a.startsWith("--allow-read="))!.slice(13).split(",");
    const write = run.find((a) => a.startsWith("--allow-write="))!.slice(14).split(",");
    if (script.includes("--array") || script.includes("IDS=")) {
      // Task K=2 writes only its cell's directory.
      const cell = `${plan.outDir}/checkpoints/tiny/b-dfa-seed2-0000cafe`;
      assertEquals(write, [cell]);
      assertEquals(read, [
        plan.project,
        plan.experiment,
        plan.data,
        `${plan.outDir}/tiny.json`,
        cell,
      ]);
      assertEquals(run.slice(-2), ["--cell", "b-dfa-seed2-0000cafe"]);
    } else {
      assertEquals(write, [plan.outDir]);
      assertStringIncludes(run.join(" "), "--merge");
    }
  }
  // A value that would end its line or its #SBATCH word is refused, not written.
  for (const bad of [["--time=01:00:00\ntouch pwned"], ["--qos=a b"], ["--mem=1G #x"]]) {
    assertThrows(() => gridCellScript({ ...plan, sbatch: bad }), RangeError);
  }
  assertThrows(() => gridFinishScript({ ...plan, data: "/a\nb" }), RangeError, "control character");
});

Deno.test({
  name:
    "an experiment as a Slurm job array merges to the files of a local run; a failed cell is named with its log, the finish job cancelled, and only it is resubmitted",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tmpOut(), file = `${dir}/grid.json`;
    Deno.writeTextFileSync(
      `${root}/${file}`,
      JSON.stringify({
        name: "tiny-grid",
        rules: ["bp", "dfa"],
        seeds: [1, 2],
        recipe: { optimizer: "rmsprop", lr: 1e-3, batch: 32, epochs: 1, loss: "bce" },
        rows: [{ name: "1×40 tanh", arch: "fc:40" }, { name: "2×20 tanh", arch: "fc:20x2" }],
      }),
    );
    const samples = ["--train-samples", "200"];
    const cluster = await startCluster();
    try {
      let r = await runTask("reproduce", [
        file,
        ...samples,
        "--out-dir",
        `${dir}/local`,
        "--no-report",
      ], {
        DFA_THREADS: "1",
      });
      assertEquals(r.code, 0, r.stderr);
      const out = `${dir}/slurm`;
      const slurm = () =>
        runTask("slurm", [
          "reproduce",
          file,
          ...samples,
          "--out-dir",
          out,
          "--wait",
          "--poll",
          "0.5",
        ], cluster.env);
      // Cell 3 cannot train: a directory where its checkpoint goes.
      const exp = loadExperiment(`${root}/${file}`);
      const third = planCells(exp, {}, { trainSamples: 200 })[2].id;
      const blocker = `${root}/${out}/checkpoints/tiny-grid/${third}/checkpoint.npz`;
      Deno.mkdirSync(blocker, { recursive: true });
      r = await slurm();
      assertEquals(r.code, 1, r.stdout + r.stderr);
      assertMatch(
        r.stdout,
        /Submitted job array \d+ \(cells 1, 2, 3, 4, 5, 6, 7, 8 of 8; 0 already/,
      );
      assertStringIncludes(
        r.stdout,
        `cell 3 (${third}) failed: exit code 1; log ${root}/${out}/slurm-tiny-grid/logs/cell-3.log`,
      );
      assertStringIncludes(r.stdout, "finish: CANCELLED (DependencyNeverSatisfied)");
      assertMatch(r.stderr, /^slurm: the run in .* did not finish/);
      assert(!Deno.readDirSync(`${root}/${out}`).some((e) => e.name === "tiny-grid.json"));
      Deno.removeSync(blocker);
      r = await slurm();
      assertEquals(r.code, 0, r.stdout + r.stderr);
      assertMatch(r.stdout, /\(cells 3 of 8; 7 already done\)/);
      const text = (p: string) =>
        Deno.readTextFileSync(`${root}/${p}`).replace(/"seconds": [\d.e+-]+/g, "");
      assertEquals(text(`${out}/tiny-grid.json`), text(`${dir}/local/tiny-grid.json`));
      assertEquals(text(`${out}/tiny-grid.md`), text(`${dir}/local/tiny-grid.md`));
      assert(Deno.statSync(`${root}/${out}/tiny-grid-report/report.html`).isFile);
      r = await runTask("slurm", ["status", "--out-dir", out], cluster.env);
      assertEquals(r.code, 0, r.stdout + r.stderr);
      assertStringIncludes(r.stdout, "cells: 8 done; finish: done");
    } finally {
      await cluster.stop();
      await Deno.remove(`${root}/${dir}`, { recursive: true });
    }
  },
});
