// The tasks dfa runs and what each may touch: the table the launcher grants permissions from
// (task_flags.ts turns an entry into deno run flags), and the commands that start the launcher.
import { KNOWN_OPENBLAS_PATHS } from "../native/mod.ts";

/** What a task runs and may touch. */
export interface TaskPermissions {
  /** What the task does, in one line (deno task's and the README's list of tasks). */
  description: string;
  /** The script, from the project's root. */
  script: string;
  /** Arguments that come before the user's. */
  args?: string[];
  /** --allow-read scopes. */
  read?: string[];
  /** --allow-write scopes. */
  write?: string[];
  /** Calls OpenBLAS (then reads DFA_OPENBLAS_PATH and DFA_THREADS, and gets --allow-ffi=LIB). */
  ffi?: boolean;
  /** Also calls the C maths library (to flush subnormals), whatever its arguments. */
  libm?: boolean;
  /** --allow-run scopes (programs it starts). */
  run?: string[];
  /** --allow-run scopes granted only when this option is among the arguments. */
  runWith?: { option: string; run: string[] };
  /** --allow-env scopes (beyond those of `ffi`). */
  env?: string[];
  /**
   * Options whose values are paths the task then may read or write (e.g. `--out-dir` outside the
   * project); `"positional"` stands for the arguments that are not options. `"file"`: a file the
   * task writes atomically (a temporary file beside it, then a rename) or beside a lock, so its
   * directory is granted.
   */
  paths?: Record<string, "read" | "write" | "file">;
  /**
   * For a task with `"positional"` paths: its options that take no value (its booleans, and the
   * `no-` form of those on by default; `help` goes without saying). The argument after any other
   * option written without `=` is that option's value (`--seeds 2,3`), not a path. A test checks
   * these against each script's --help.
   */
  flags?: readonly string[];
}

/**
 * The launcher's own read scope: the fewest directories that hold every one of the loader's known
 * paths (deno.json's tasks grant exactly these; a test checks they agree).
 */
export const LIBRARY_DIRS = KNOWN_OPENBLAS_PATHS.map((p) => p.slice(0, p.lastIndexOf("/")))
  .filter((d, i, all) => all.indexOf(d) === i)
  .filter((d, _, all) => !all.some((o) => o !== d && d.startsWith(`${o}/`)));

