// The files of a Slurm run: the plan (what to run, where, with which site options) and the job
// scripts it becomes (each job's `deno run` flags: job_flags.ts). Pure functions of the plan.
import { linoutPaths, shardPath } from "../stacking/mod.ts";
import { checkScopePath } from "../cli/task_flags.ts";
import { denoFlags } from "./job_flags.ts";
import { checkScriptText, sbatchWord, sh, slurmFilename, TASK_INDEX } from "./quoting.ts";

/**
 * What `deno task slurm` submits, saved as OUT/slurm/run.json.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runFiles, type SlurmPlan } from "./mod.ts";
 * const plan: SlurmPlan = {
 *   task: "weak-learners", n: 8, shards: 2, diff: false, project: "/home/me/dfa", data: "/home/me/dfa/data/mnist.npz",
 *   outDir: "/scratch/run", library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", learnerArgs: ["--epochs", "1"],
 *   sbatch: ["--time=1:00:00"], binary: "",
 * };
 * assertEquals(runFiles(plan).shardDir(2), "/scratch/run/shards/2");
 * ```
 */
export interface SlurmPlan {
  /** weak-learners, diff-weak-learners or pipeline (weak learners, then both stacked models). */
  task: "weak-learners" | "diff-weak-learners" | "pipeline";
  /** Weak learners. */
  n: number;
  /** Array tasks, one shard each. */
  shards: number;
  /** Learners with their own initialisations. */
  diff: boolean;
  /** The project's directory (absolute). */
  project: string;
  /** The MNIST file (absolute). */
  data: string;
  /** The run's directory (absolute). */
  outDir: string;
  /** OpenBLAS on the nodes. */
  library: string;
  /** Options passed to every shard (they are part of the run: --epochs, --seed, …). */
  learnerArgs: string[];
  /** `#SBATCH` options of both jobs, one word each (--partition=…, --time=…, …). */
  sbatch: string[];
  /** A compiled runner (`deno task compile-runner`) that replaces `deno run`, or "". */
  binary: string;
}

/**
 * Where a Slurm run's files go.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type RunFiles, runFiles } from "./mod.ts";
 * const files: RunFiles = runFiles({ outDir: "/scratch/run", diff: false, shards: 2 });
 * assertEquals([files.shardLog(1), files.finishExit], ["/scratch/run/slurm/logs/shard-1.log", "/scratch/run/slurm/finish.exit"]);
 * ```
 */
export interface RunFiles {
  /** OUT/slurm: the scripts, the plan, the logs and exit codes. */
  slurm: string;
  /** OUT/slurm/run.json. */
  plan: string;
  /** The job array's script. */
  shardScript: string;
  /** The finishing job's script. */
  finishScript: string;
  /** Shard K's log. */
  shardLog: (k: number | string) => string;
  /** Shard K's exit code, as its job writes it. */
  shardExit: (k: number | string) => string;
  /** The finishing job's log. */
  finishLog: string;
  /** The finishing job's exit code. */
  finishExit: string;
  /** Shard K's own directory. */
  shardDir: (k: number | string) => string;
  /** Shard K's outputs. */
  shardFile: (k: number) => string;
  /** The merged outputs. */
  merged: { train: string; test: string };
  /** The stacked models' results (pipeline). */
  results: { dense: string; rd: string };
}

/**
 * Where a run's files go.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runFiles } from "./mod.ts";
 * assertEquals(runFiles({ outDir: "/scratch/run", diff: false, shards: 2 }).merged.train, "/scratch/run/train_linouts.npz");
 * ```
 */
