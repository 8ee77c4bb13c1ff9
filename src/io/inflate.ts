/**
 * Decompression that never runs past what the data declare: deflate streams inflated piece by
 * piece into a buffer whose size the decompressed data's own header decides (a `.npy` header, IDX
 * dimensions), checked against the deflate format's largest ratio before anything is allocated,
 * and gzip files checked against their trailer (CRC-32 and length).
 *
 * @module
 */

import { Inflate } from "npm:fflate@0.8.3";
import { crc32, inflateRawSync } from "node:zlib";
import { DataFormatError } from "./ndarray.ts";

/** Deflate's largest expansion: 258 bytes from about 2 bits, 1032:1. */
const MAX_RATIO = 1032;
/** Compressed bytes fed at a time while looking for the header: at most ~1 MB comes out. */
const STEP = 1024;
/** The most of the opening bytes kept for the header (NumPy's own limit is 10 000 bytes). */
const HEAD = 1 << 20;

/**
 * Inflates a raw deflate stream into exactly the size its content declares: a first look at its
 * opening bytes learns the size, which deflate's largest ratio must allow, then the stream is
 * inflated no further than that.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { deflateSync } from "npm:fflate@0.8.3";
 * import { inflateBounded } from "./inflate.ts";
 * const data = deflateSync(new Uint8Array([3, 7, 7, 7]));
 * const { bytes, consumed } = inflateBounded(data, (head) => 1 + head[0], "x");
 * assertEquals(Array.from(bytes), [3, 7, 7, 7]);
 * assertEquals(consumed === data.length, true);
 * ```
 *
 * @param input The compressed bytes (more may follow the stream).
 * @param sizeFrom Given the bytes inflated so far (at least one), the total they declare, or
 *   undefined while it needs more of them.
 * @param what What is read, for messages ("member 'x.npy'").
 * @returns The inflated bytes, exactly the declared total, and how many input bytes the stream
 *   took.
 * @throws {DataFormatError} When the stream is damaged, declares more than it can hold, inflates
 *   past its declared size or ends before it.
 */
export function inflateBounded(
  input: Uint8Array,
  sizeFrom: (head: Uint8Array) => number | undefined,
  what: string,
): { bytes: Uint8Array; consumed: number } {
  const fail = (why: string) => new DataFormatError(`Cannot inflate ${what}: ${why}`);
  const total = declaredSize(input, sizeFrom, fail);
  if (!Number.isSafeInteger(total) || total < 0 || total > input.length * MAX_RATIO + 1024) {
    throw fail(`its header declares ${total} bytes, more than ${input.length} can hold`);
  }
  let r: { buffer: Uint8Array; engine: { bytesWritten: number } };
  try {
    // node:zlib's types omit `info`, which makes the call return the engine with the byte count.
    const options = {
      info: true,
      chunkSize: Math.max(64, total + 1), // one output buffer: the data are not copied again
      maxOutputLength: Math.max(1, total),
    } as Parameters<typeof inflateRawSync>[1];
    r = inflateRawSync(input, options) as unknown as typeof r;
  } catch (error) {
    const message = (error as Error).message;
    throw fail(
      /larger than/.test(message)
        ? `it inflates past the ${total} bytes its header declares`
        : message,
    );
  }
  if (r.buffer.length !== total) {
    throw fail(`it ends after ${r.buffer.length} of the ${total} bytes its header declares`);
  }
  const bytes = new Uint8Array(r.buffer.buffer, r.buffer.byteOffset, r.buffer.length);
  return { bytes, consumed: r.engine.bytesWritten };
}

/** The size the stream's opening bytes declare, inflating only as much as it takes to tell. */
function declaredSize(
  input: Uint8Array,
  sizeFrom: (head: Uint8Array) => number | undefined,
  fail: (why: string) => DataFormatError,
): number {
  let head = new Uint8Array(0), total: number | undefined;
  const inflater = new Inflate((chunk) => {
    if (total !== undefined || head.length >= HEAD) return;
    const joined = new Uint8Array(Math.min(HEAD, head.length + chunk.length));
    joined.set(head);
    joined.set(chunk.subarray(0, joined.length - head.length), head.length);
    head = joined;
    total = sizeFrom(head);
  });
  try {
    for (let i = 0; total === undefined && head.length < HEAD && i < input.length; i += STEP) {
      inflater.push(input.subarray(i, i + STEP), i + STEP >= input.length);
    }
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    throw fail((error as Error).message);
  }
  if (total === undefined) {
    throw fail(
      head.length >= HEAD
        ? `its header is not over after ${HEAD} bytes`
        : `it ends after ${head.length} bytes, inside its header`,
    );
  }
  return total;
}

/**
 * Gunzips a one-member gzip file into exactly the size its content declares, and checks the
 * gzip trailer, which must follow the deflate stream and end the file: the CRC-32 and the length
 * of what came out.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { gzipSync } from "npm:fflate@0.8.3";
 * import { gunzipBounded } from "./inflate.ts";
 * const gz = gzipSync(new Uint8Array([2, 9, 9]));
 * assertEquals(Array.from(gunzipBounded(gz, (head) => 1 + head[0], "x")), [2, 9, 9]);
 * gz[gz.length - 8] ^= 1; // damage the CRC
 * assertThrows(
 *   () => gunzipBounded(gz, (head) => 1 + head[0], "x"),
 *   Error,
 *   "Cannot gunzip x: its CRC-32 does not match (damaged data)",
 * );
 * ```
 *
 * @param bytes The gzip file.
 * @param sizeFrom As for {@linkcode inflateBounded}.
 * @param what What is read, for messages.
 * @returns The decompressed bytes.
 * @throws {DataFormatError} When the header, the stream or the trailer is wrong.
 */
export function gunzipBounded(
  bytes: Uint8Array,
  sizeFrom: (head: Uint8Array) => number | undefined,
  what: string,
): Uint8Array {
  const fail = (why: string) => new DataFormatError(`Cannot gunzip ${what}: ${why}`);
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) {
    throw fail("not a gzip file with deflate data, or truncated");
  }
  const flags = bytes[3];
  let p = 10;
  if (flags & 4) p += 2 + (bytes[10] | (bytes[11] << 8)); // FEXTRA
  for (const flag of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (flags & flag) {
      while (p < bytes.length && bytes[p] !== 0) p++;
      p++;
    }
  }
  if (flags & 2) p += 2; // FHCRC
  if (p > bytes.length - 8) throw fail("its header runs past the data");
  const { bytes: out, consumed } = inflateBounded(bytes.subarray(p), sizeFrom, what);
  // The trailer follows the deflate stream at once, and ends the file (one member only).
  if (p + consumed + 8 !== bytes.length) {
    throw fail(
      p + consumed + 8 > bytes.length
        ? "it is truncated inside its trailer"
        : `${bytes.length - p - consumed - 8} bytes follow its trailer (more members are not read)`,
    );
  }
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + p + consumed, 8);
  if ((out.length >>> 0) !== trailer.getUint32(4, true)) {
    throw fail("its length does not match the gzip trailer (truncated or damaged)");
  }
  if ((crc32(out) >>> 0) !== trailer.getUint32(0, true)) {
    throw fail("its CRC-32 does not match (damaged data)");
  }
  return out;
}
