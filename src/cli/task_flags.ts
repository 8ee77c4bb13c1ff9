// The `deno run` flags of a task from its entry in the task table: FFI scoped to one OpenBLAS
// library, reads and writes to the task's own directories and to the paths its arguments name,
// each path checked to stand in a permission scope as exactly itself.
import type { TaskPermissions } from "./tasks.ts";

/**
 * Checks that `path` can stand in a `--allow-*` scope as exactly itself: Deno splits a scope at
 * every comma and has no way to escape one (`data/c,/` would grant `/`), and refuses an empty path
 * with a backtrace.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { checkScopePath } from "./task_flags.ts";
 * assertEquals(checkScopePath("--out-dir", "/scratch/a b"), "/scratch/a b");
 * assertThrows(() => checkScopePath("--out-dir", "data/c,/"), TypeError, "comma");
 * assertThrows(() => checkScopePath("--out-dir", ""), TypeError, "empty");
 * ```
 *
 * @param what What names the path, for the message ("--out-dir", "OpenBLAS").
 * @param path The path.
 * @returns The path.
 * @throws {TypeError} When it is empty or holds a comma.
 */
export function checkScopePath(what: string, path: string): string {
  if (path === "") throw new TypeError(`Cannot grant access to ${what}: the path is empty`);
  if (path.includes(",")) {
    throw new TypeError(
      `Cannot grant access to ${what}: a path with a comma would widen the permission scope ` +
        `(Deno splits scopes at commas): ${path}`,
    );
  }
  return path;
}

/** The directory of a path that has a slash in it ("/" for "/x"). */
const directoryOf = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";

/**
 * The paths a task's arguments name in its `paths` options: `--out-dir X` or `--out-dir=X` (and,
 * for `"positional"`, the arguments that are neither options nor their values, but for a bare name
 * when the task reads "." already), by the access they need; a `"file"` option's directory is
 * written (".": the file has no directory in its path).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pathScopes } from "./task_flags.ts";
 * import { TASKS } from "./tasks.ts";
 * assertEquals(pathScopes(TASKS["create-dataset"], ["--out", "/scratch/mnist.npz"]), {
 *   read: ["/scratch"],
 *   write: ["/scratch"],
 * });
 * assertEquals(pathScopes(TASKS.reproduce, ["/home/me/grid.json", "--seeds", "2,3", "--status"]), {
 *   read: ["/home/me/grid.json"],
 *   write: [],
 * });
 * ```
 *
 * @throws {TypeError} When a path is empty or holds a comma (it would change the scope's meaning).
 */
export function pathScopes(
  task: TaskPermissions,
  args: string[],
): { read: string[]; write: string[] } {
  const out = { read: [] as string[], write: [] as string[] }, paths = task.paths ?? {};
  const flags = ["help", ...task.flags ?? []], readsProject = (task.read ?? []).includes(".");
  const grant = (access: "read" | "write" | "file", what: string, value: string) => {
    const path = checkScopePath(what, value);
    if (access === "file") out.write.push(path.includes("/") ? directoryOf(path) : ".");
    else out[access].push(path);
  };
  for (let i = 0; i < args.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) {
      // A bare name ("nokland-table1", "50") is in the project, or no file at all.
      const inProject = readsProject && !/^$|^\.\.$|\//.test(args[i]);
      if (paths.positional && !inProject) {
        grant(paths.positional, `the argument '${args[i]}'`, args[i]);
      }
      continue;
    }
    const access = Object.hasOwn(paths, m[1]) ? paths[m[1]] : undefined; // not "constructor"
    // With positional paths, every option but a flag takes the next argument as its value.
    const valued = access || (paths.positional && !flags.includes(m[1]));
    const value = m[2] ?? (valued && i + 1 < args.length ? args[++i] : undefined);
    if (access && value !== undefined) grant(access, `--${m[1]}`, value);
  }
  if (out.write.length) out.read.push(...out.write); // a task reads what it writes (resuming)
  return out;
}

/**
 * The `deno run` flags of a task, FFI scoped to `library` (and to `libm` when the arguments ask to
 * flush subnormals), with the paths its arguments name.
 *
 * @throws {TypeError} When a path its arguments name, or a library, is empty or holds a comma.
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
  const given = (o: string) => args.some((a) => a === `--${o}` || a.startsWith(`--${o}=`));
  const run = [
    ...(task.run ?? []),
    ...(task.runWith && given(task.runWith.option) ? task.runWith.run : []),
  ];
  if (run.length) flags.push(`--allow-run=${run.join(",")}`);
  const flushing = libm && (task.libm || args.includes("--flush-subnormals"));
  if (task.ffi) {
    checkScopePath("OpenBLAS", library);
    if (flushing) checkScopePath("the C maths library", libm);
    flags.push(`--allow-ffi=${flushing ? `${library},${libm}` : library}`);
  }
  const env = [
    ...(task.ffi ? ["DFA_OPENBLAS_PATH", "DFA_THREADS", "OPENBLAS_CORETYPE"] : []),
    ...(task.env ?? []),
  ];
  if (env.length) flags.push(`--allow-env=${[...new Set(env)].join(",")}`);
  return flags;
}
