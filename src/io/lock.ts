/**
 * One run at a time in an output directory: an exclusive lock on `DIR/.dfa.lock` (an advisory
 * file lock, which the system releases when the process ends, even by `kill -9`), and, once it is
 * held, the clean-up of what killed runs left: temporary `*.partial-*` files.
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

function removePartials(dir: string, depth: number): number {
  let removed = 0;
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && /\.partial-\d+-[0-9a-z]+$/.test(entry.name)) {
      Deno.removeSync(path);
      removed++;
    } else if (entry.isDirectory && depth > 0) removed += removePartials(path, depth - 1);
  }
  return removed;
}

/**
 * Takes `dir` (made if missing) for this run: fails at once when another run holds it, then
 * removes the temporary files that killed runs left in it and two levels below (`parts/…`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockDirectory } from "./lock.ts";
 * const dir = await Deno.makeTempDir(), first = lockDirectory(dir);
 * try {
 *   lockDirectory(dir);
 * } catch (e) {
 *   assertEquals((e as Error).message.startsWith("Cannot start: another run is using"), true);
 * }
 * first.release();
 * ```
 *
 * @param dir The output directory.
 * @returns The lock, to release when the run is done.
 * @throws {Deno.errors.Busy} When another run holds the directory; the message gives its pid.
 */
export function lockDirectory(dir: string): DirectoryLock {
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/.dfa.lock`;
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  if (!file.tryLockSync(true)) {
    file.close();
    const pid = Deno.readTextFileSync(path).trim() || "unknown";
    throw new Deno.errors.Busy(`Cannot start: another run is using ${dir}/ (pid ${pid})`);
  }
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  return { removedPartials: removePartials(dir, 2), release: () => file.close() };
}
