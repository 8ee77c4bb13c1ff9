// The files of a Slurm run: the plan (what to run, where, with which site options), the job
// scripts it becomes, and the exact `deno run` flags of each job. Pure functions of the plan.
import { linoutPaths, shardPath } from "../stacking/mod.ts";

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
  /** Absolute paths: the project, the MNIST file, the run's directory, OpenBLAS on the nodes. */
  project: string;
  /** The MNIST file (absolute). */
  data: string;
  /** The run's directory (absolute). */
  outDir: string;
  /** OpenBLAS on the nodes (absolute). */
  library: string;
  /** Options passed to every shard (they are part of the run: --epochs, --seed, …). */
  learnerArgs: string[];
  /** `#SBATCH` options of both jobs (--partition=…, --time=…, …). */
  sbatch: string[];
  /** A compiled runner (`deno task compile-runner`) that replaces `deno run`, or "". */
  binary: string;
}

/**
 * The environment variables a job's process may read.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { denoFlags, JOB_ENV } from "./mod.ts";
 * assertEquals(denoFlags([], [], "/lib/libopenblas.so").at(-1), `--allow-env=${JOB_ENV.join(",")}`);
 * ```
 */
export const JOB_ENV = ["DFA_OPENBLAS_PATH", "DFA_THREADS", "OPENBLAS_CORETYPE"];

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
  /** The run's Slurm directory, OUT/slurm. */
  slurm: string;
  /** The saved plan, OUT/slurm/run.json. */
  plan: string;
  /** The array job's script. */
  shardScript: string;
  /** The finishing job's script. */
  finishScript: string;
  /** Array task k's log. */
  shardLog: (k: number | string) => string;
  /** The file array task k writes its exit status to. */
  shardExit: (k: number | string) => string;
  /** The finishing job's log. */
  finishLog: string;
  /** The file the finishing job writes its exit status to. */
  finishExit: string;
  /** Array task k's working directory. */
  shardDir: (k: number | string) => string;
  /** The outputs file of shard k. */
  shardFile: (k: number) => string;
  /** The merged stacked outputs. */
  merged: { train: string; test: string };
  /** The stacked models' results. */
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
 * `deno run` flags with exactly these scopes (none unscoped, no network, no -A).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { denoFlags } from "./mod.ts";
 * assertEquals(denoFlags(["/data"], [], "/lib/libopenblas.so").slice(0, 3), ["--no-prompt", "--allow-read=/data", "--allow-ffi=/lib/libopenblas.so"]);
 * ```
 */
export function denoFlags(read: string[], write: string[], library: string): string[] {
  return [
    "--no-prompt",
    `--allow-read=${read.join(",")}`,
    ...(write.length ? [`--allow-write=${write.join(",")}`] : []), // an empty scope is all
    `--allow-ffi=${library}`,
    `--allow-env=${JOB_ENV.join(",")}`,
  ];
}

/**
 * Quotes a word for bash where needed. `$K` (the array task's index) stays a variable, in double
 * quotes; every other character is taken literally.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sh } from "./mod.ts";
 * assertEquals([sh("plain/path"), sh("it's"), sh("shard $K")], ["plain/path", "'it'\\''s'", '"shard $K"']);
 * ```
 */
export function sh(a: string): string {
  if (/^[\w@%+=:,./-]+$/.test(a)) return a;
  if (!a.includes("$K")) return `'${a.replaceAll("'", "'\\''")}'`;
  return `"${a.split("$K").map((p) => p.replace(/[$`"\\]/g, "\\$&")).join("$K")}"`;
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
  return [
    "#!/bin/bash",
    `# Written by \`deno task slurm ${plan.task} ${plan.n} --shards ${plan.shards}\`; that command`,
    "# resubmits only what is missing. Submitting this file by hand works too.",
    `#SBATCH --job-name=dfa-${name}`,
    `#SBATCH --output=${log}`,
    ...plan.sbatch.map((o) => `#SBATCH ${o}`),
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
 */
export function shardScript(plan: SlurmPlan): string {
  const f = runFiles(plan), dir = f.shardDir("$K");
  const args = [
    String(plan.n),
    "--shard",
    `$K/${plan.shards}`,
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
    ...header(plan, `${plan.task}-shard`, f.shardLog("%a")),
    "K=$SLURM_ARRAY_TASK_ID",
    `rm -f ${sh(f.shardExit("$K"))}`,
    run,
    "code=$?",
    `echo "$code" > ${sh(f.shardExit("$K"))}`,
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
    ...header(plan, `${plan.task}-finish`, f.finishLog),
    `rm -f ${sh(f.finishExit)}`,
    `( set -e; ${lines.join("; ")} )`,
    "code=$?",
    `echo "$code" > ${sh(f.finishExit)}`,
    'exit "$code"',
    "",
  ].join("\n");
}
