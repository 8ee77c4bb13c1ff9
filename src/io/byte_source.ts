/**
 * Random access to the bytes of an archive, from a file (positioned reads) or from memory; every
 * read is checked against the end, so a damaged size is a `DataFormatError`, never a short read.
 *
 * @module
 */

import { DataFormatError } from "./ndarray.ts";

/**
 * Random access to the bytes of an archive: a file or a buffer.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, type ByteSource } from "./mod.ts";
 * const src: ByteSource = bufferSource(new Uint8Array([1, 2, 3])), into = new Uint8Array(2);
 * src.readAt(1, into);
 * assertEquals([src.size, ...into], [3, 2, 3]);
 * ```
 */
export interface ByteSource {
  /** Total bytes. */
  readonly size: number;
  /** Fills `into` with the bytes at `offset`; throws if they run past the end. */
  readAt(offset: number, into: Uint8Array): void;
}

/**
 * A {@linkcode ByteSource} over bytes in memory.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { bufferSource, DataFormatError } from "./mod.ts";
 * assertThrows(() => bufferSource(new Uint8Array(2)).readAt(1, new Uint8Array(2)), DataFormatError, "truncated at byte 2");
 * ```
 */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    readAt(offset, into) {
      if (offset < 0 || offset + into.length > bytes.length) {
        throw new DataFormatError(
          `Cannot read the zip archive: it is truncated at byte ${bytes.length}`,
        );
      }
      into.set(bytes.subarray(offset, offset + into.length));
    },
  };
}

/**
 * A {@linkcode ByteSource} over an open file (read with positioned reads).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fileSource } from "./mod.ts";
 * const path = await Deno.makeTempFile();
 * Deno.writeFileSync(path, new Uint8Array([7, 8, 9]));
 * using file = Deno.openSync(path);
 * const into = new Uint8Array(1);
 * fileSource(file).readAt(2, into);
 * assertEquals(into[0], 9);
 * ```
 */
export function fileSource(file: Deno.FsFile): ByteSource {
  const size = file.statSync().size;
  return {
    size,
    readAt(offset, into) {
      if (offset < 0 || offset + into.length > size) {
        throw new DataFormatError(`Cannot read the zip archive: it is truncated at byte ${size}`);
      }
      file.seekSync(offset, Deno.SeekMode.Start);
      let done = 0;
      while (done < into.length) {
        const n = file.readSync(into.subarray(done));
        if (n === null || n === 0) {
          throw new DataFormatError(
            `Cannot read the zip archive: it ends early at byte ${offset + done}`,
          );
        }
        done += n;
      }
    },
  };
}
