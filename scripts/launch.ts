// Runs a dfa task with exactly the permissions it needs: reads, writes and environment variables
// from the table below, and FFI scoped to the one OpenBLAS library found on this system (the path
// in DFA_OPENBLAS_PATH, else the first of the loader's known paths that exists). So the tasks work
// on Debian, Fedora, Arch, Alpine or Homebrew alike, with neither -A nor an unscoped --allow-ffi.
//
//   deno run --allow-read=<the known libraries' directories> --allow-env=DFA_OPENBLAS_PATH,…
//            --allow-run=deno scripts/launch.ts TASK [ARGS…]
//
// DFA_LAUNCH_PRINT=1 prints the command it runs on stderr first.
import { KNOWN_OPENBLAS_PATHS, locateOpenBlas, OPENBLAS_FIX } from "../src/native/mod.ts";

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
}

const train = { read: ["."], write: ["data"], ffi: true };
export const TASKS: Record<string, TaskPermissions> = {
  "create-dataset": { script: "scripts/create_dataset.ts", read: ["."], write: ["data"] },
  "merge-linouts": { script: "scripts/merge_linouts.ts", read: ["."], write: ["data"] },
  mnist: { script: "scripts/mnist.ts", ...train },
  "linear-net": { script: "scripts/linear_net.ts", write: ["data"], ffi: true },
  "weak-learners": { script: "scripts/weak_learners.ts", ...train },
  "diff-weak-learners": { script: "scripts/weak_learners.ts", args: ["--diff"], ...train },
  "stacked-model": {
    script: "scripts/stacked_model.ts",
    args: ["--layer", "dense"],
    read: ["."],
    ffi: true,
  },
  "rd-stacked-model": {
    script: "scripts/stacked_model.ts",
    args: ["--layer", "rd"],
    read: ["."],
    ffi: true,
  },
  pipeline: { script: "scripts/pipeline.ts", ...train },
  "stacking-study": {
    script: "scripts/stacking_study.ts",
    read: ["."],
    write: ["data", "results"],
    ffi: true,
  },
  "bench:gemm": { script: "bench/gemm.ts", ffi: true },
  "bench:epoch": { script: "bench/epoch.ts", ffi: true },
  "bench:pipeline": { script: "bench/pipeline.ts", ...train },
};

/**
 * The launcher's own read scope: the fewest directories that hold every one of the loader's known
 * paths (deno.json's tasks grant exactly these; a test checks they agree).
 */
export const LIBRARY_DIRS = KNOWN_OPENBLAS_PATHS.map((p) => p.slice(0, p.lastIndexOf("/")))
  .filter((d, i, all) => all.indexOf(d) === i)
  .filter((d, _, all) => !all.some((o) => o !== d && d.startsWith(`${o}/`)));

/** The `deno run` flags of a task, FFI scoped to `library`. */
export function taskFlags(task: TaskPermissions, library: string): string[] {
  const flags = ["--no-prompt"];
  if (task.read) flags.push(`--allow-read=${task.read.join(",")}`);
  if (task.write) flags.push(`--allow-write=${task.write.join(",")}`);
  if (task.ffi) {
    flags.push(
      `--allow-ffi=${library}`,
      "--allow-env=DFA_OPENBLAS_PATH,DFA_THREADS,OPENBLAS_CORETYPE",
    );
  }
  return flags;
}

if (import.meta.main) {
  const [name, ...args] = Deno.args, task = TASKS[name ?? ""];
  if (!task) {
    console.error(
      `launch: unknown task: ${name ?? "(none)"}; tasks: ${Object.keys(TASKS).join(", ")}`,
    );
    Deno.exit(2);
  }
  const library = task.ffi ? locateOpenBlas() : "";
  if (library === undefined) {
    console.error(
      `${name}: Cannot find OpenBLAS: none of ${
        KNOWN_OPENBLAS_PATHS.join(", ")
      } exists. ${OPENBLAS_FIX}`,
    );
    Deno.exit(1);
  }
  const command = ["run", ...taskFlags(task, library), task.script, ...(task.args ?? []), ...args];
  if (Deno.env.get("DFA_LAUNCH_PRINT")) console.error(`deno ${command.join(" ")}`);
  const child = new Deno.Command("deno", { args: command, stdin: "inherit" }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => child.kill(signal));
  }
  Deno.exit((await child.status).code);
}