export function runFiles(plan: Pick<SlurmPlan, "outDir" | "diff" | "shards">): RunFiles {
  const slurm = `${plan.outDir}/slurm`;
  return {
    slurm,
    plan: `${slurm}/run.json`,
    shardScript: `${slurm}/shard.sh`,
    finishScript: `${slurm}/finish.sh`,
    shardLog: (k: number | string) => `${slurm}/logs/shard-${k}.log`,
    shardExit: (k: number | string) => `${slurm}/shard-${k}.exit`,
    finishLog: `${slurm}/logs/finish.log`,
    finishExit: `${slurm}/finish.exit`,
    shardDir: (k: number | string) => `${plan.outDir}/shards/${k}`,
    shardFile: (k: number) => shardPath(`${plan.outDir}/shards/${k}`, plan.diff, k, plan.shards),
    merged: linoutPaths(plan.outDir, plan.diff),
    results: { dense: `${plan.outDir}/stacked-dense.json`, rd: `${plan.outDir}/stacked-rd.json` },
  };
}

/**
 * Checks every value of a plan that its job scripts hold: paths without control characters
 * (and the run's directory without a backslash, which Slurm's --output cannot take), scopes
 * without commas, `#SBATCH` options without control characters.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkPlan } from "./jobs.ts";
 * const plan = { task: "weak-learners", n: 4, shards: 2, diff: false, project: "/p",
 *   data: "/p/data/mnist.npz", outDir: "/runs/a\nb", library: "/lib/blas.so", learnerArgs: [],
 *   sbatch: [], binary: "" } as const;
 * assertThrows(() => checkPlan({ ...plan, learnerArgs: [], sbatch: [] }), TypeError, "--out-dir");
 * ```
 *
 * @param plan The plan.
 * @throws {TypeError} When a value cannot be written safely; the message names its option.
 */
export function checkPlan(plan: SlurmPlan): void {
  if (!["weak-learners", "diff-weak-learners", "pipeline"].includes(plan.task)) {
    throw new TypeError(`Cannot write the job scripts of an unknown task: ${plan.task}`);
  }
  for (const [what, v] of [["N", plan.n], ["the shard count", plan.shards]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new TypeError(`Cannot write the job scripts: ${what} must be an integer ≥ 1: ${v}`);
    }
  }
  const paths: [string, string][] = [
    ["the project directory", plan.project],
    ["--data", plan.data],
    ["--out-dir", plan.outDir],
    ["--openblas", plan.library],
  ];
  for (const [what, path] of paths) checkScopePath(what, checkScriptText(what, path));
  if (plan.binary) checkScriptText("--binary", plan.binary);
  if (plan.outDir.includes("\\")) {
    throw new TypeError(
      "Cannot name the Slurm logs under --out-dir: Slurm's --output reads a backslash as an " +
        `escape, and the jobs would write no log: ${plan.outDir}`,
    );
  }
  for (const a of [...plan.learnerArgs, ...plan.sbatch]) checkScriptText("an option", a);
}

/** The command line of one dfa task in a job: the compiled runner, or deno with scoped flags. */
function command(
  plan: SlurmPlan,
  task: "weak-learners" | "merge-linouts" | "stacked-model",
  args: string[],
  scopes: { read: string[]; write: string[] },
): string {
  if (plan.binary) return [plan.binary, task, ...args].map(sh).join(" ");
  const script = `${plan.project}/scripts/${task.replaceAll("-", "_")}.ts`;
  return ["deno", "run", ...denoFlags(scopes.read, scopes.write, plan.library), script, ...args]
    .map(sh).join(" ");
}

function header(plan: SlurmPlan, name: string, log: string): string[] {
  checkPlan(plan);
  return [
    "#!/bin/bash",
    `# Written by \`deno task slurm ${plan.task} ${plan.n} --shards ${plan.shards}\`; that command`,
    "# resubmits only what is missing. Submitting this file by hand works too.",
    `#SBATCH --job-name=dfa-${name}`,
    `#SBATCH ${sbatchWord(`--output=${log}`)}`,
    ...plan.sbatch.map((o) => `#SBATCH ${sbatchWord(o)}`),
    "set -uo pipefail",
    'export DFA_THREADS="${SLURM_CPUS_PER_TASK:-1}" # OpenBLAS threads: the CPUs Slurm gave us',
    `export DFA_OPENBLAS_PATH=${sh(plan.library)}`,
    `cd ${sh(plan.project)}`,
  ];
}

