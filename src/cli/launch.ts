// The launcher's logic: the `deno run` command of a task, with exactly the permissions of its
// entry in the task table and FFI scoped to the one OpenBLAS library found on this system (and to
// the C maths library when the task flushes subnormals).
import {
  KNOWN_LIBM_PATHS,
  KNOWN_OPENBLAS_PATHS,
  locateLibm,
  locateOpenBlas,
  OPENBLAS_FIX,
} from "../native/mod.ts";
import { taskFlags } from "./task_flags.ts";
import { TASKS } from "./tasks.ts";

/** A task the launcher cannot run: the message, and the exit code (2: a usage error, 1: else). */
export class LaunchError extends Error {
  /** The launcher's exit code. */
  readonly code: number;

  /**
   * @param message What went wrong.
   * @param code The exit code.
   */
  constructor(message: string, code: number) {
    super(message);
    this.name = "LaunchError";
    this.code = code;
  }
}

/**
 * The arguments of `deno` that run task `name` with `args`.
 *
 * @throws {LaunchError} When the task is unknown or a path its arguments name would change a
 * permission scope's meaning (exit 2), or OpenBLAS or the C maths library it needs is not found.
 */
export function launchCommand(name: string | undefined, args: string[]): string[] {
  const task = Object.hasOwn(TASKS, name ?? "") ? TASKS[name!] : undefined;
  if (!task) {
    throw new LaunchError(
      `launch: unknown task: ${name ?? "(none)"}; tasks: ${Object.keys(TASKS).join(", ")}`,
      2,
    );
  }
  const library = task.ffi ? locateOpenBlas() : "";
  if (library === undefined) {
    throw new LaunchError(
      `${name}: Cannot find OpenBLAS: none of ${
        KNOWN_OPENBLAS_PATHS.join(", ")
      } exists. ${OPENBLAS_FIX}`,
      1,
    );
  }
  const libm = task.ffi && (task.libm || args.includes("--flush-subnormals")) ? locateLibm() : "";
  if (libm === undefined) {
    throw new LaunchError(
      `${name}: Cannot flush subnormals: no C maths library at ${KNOWN_LIBM_PATHS.join(", ")}`,
      1,
    );
  }
  let flags: string[];
  try {
    flags = taskFlags(task, library, args, libm);
  } catch (error) {
    // A path that would change a permission scope's meaning (a comma, an empty path).
    throw new LaunchError(`${name}: ${(error as Error).message}`, 2);
  }
  return ["run", ...flags, task.script, ...(task.args ?? []), ...args];
}
