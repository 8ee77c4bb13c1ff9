/**
 * The IDX format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte` and kin), raw or gzipped.
 *
 * @module
 */

import { gunzipBounded } from "./inflate.ts";
import { DataFormatError, type DType, type NdArray, ndarray } from "./ndarray.ts";

// IDX type code: [dtype, bytes per element]; multi-byte values are big-endian.
const TYPES: Record<number, [DType, number]> = {
  0x08: ["uint8", 1],
  0x09: ["int8", 1],
  0x0b: ["int16", 2],
  0x0c: ["int32", 4],
  0x0d: ["float32", 4],
  0x0e: ["float64", 8],
};

/**
 * The size IDX data declare (header and elements), or undefined while `head` is too short to
 * tell.
 *
 * @throws {DataFormatError} When the magic number is wrong.
 */
function idxSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  if (head[0] !== 0 || head[1] !== 0 || !(head[2] in TYPES) || head[3] === 0) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    throw new DataFormatError(`Cannot read IDX data: wrong magic number: 0x${magic}`);
  }
  const start = 4 + 4 * head[3];
  if (head.length < start) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, start);
  let n = TYPES[head[2]][1];
  for (let i = 0; i < head[3]; i++) n *= view.getUint32(4 + 4 * i, false);
  return start + n;
}

/**
 * Whether bytes start with the gzip magic number.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isGzip } from "./mod.ts";
 * assertEquals(isGzip(new Uint8Array([0x1f, 0x8b, 8])), true);
 * assertEquals(isGzip(new Uint8Array([0, 0, 8, 1])), false);
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads IDX bytes, gunzipping them first when they are gzip-compressed.
 *
 * @example A 2×2 unsigned-byte matrix
 * ```ts
 * import { decodeIdx } from "./idx.ts";
 * import { assertEquals } from "@std/assert";
 * const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
 * assertEquals(decodeIdx(bytes).shape, [2, 2]);
 * ```
 *
 * @param bytes The file's contents.
 * @returns The array, in C order.
 * @throws {DataFormatError} When the data are corrupt, truncated or of an unknown type.
 */
export function decodeIdx(bytes: Uint8Array): NdArray {
  // Gzipped data are inflated no further than the size their own header declares, and checked
  // against the gzip trailer's CRC-32 and length.
  if (isGzip(bytes)) bytes = gunzipBounded(bytes, idxSize, "IDX data");
  if (idxSize(bytes) === undefined) { // checks the magic number of raw data
    throw new DataFormatError(
      `Cannot read IDX data: the header is truncated at ${bytes.length} bytes`,
    );
  }
  const [dtype, width] = TYPES[bytes[2]];
  const ndim = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 4 + 4 * ndim;
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const n = shape.reduce((p, d) => p * d, 1);
  if (bytes.length - start !== n * width) {
    throw new DataFormatError(
      `Cannot read IDX data: shape (${shape.join(", ")}) needs ${n * width} bytes: ` +
        `${bytes.length - start}`,
    );
  }
  const body = bytes.slice(start); // aligned copy
  if (width > 1) {
    for (let i = 0; i < body.length; i += width) body.subarray(i, i + width).reverse();
  }
  switch (dtype) {
    case "uint8":
      return ndarray(dtype, shape, body);
    case "int8":
      return ndarray(dtype, shape, new Int8Array(body.buffer));
    case "int16":
      return ndarray(dtype, shape, new Int16Array(body.buffer));
    case "int32":
      return ndarray(dtype, shape, new Int32Array(body.buffer));
    case "float32":
      return ndarray(dtype, shape, new Float32Array(body.buffer));
    default:
      return ndarray("float64", shape, new Float64Array(body.buffer));
  }
}

/**
 * Reads an IDX file, raw or gzipped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadIdx } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/labels-idx1-ubyte`;
 * Deno.writeFileSync(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * assertEquals(loadIdx(path).data, new Uint8Array([7, 2, 1]));
 * ```
 *
 * @param path The file.
 * @returns The array.
 * @throws {DataFormatError} When the file is corrupt; the message names it.
 */
export function loadIdx(path: string): NdArray {
  try {
    return decodeIdx(Deno.readFileSync(path));
  } catch (error) {
    if (error instanceof DataFormatError) {
      throw new DataFormatError(`Cannot read ${path}: ${error.message.replace(/^Cannot /, "")}`);
    }
    throw error;
  }
}