const data = { data: "read", "out-dir": "write" } as const;
const train = { read: ["."], write: ["data"], ffi: true, paths: data };
export const TASKS: Record<string, TaskPermissions> = {
  "create-dataset": {
    description: "Writes MNIST as data/mnist.npz in the original layout (features by samples)",
    script: "scripts/create_dataset.ts",
    read: ["."],
    write: ["data"],
    paths: { out: "file", "idx-dir": "read", "keras-npz": "read" },
  },
  "merge-linouts": {
    description: "Joins the shard files of weak-learners N --shard K/M into the files of one run",
    script: "scripts/merge_linouts.ts",
    read: ["."],
    write: ["data"],
    paths: { positional: "read", "out-dir": "write" },
    flags: [],
  },
  mnist: {
    description: "Trains nets on MNIST with the rules asked for (default: 784–800–10, DFA and BP)",
    script: "scripts/mnist.ts",
    ...train,
    paths: { ...data, "checkpoint-dir": "write" },
  },
  "linear-net": {
    description: "A linear net learns a random matrix M = W2·W1 by DFA, its alignment tracked",
    script: "scripts/linear_net.ts",
    write: ["data"],
    ffi: true,
  },
  "weak-learners": {
    description: "Trains N DFA weak learners of one initialisation, writes their linear outputs",
    script: "scripts/weak_learners.ts",
    ...train,
  },
  "diff-weak-learners": {
    description: "Trains N DFA weak learners, each its own initialisation, writes their outputs",
    script: "scripts/weak_learners.ts",
    args: ["--diff"],
    ...train,
  },
  "stacked-model": {
    description: "Trains a dense sigmoid layer on the weak learners' stacked linear outputs",
    script: "scripts/stacked_model.ts",
    args: ["--layer", "dense"],
    read: ["."],
    ffi: true,
    paths: { positional: "read", mnist: "read" },
    flags: ["json", "quiet"],
  },
  "rd-stacked-model": {
    description: "Trains an RD layer on the weak learners' stacked linear outputs",
    script: "scripts/stacked_model.ts",
    args: ["--layer", "rd"],
    read: ["."],
    ffi: true,
    paths: { positional: "read", mnist: "read" },
    flags: ["json", "quiet"],
  },
  slurm: {
    description: "Runs the weak learners as a Slurm job array, then merges and stacks them",
    script: "scripts/slurm.ts",
    read: [".", ...LIBRARY_DIRS],
    write: ["data"],
    run: ["sbatch", "scontrol"],
    env: ["DFA_OPENBLAS_PATH"],
    // The positional FILE of `slurm reproduce FILE` (the jobs it writes read it too).
    paths: { ...data, binary: "read", openblas: "read", positional: "read" },
    flags: ["wait"],
  },
  pipeline: {
    description: "create-dataset, weak-learners, both stacked models, a summary and a report",
    script: "scripts/pipeline.ts",
    ...train,
  },
  reproduce: {
    description: "Runs a published MNIST table cell by cell (resumable) into results/",
    script: "scripts/reproduce.ts",
    read: ["."],
    write: ["data", "results"],
    ffi: true,
    // --jobs N starts N copies of itself through the launcher (each with these flags).
    runWith: { option: "jobs", run: ["deno"] },
    paths: { data: "read", "out-dir": "write", "report-dir": "write", positional: "read" },
    flags: ["status", "merge", "flush-subnormals", "report", "no-report"],
  },
  "compile-runner": {
    description: "Compiles the cluster runner into one executable, its permissions baked in",
    script: "scripts/compile_runner.ts",
    read: [".", ...LIBRARY_DIRS],
    write: ["data"],
    run: ["deno"],
    env: ["DFA_OPENBLAS_PATH", "DENORT_BIN"],
    paths: { out: "write" },
  },
  "stacking-study": {
    description: "The stacking study over seeds (resumable) into results/stacking.json",
    script: "scripts/stacking_study.ts",
    read: ["."],
    write: ["data", "results"],
    ffi: true,
    paths: { outputs: "read", "original-logs": "read", out: "file" },
  },
  "bench:gemm": {
    description: "GEMM throughput through the checked wrapper, and its overhead",
    script: "bench/gemm.ts",
    ffi: true,
  },
  "bench:epoch": {
    description: "One DFA epoch of the 784–800–10 net against its BLAS calls alone",
    script: "bench/epoch.ts",
    ffi: true,
  },
  "bench:subnormals": {
    description: "The cost of subnormal floats in sgemm, and what flushing them saves",
    script: "bench/subnormals.ts",
    ffi: true,
    libm: true,
  },
  "bench:pipeline": {
    description: "The default pipeline, wall time against time inside BLAS, per step",
    script: "bench/pipeline.ts",
    ...train,
  },
};

/**
 * The command of task `name` in deno.json: the launcher, granted only what it needs to find the
 * library and start deno, given the task's name.
 */
export function denoTaskCommand(name: string): string {
  return `deno run --allow-read=${LIBRARY_DIRS.join(",")} --allow-env=DFA_OPENBLAS_PATH,` +
    `DFA_LAUNCH_PRINT --allow-run=deno scripts/launch.ts ${name}`;
}

/**
 * The `deno` arguments that run a task through the launcher, as its deno task does (scripts/launch.ts
 * with the launcher's own flags: it finds OpenBLAS and grants the task its flags).
 */
export function launcherArgs(task: string, args: string[]): string[] {
  return [
    "run",
    "--no-prompt",
    `--allow-read=${LIBRARY_DIRS.join(",")}`,
    "--allow-env=DFA_OPENBLAS_PATH,DFA_LAUNCH_PRINT",
    "--allow-run=deno",
    "scripts/launch.ts",
    task,
    ...args,
  ];
}
