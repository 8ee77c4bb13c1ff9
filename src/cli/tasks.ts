// The tasks dfa runs and what each may touch: the table the launcher grants permissions from, and
// the deno run flags it builds for a task (FFI scoped to one OpenBLAS library, reads and writes to
// the task's own directories and the paths its arguments name).
import { KNOWN_OPENBLAS_PATHS } from "../native/mod.ts";

/** What a task may touch. */
export interface TaskPermissions {
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
  /** --allow-env scopes (beyond those of `ffi`). */
  env?: string[];
  /**
   * Options whose values are paths the task then may read or write (e.g. `--out-dir` outside the
   * project); `"positional"` stands for the arguments that are not options.
   */
  paths?: Record<string, "read" | "write">;
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
  "create-dataset": { script: "scripts/create_dataset.ts", read: ["."], write: ["data"] },
  "merge-linouts": {
    script: "scripts/merge_linouts.ts",
    read: ["."],
    write: ["data"],
    paths: { positional: "read", "out-dir": "write" },
  },
  mnist: { script: "scripts/mnist.ts", ...train, paths: { ...data, "checkpoint-dir": "write" } },
  "linear-net": { script: "scripts/linear_net.ts", write: ["data"], ffi: true },
  "weak-learners": { script: "scripts/weak_learners.ts", ...train },
  "diff-weak-learners": { script: "scripts/weak_learners.ts", args: ["--diff"], ...train },
  "stacked-model": {
    script: "scripts/stacked_model.ts",
    args: ["--layer", "dense"],
    read: ["."],
    ffi: true,
    paths: { positional: "read", mnist: "read" },
  },
  "rd-stacked-model": {
    script: "scripts/stacked_model.ts",
    args: ["--layer", "rd"],
    read: ["."],
    ffi: true,
    paths: { positional: "read", mnist: "read" },
  },
  slurm: {
    script: "scripts/slurm.ts",
    read: [".", ...LIBRARY_DIRS],
    write: ["data"],
    run: ["sbatch", "scontrol"],
    env: ["DFA_OPENBLAS_PATH"],
    paths: { ...data, binary: "read", openblas: "read" },
  },
  pipeline: { script: "scripts/pipeline.ts", ...train },
  reproduce: {
    script: "scripts/reproduce.ts",
    read: ["."],
    write: ["data", "results"],
    ffi: true,
    paths: { data: "read", "out-dir": "write", "report-dir": "write" },
  },
  "compile-runner": {
    script: "scripts/compile_runner.ts",
    read: [".", ...LIBRARY_DIRS],
    write: ["data"],
    run: ["deno"],
    env: ["DFA_OPENBLAS_PATH", "DENORT_BIN"],
    paths: { out: "write" },
  },
  "stacking-study": {
    script: "scripts/stacking_study.ts",
    read: ["."],
    write: ["data", "results"],
    ffi: true,
    paths: { outputs: "read", "original-logs": "read" },
  },
  "bench:gemm": { script: "bench/gemm.ts", ffi: true },
  "bench:epoch": { script: "bench/epoch.ts", ffi: true },
  "bench:subnormals": { script: "bench/subnormals.ts", ffi: true, libm: true },
  "bench:pipeline": { script: "bench/pipeline.ts", ...train },
};

/**
 * The paths a task's arguments name in its `paths` options: `--out-dir X` or `--out-dir=X` (and,
 * for `"positional"`, the arguments that are not options), by the access they need.
 */
export function pathScopes(
  task: TaskPermissions,
  args: string[],
): { read: string[]; write: string[] } {
  const out = { read: [] as string[], write: [] as string[] }, paths = task.paths ?? {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) {
      if (paths.positional) out[paths.positional].push(args[i]);
      continue;
    }
    const access = paths[m[1]];
    const value = m[2] ?? (access && i + 1 < args.length ? args[++i] : undefined);
    if (access && value) out[access].push(value);
  }
  if (out.write.length) out.read.push(...out.write); // a task reads what it writes (resuming)
  return out;
}

/**
 * The `deno run` flags of a task, FFI scoped to `library` (and to `libm` when the arguments ask to
 * flush subnormals), with the paths its arguments name.
 */
export function taskFlags(
  task: TaskPermissions,
  library: string,
  args: string[] = [],
  libm = "",
): string[] {
  const flags = ["--no-prompt"], named = pathScopes(task, args);
  const read = [...(task.read ?? []), ...named.read],
    write = [...(task.write ?? []), ...named.write];
  if (read.length) flags.push(`--allow-read=${read.join(",")}`);
  if (write.length) flags.push(`--allow-write=${write.join(",")}`);
  if (task.run) flags.push(`--allow-run=${task.run.join(",")}`);
  const flushing = libm && (task.libm || args.includes("--flush-subnormals"));
  if (task.ffi) flags.push(`--allow-ffi=${flushing ? `${library},${libm}` : library}`);
  const env = [
    ...(task.ffi ? ["DFA_OPENBLAS_PATH", "DFA_THREADS", "OPENBLAS_CORETYPE"] : []),
    ...(task.env ?? []),
  ];
  if (env.length) flags.push(`--allow-env=${[...new Set(env)].join(",")}`);
  return flags;
}
