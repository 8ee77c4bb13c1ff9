/**
 * Random access to the bytes of an archive, from a file (positioned reads) or from memory; every
 * read is checked against the end, so a damaged size is a `DataFormatError`, never a short read.
 *
 * @module
 */

import { DataFormatError } from "./ndarray.ts";

/** Random access to the bytes of an archive: a file or a buffer. */
export interface ByteSource {
  /** Total bytes. */
  readonly size: number;
  /** Fills `into` with the bytes at `offset`; throws if they run past the end. */
  readAt(offset: number, into: Uint8Array): void;
}

/** A {@linkcode ByteSource} over bytes in memory. */
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

/** A {@linkcode ByteSource} over an open file (read with positioned reads). */
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