/**
 * The job array's script: task K trains shard K of M in its own directory.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { shardScript, type SlurmPlan } from "./mod.ts";
 * const plan: SlurmPlan = {
 *   task: "weak-learners", n: 8, shards: 2, diff: false, project: "/home/me/dfa", data: "/home/me/dfa/data/mnist.npz",
 *   outDir: "/scratch/run", library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", learnerArgs: ["--epochs", "1"],
 *   sbatch: ["--time=1:00:00"], binary: "",
 * };
 * assertStringIncludes(shardScript(plan), "#SBATCH --time=1:00:00");
 * assertStringIncludes(shardScript(plan), "K=$SLURM_ARRAY_TASK_ID");
 * ```
 *
 * @throws {TypeError} When a value of the plan cannot be written safely ({@linkcode checkPlan}).
 */
export function shardScript(plan: SlurmPlan): string {
  const f = runFiles(plan), dir = f.shardDir(TASK_INDEX);
  const args = [
    String(plan.n),
    "--shard",
    `${TASK_INDEX}/${plan.shards}`,
    "--data",
    plan.data,
    "--out-dir",
    dir,
    "--quiet",
    ...(plan.diff ? ["--diff"] : []),
    ...plan.learnerArgs,
  ];
  const run = command(plan, "weak-learners", args, {
    read: [plan.project, plan.data, dir],
    write: [dir],
  });
  return [
    ...header(plan, `${plan.task}-shard`, `${slurmFilename(f.slurm)}/logs/shard-%a.log`),
    "K=$SLURM_ARRAY_TASK_ID",
    `rm -f ${sh(f.shardExit(TASK_INDEX))}`,
    run,
    "code=$?",
    `echo "$code" > ${sh(f.shardExit(TASK_INDEX))}`,
    'exit "$code"',
    "",
  ].join("\n");
}

/**
 * The job that runs once every shard succeeded: the merge, and for a pipeline the two models.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { finishScript, type SlurmPlan } from "./mod.ts";
 * const plan: SlurmPlan = {
 *   task: "weak-learners", n: 8, shards: 2, diff: false, project: "/home/me/dfa", data: "/home/me/dfa/data/mnist.npz",
 *   outDir: "/scratch/run", library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", learnerArgs: ["--epochs", "1"],
 *   sbatch: ["--time=1:00:00"], binary: "",
 * };
 * assertStringIncludes(finishScript(plan), "scripts/merge_linouts.ts /scratch/run/shards/1/linouts-shard-1-of-2.npz");
 * ```
 *
 * @throws {TypeError} When a value of the plan cannot be written safely ({@linkcode checkPlan}).
 */
export function finishScript(plan: SlurmPlan): string {
  const f = runFiles(plan);
  const shardFiles = Array.from({ length: plan.shards }, (_, i) => f.shardFile(i + 1));
  const scopes = { read: [plan.project, plan.data, plan.outDir], write: [plan.outDir] };
  const lines = [command(plan, "merge-linouts", [...shardFiles, "--out-dir", plan.outDir], scopes)];
  if (plan.task === "pipeline") {
    for (const layer of ["dense", "rd"] as const) {
      const args = [String(plan.n), f.merged.train, f.merged.test, "--layer", layer];
      const run = command(plan, "stacked-model", [
        ...args,
        "--mnist",
        plan.data,
        "--quiet",
        "--json",
      ], {
        read: scopes.read,
        write: [],
      });
      lines.push(`${run} | tail -n 1 > ${sh(f.results[layer])}`);
    }
  }
  return [
    ...header(plan, `${plan.task}-finish`, `${slurmFilename(f.slurm)}/logs/finish.log`),
    `rm -f ${sh(f.finishExit)}`,
    `( set -e; ${lines.join("; ")} )`,
    "code=$?",
    `echo "$code" > ${sh(f.finishExit)}`,
    'exit "$code"',
    "",
  ].join("\n");
}
