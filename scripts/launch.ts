// Runs a dfa task with exactly the permissions it needs: reads, writes and environment variables
// from the table below, and FFI scoped to the one OpenBLAS library found on this system (the path
// in DFA_OPENBLAS_PATH, else the first of the loader's known paths that exists). So the tasks work
// on Debian, Fedora, Arch, Alpine or Homebrew alike, with neither -A nor an unscoped --allow-ffi.
//
//   deno run --allow-read=<the known libraries' directories> --allow-env=DFA_OPENBLAS_PATH,…
//            --allow-run=deno scripts/launch.ts TASK [ARGS…]
//
// With --flush-subnormals among a task's arguments, FFI also covers the C maths library, whose
// fesetenv sets the flush-to-zero bits around BLAS calls and training steps.
//
// DFA_LAUNCH_PRINT=1 prints the command it runs on stderr first.
import {
  KNOWN_LIBM_PATHS,
  KNOWN_OPENBLAS_PATHS,
  locateLibm,
  locateOpenBlas,
  OPENBLAS_FIX,
} from "../src/native/mod.ts";
import { taskFlags, TASKS } from "../src/cli/tasks.ts";

if (import.meta.main) {
  const [name, ...args] = Deno.args, task = Object.hasOwn(TASKS, name ?? "") && TASKS[name];
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
  const libm = task.ffi && (task.libm || args.includes("--flush-subnormals")) ? locateLibm() : "";
  if (libm === undefined) {
    console.error(
      `${name}: Cannot flush subnormals: no C maths library at ${KNOWN_LIBM_PATHS.join(", ")}`,
    );
    Deno.exit(1);
  }
  const command = [
    "run",
    ...taskFlags(task, library, args, libm),
    task.script,
    ...(task.args ?? []),
    ...args,
  ];
  if (Deno.env.get("DFA_LAUNCH_PRINT")) console.error(`deno ${command.join(" ")}`);
  const child = new Deno.Command("deno", { args: command, stdin: "inherit" }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => child.kill(signal));
  }
  Deno.exit((await child.status).code);
}
