/**
 * Writing files so that a reader never sees half of one: write to a temporary name in the same
 * directory, then rename. Reading a file that may not be there yet.
 *
 * @module
 */

/**
 * Writes `path` through `write`, atomically: the data go to a temporary file beside it, which is
 * renamed over `path` only when `write` returns; on an error it is removed and `path` is untouched.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { writeFileAtomic } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * writeFileAtomic(`${dir}/a.txt`, (f) => writeAll(f, new TextEncoder().encode("hi")));
 * assertEquals(Deno.readTextFileSync(`${dir}/a.txt`), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file to write.
 * @param write Writes the contents to the open temporary file.
 * @throws Whatever `write` or the file system throws.
 */
export function writeFileAtomic(path: string, write: (file: Deno.FsFile) => void): void {
  const tmp = `${path}.partial-${Deno.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const file = Deno.openSync(tmp, { write: true, createNew: true });
  try {
    try {
      write(file);
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (error) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    // A system error (a full disk: ENOSPC) names no file: say which one could not be written.
    if (error instanceof Error && "code" in error && !error.message.includes(path)) {
      throw Object.assign(new Error(`Cannot write ${path}: ${error.message}`), {
        code: error.code,
      });
    }
    throw error;
  }
}

/**
 * Writes all of `bytes` to `file`, looping over partial writes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { writeAll } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/out.bin`;
 * using file = Deno.openSync(path, { write: true, create: true });
 * writeAll(file, new Uint8Array(1 << 20));
 * assertEquals(Deno.statSync(path).size, 1048576);
 * ```
 *
 * @param file An open file.
 * @param bytes The bytes to write.
 */
export function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

/**
 * Reads `path` as UTF-8 text, or gives undefined when there is no such file (a results file or a
 * checkpoint before its first save); any other error is thrown.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readTextIfExists } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * assertEquals(readTextIfExists(`${dir}/a.txt`), undefined);
 * Deno.writeTextFileSync(`${dir}/a.txt`, "hi");
 * assertEquals(readTextIfExists(`${dir}/a.txt`), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file to read.
 * @returns Its text, or undefined when it does not exist.
 * @throws Whatever else the file system throws (a permission denied, a directory).
 */
export function readTextIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
