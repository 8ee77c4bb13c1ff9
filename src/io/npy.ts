/**
 * NumPy's `.npy` format (versions 1.0 to 3.0): n-dimensional arrays to and from bytes.
 * Arrays are held in C order; Fortran-ordered files are reordered on reading.
 *
 * @module
 */

import {
  DataFormatError,
  type DType,
  type DTypeArrays,
  dtypeCode,
  dtypeFromCode,
  dtypeSize,
  type NdArray,
  ndarray,
  typedArray,
} from "./ndarray.ts";
import { parseNpyDict } from "./npy_header.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

function byteSwap(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** Reorders Fortran-order elements (first index fastest) into C order. */
function fortranToC<T extends DTypeArrays[DType]>(src: T, shape: number[]): T {
  const n = src.length, nd = shape.length;
  if (nd < 2 || n === 0) return src;
  const out = new (src.constructor as new (n: number) => T)(n);
  // C strides of the output, walked in Fortran order over the input.
  const cStride = new Array<number>(nd);
  cStride[nd - 1] = 1;
  for (let d = nd - 2; d >= 0; d--) cStride[d] = cStride[d + 1] * shape[d + 1];
  const idx = new Array<number>(nd).fill(0);
  let c = 0;
  for (let f = 0; f < n; f++) {
    out[c] = src[f];
    for (let d = 0; d < nd; d++) {
      c += cStride[d];
      if (++idx[d] < shape[d]) break;
      c -= cStride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * What a `.npy` header says.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * import { encodeNpy, type NpyHeader, readNpyHeader } from "./mod.ts";
 * const h = readNpyHeader(encodeNpy(ndarray("uint8", [3], new Uint8Array(3)))) as NpyHeader;
 * assertEquals(h.dataOffset, 128); // a multiple of 64
 * assertEquals(h.dataBytes, 3);
 * ```
 */
export interface NpyHeader {
  /** The element type. */
  dtype: DType;
  /** The dimensions. */
  shape: number[];
  /** Elements stored first index fastest. */
  fortran: boolean;
  /** Multi-byte elements stored big-endian. */
  bigEndian: boolean;
  /** Bytes from the start of the file to the first element. */
  dataOffset: number;
  /** Bytes of element data. */
  dataBytes: number;
}

/**
 * Parses the header at the start of `.npy` bytes. When `bytes` holds only the first part of a
 * file, a return of `undefined` means more bytes are needed (at least the returned header length).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * import { encodeNpy, readNpyHeader } from "./mod.ts";
 * const bytes = encodeNpy(ndarray("int16", [2, 3], new Int16Array(6)));
 * const header = readNpyHeader(bytes.subarray(0, 10)); // too short: the length it needs
 * const full = readNpyHeader(bytes.subarray(0, header as number));
 * assertEquals(typeof full === "object" && full.shape, [2, 3]);
 * ```
 *
 * @param bytes The file's first bytes (10 suffice to learn the header's length).
 * @returns The header, or the number of bytes the header needs when `bytes` is shorter.
 * @throws {DataFormatError} When the bytes are not a `.npy` header or name an unsupported dtype.
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader | number {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new DataFormatError("Cannot read .npy data: the magic string \\x93NUMPY is missing");
  }
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new DataFormatError(`Cannot read .npy data: unknown format version: ${major}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) return 8 + lenBytes;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLen;
  if (dataOffset > bytes.length) return dataOffset;
  const decoder = new TextDecoder(major === 3 ? "utf-8" : "latin1");
  const text = decoder.decode(bytes.subarray(8 + lenBytes, dataOffset));
  const { descr, fortran, shape } = parseNpyDict(text);
  const order = descr[0], code = descr.slice(1);
  const dtype = dtypeFromCode(code);
  if (dtype === undefined || !"<>|=".includes(order) || descr.length < 2) {
    throw new DataFormatError(`Cannot read .npy data: unsupported dtype: '${descr}'`);
  }
  const n = shape.reduce((p, d) => p * d, 1);
  return {
    dtype,
    shape,
    fortran,
    bigEndian: order === ">",
    dataOffset,
    dataBytes: n * dtypeSize(dtype),
  };
}

/**
 * The array from a parsed header and exactly its element bytes. Aligned little-endian C-order
 * bytes are viewed, not copied.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * import { encodeNpy, npyFromBody, type NpyHeader, readNpyHeader } from "./mod.ts";
 * const bytes = encodeNpy(ndarray("float32", [2], new Float32Array([1.5, 2.5])));
 * const header = readNpyHeader(bytes) as NpyHeader;
 * assertEquals(npyFromBody(header, bytes.subarray(header.dataOffset)).data, new Float32Array([1.5, 2.5]));
 * ```
 *
 * @param header The parsed header.
 * @param body The element bytes.
 * @returns The array, in C order.
 * @throws {DataFormatError} When `body` is shorter than the header's shape needs.
 */
export function npyFromBody(header: NpyHeader, body: Uint8Array): NdArray {
  const { dtype, shape, dataBytes } = header;
  if (body.length < dataBytes) {
    throw new DataFormatError(
      `Cannot read .npy data: a (${shape.join(", ")}) ${dtype} array needs ${dataBytes} bytes ` +
        `after the header: ${body.length}`,
    );
  }
  const width = dtypeSize(dtype);
  body = body.subarray(0, dataBytes);
  const swap = header.bigEndian && width > 1;
  if ((body.byteOffset % width) !== 0 || swap) body = body.slice();
  if (swap) byteSwap(body, width);
  const data = typedArray(dtype, body.buffer as ArrayBuffer, body.byteOffset, dataBytes / width);
  return { dtype, shape, data: header.fortran ? fortranToC(data, shape) : data };
}

/**
 * Reads a `.npy` file's bytes. Where alignment allows, the returned array views `bytes` without a
 * copy, so `bytes` must not be changed afterwards.
 *
 * @example Round trip
 * ```ts
 * import { decodeNpy, encodeNpy, ndarray } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = ndarray("int32", [2, 2], new Int32Array([1, 2, 3, 4]));
 * assertEquals(decodeNpy(encodeNpy(a)), a);
 * ```
 *
 * @param bytes The file's contents.
 * @returns The array, in C order.
 * @throws {DataFormatError} When the bytes are not a `.npy` file or hold an unsupported dtype.
 */
export function decodeNpy(bytes: Uint8Array): NdArray {
  const header = readNpyHeader(bytes);
  if (typeof header === "number") {
    throw new DataFormatError(
      `Cannot read .npy data: the header is truncated: ${bytes.length} bytes`,
    );
  }
  return npyFromBody(header, bytes.subarray(header.dataOffset));
}

/**
 * The `.npy` header for an array, padded so that the data start on a 64-byte boundary.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * import { npyHeader } from "./mod.ts";
 * const header = npyHeader(ndarray("uint8", [4], new Uint8Array(4)));
 * assertEquals(header.length % 64, 0); // the data start 64-byte aligned
 * ```
 */
export function npyHeader(array: Pick<NdArray, "dtype" | "shape">): Uint8Array {
  const code = dtypeCode(array.dtype);
  const descr = array.dtype === "bool" ? "|b1" : `${code[1] === "1" ? "|" : "<"}${code}`;
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + dict.length + 1;
  dict += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + dict.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/**
 * The raw little-endian bytes of an array's elements (a view, not a copy).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, npyBody } from "./mod.ts";
 * const a = ndarray("int32", [2], new Int32Array([1, 2]));
 * assertEquals(npyBody(a).length, 8);
 * assertEquals(npyBody(a).buffer, a.data.buffer); // a view of the same memory
 * ```
 */
export function npyBody(array: NdArray): Uint8Array {
  const d = array.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * The bytes of a `.npy` file (format 1.0, C order, little-endian) that NumPy's `np.load` opens.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { encodeNpy, ndarray } from "./mod.ts";
 * const bytes = encodeNpy(ndarray("float64", [3], new Float64Array([1, 2, 3])));
 * assertEquals(bytes.length, 128 + 24); // the header, the data
 * ```
 *
 * @param array The array to encode.
 * @returns The file's contents.
 */
export function encodeNpy(array: NdArray): Uint8Array {
  ndarray(array.dtype, array.shape, array.data);
  const header = npyHeader(array), body = npyBody(array);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}
