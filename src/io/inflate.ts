/**
 * Decompression that never runs past what the data declare: deflate streams inflated piece by
 * piece into a buffer whose size the decompressed data's own header decides (a `.npy` header, IDX
 * dimensions), checked against the deflate format's largest ratio before anything is allocated,
 * and gzip files checked against their trailer (CRC-32 and length).
 *
 * @module
 */

import { Inflate } from "npm:fflate@0.8.3";
import { crc32 } from "node:zlib";
import { DataFormatError } from "./ndarray.ts";

/** Deflate's largest expansion: 258 bytes from about 2 bits, 1032:1. */
const MAX_RATIO = 1032;
/** Compressed bytes fed at a time: at most ~16 MB come out of each. */
const STEP = 16384;

/**
 * Inflates a raw deflate stream into exactly the size its content declares.
 *
 * @example
 * ```ts
 * import { deflateSync } from "npm:fflate@0.8.3";
 * import { inflateBounded } from "./inflate.ts";
 * const data = deflateSync(new Uint8Array([3, 7, 7, 7]));
 * console.log(Array.from(inflateBounded(data, (head) => 1 + head[0], "x"))); // [3, 7, 7, 7]
 * ```
 *
 * @param input The compressed bytes.
 * @param sizeFrom Given the bytes inflated so far (at least one), the total they declare, or
 *   undefined while it needs more of them.
 * @param what What is read, for messages ("member 'x.npy'").
 * @returns The inflated bytes, exactly the declared total.
 * @throws {DataFormatError} When the stream is damaged, declares more than it can hold, inflates
 *   past its declared size or ends before it.
 */
export function inflateBounded(
  input: Uint8Array,
  sizeFrom: (head: Uint8Array) => number | undefined,
  what: string,
): Uint8Array {
  const fail = (why: string) => new DataFormatError(`Cannot inflate ${what}: ${why}`);
  let head = new Uint8Array(0), out: Uint8Array | undefined, produced = 0;
  const inflater = new Inflate((chunk) => {
    if (out) {
      if (produced + chunk.length > out.length) {
        throw fail(`it inflates past the ${out.length} bytes its header declares`);
      }
      out.set(chunk, produced);
      produced += chunk.length;
      return;
    }
    const joined = new Uint8Array(head.length + chunk.length);
    joined.set(head);
    joined.set(chunk, head.length);
    head = joined;
    const total = sizeFrom(head);
    if (total === undefined) return;
    if (!Number.isSafeInteger(total) || total < 0 || total > input.length * MAX_RATIO + 1024) {
      throw fail(`its header declares ${total} bytes, more than ${input.length} can hold`);
    }
    if (head.length > total) {
      throw fail(`it inflates past the ${total} bytes its header declares`);
    }
    out = new Uint8Array(total);
    out.set(head);
    produced = head.length;
  });
  try {
    for (let i = 0; i < input.length; i += STEP) {
      inflater.push(input.subarray(i, i + STEP), i + STEP >= input.length);
    }
    if (input.length === 0) inflater.push(input, true);
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    throw fail((error as Error).message);
  }
  if (!out) throw fail(`it ends after ${head.length} bytes, inside its header`);
  if (produced !== out.length) {
    throw fail(`it ends after ${produced} of the ${out.length} bytes its header declares`);
  }
  return out;
}

/**
 * Gunzips a one-member gzip file into exactly the size its content declares, and checks the
 * gzip trailer: the CRC-32 and the length of what came out.
 *
 * @example
 * ```ts
 * import { gzipSync } from "npm:fflate@0.8.3";
 * import { gunzipBounded } from "./inflate.ts";
 * const gz = gzipSync(new Uint8Array([2, 9, 9]));
 * console.log(Array.from(gunzipBounded(gz, (head) => 1 + head[0], "x"))); // [2, 9, 9]
 * gz[gz.length - 8] ^= 1; // damage the CRC
 * try {
 *   gunzipBounded(gz, (head) => 1 + head[0], "x");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot gunzip x: its CRC-32 does not match (damaged data)
 * }
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
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  const out = inflateBounded(bytes.subarray(p, bytes.length - 8), sizeFrom, what);
  if ((out.length >>> 0) !== trailer.getUint32(4, true)) {
    throw fail("its length does not match the gzip trailer (truncated or damaged)");
  }
  if ((crc32(out) >>> 0) !== trailer.getUint32(0, true)) {
    throw fail("its CRC-32 does not match (damaged data)");
  }
  return out;
}
