/**
 * One run at a time in an output directory: an exclusive lock on `DIR/.dfa.lock` (an advisory
 * file lock, which the system releases when the process ends, even by `kill -9`), and, once it is
 * held, the clean-up of what killed runs of the same kind left: the temporary `*.partial-*` files
 * of the files this run writes, and no others (another run may be writing beside it).
 *
 * @module
 */

/**
 * A held directory lock.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockDirectory } from "./lock.ts";
 * const lock = lockDirectory(await Deno.makeTempDir());
 * assertEquals(lock.removedPartials, 0);
 * lock.release();
 * ```
 */
export interface DirectoryLock {
  /** Temporary files of killed runs that were removed. */
  readonly removedPartials: number;
  /** Lets the next run in. */
  release(): void;
}

/** The name of the lock file in a locked directory. */
export const LOCK_FILE = ".dfa.lock";

const PARTIAL = /^(.*)\.partial-\d+-[0-9a-z]+$/;

function removePartials(
  dir: string,
  relative: string,
  depth: number,
  owns: (path: string) => boolean,
): number {
  let removed = 0;
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`, rel = `${relative}${entry.name}`;
    const m = PARTIAL.exec(entry.name);
    if (entry.isFile && m && owns(`${relative}${m[1]}`)) {
      Deno.removeSync(path);
      removed++;
    } else if (entry.isDirectory && depth > 0 && !isLocked(path)) {
      removed += removePartials(path, `${rel}/`, depth - 1, owns);
    }
  }
  return removed;
}

/** Whether a directory is another run's: it has a lock file of its own. */
function isLocked(dir: string): boolean {
  try {
    Deno.statSync(`${dir}/${LOCK_FILE}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes `dir` (made if missing) for this run: fails at once when another run holds it, then
 * removes the temporary files that killed runs left of the files `owns` names, in `dir` and two
 * levels below (`parts/…`). A subdirectory with a lock file of its own is another run's and is
 * left alone, as is every temporary file of a file this run does not write.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockDirectory } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * Deno.writeTextFileSync(`${dir}/out.npz.partial-1-abc`, "half of this run's file");
 * Deno.writeTextFileSync(`${dir}/other.npz.partial-1-abc`, "another run's file in flight");
 * const first = lockDirectory(dir, (path) => path === "out.npz");
 * assertEquals(first.removedPartials, 1);
 * assertEquals(Deno.readTextFileSync(`${dir}/other.npz.partial-1-abc`), "another run's file in flight");
 * let busy = "";
 * try {
 *   lockDirectory(dir);
 * } catch (e) {
 *   busy = (e as Error).message;
 * }
 * assertEquals(busy.startsWith("Cannot start: another run is using"), true);
 * first.release();
 * ```
 *
 * @param dir The output directory.
 * @param owns Whether this run writes the file at a path relative to `dir` ("out.npz",
 *   "parts/x/learner-00001.npz"): only such files' temporaries are removed. Default: none.
 * @returns The lock, to release when the run is done.
 * @throws {Deno.errors.Busy} When another run holds the directory; the message gives its pid.
 */
export function lockDirectory(
  dir: string,
  owns: (path: string) => boolean = () => false,
): DirectoryLock {
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${LOCK_FILE}`;
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  if (!file.tryLockSync(true)) {
    file.close();
    const pid = Deno.readTextFileSync(path).trim() || "unknown";
    throw new Deno.errors.Busy(`Cannot start: another run is using ${dir}/ (pid ${pid})`);
  }
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  return { removedPartials: removePartials(dir, "", 2, owns), release: () => file.close() };
}
