// The exact `deno run` flags of a job on a cluster node: every scope named, none unscoped, no
// network, no -A.
import { checkScopePath } from "../cli/task_flags.ts";

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
 * `deno run` flags with exactly these scopes (none unscoped, no network, no -A).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { denoFlags } from "./job_flags.ts";
 * assertEquals(denoFlags(["/p"], ["/p/out"], "/lib/blas.so").slice(0, 3), [
 *   "--no-prompt",
 *   "--allow-read=/p",
 *   "--allow-write=/p/out",
 * ]);
 * assertThrows(() => denoFlags(["/p"], [], "/lib/blas.so,/"), TypeError, "comma");
 * ```
 *
 * @param read Paths it may read.
 * @param write Paths it may write (none: no write flag at all).
 * @param library The OpenBLAS library it may load.
 * @returns The flags.
 * @throws {TypeError} When a path is empty or holds a comma (it would widen the scope).
 */
export function denoFlags(read: string[], write: string[], library: string): string[] {
  for (const p of [...read, ...write]) checkScopePath("a job's read or write scope", p);
  checkScopePath("OpenBLAS", library);
  return [
    "--no-prompt",
    `--allow-read=${read.join(",")}`,
    ...(write.length ? [`--allow-write=${write.join(",")}`] : []), // an empty scope is all
    `--allow-ffi=${library}`,
    `--allow-env=${JOB_ENV.join(",")}`,
  ];
}
