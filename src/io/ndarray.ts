/**
 * N-dimensional arrays as NumPy knows them: a dtype, a shape and the elements in C order, and the
 * error every reader of a data file throws for a file it cannot accept.
 *
 * @module
 */

/**
 * The dtypes dfa reads and writes, by NumPy's names.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { DType } from "./mod.ts";
 * import { dtypeSize } from "./mod.ts";
 * const dtype: DType = "float32";
 * assertEquals(dtypeSize(dtype), 4);
 * ```
 */
export type DType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/**
 * The typed array that holds each {@linkcode DType}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { DTypeArrays } from "./mod.ts";
 * const labels: DTypeArrays["uint8"] = new Uint8Array([5, 0, 4]);
 * assertEquals(labels.length, 3);
 * ```
 */
export interface DTypeArrays {
  /** NumPy `bool`, one byte each. */
  bool: Uint8Array;
  /** NumPy `int8`. */
  int8: Int8Array;
  /** NumPy `uint8`. */
  uint8: Uint8Array;
  /** NumPy `int16`. */
  int16: Int16Array;
  /** NumPy `uint16`. */
  uint16: Uint16Array;
  /** NumPy `int32`. */
  int32: Int32Array;
  /** NumPy `uint32`. */
  uint32: Uint32Array;
  /** NumPy `int64`. */
  int64: BigInt64Array;
  /** NumPy `uint64`. */
  uint64: BigUint64Array;
  /** NumPy `float32`. */
  float32: Float32Array;
  /** NumPy `float64`. */
  float64: Float64Array;
}

/**
 * An n-dimensional array in C (row-major) order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { NdArray } from "./mod.ts";
 * const a: NdArray<"float32"> = { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) };
 * assertEquals(a.shape, [2]);
 * ```
 */
export interface NdArray<D extends DType = DType> {
  /** The element type. */
  dtype: D;
  /** The size of each dimension; `[]` for a scalar. */
  shape: number[];
  /** The elements in C order. */
  data: DTypeArrays[D];
}

/**
 * Thrown when a data file (`.npy`, `.npz`, IDX) is corrupt, truncated or unsupported, or lacks what
 * the caller needs; the message names the file where one is known.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DataFormatError } from "../../mod.ts";
 * import { decodeNpy } from "./mod.ts";
 * try {
 *   decodeNpy(new Uint8Array(16));
 * } catch (error) {
 *   assertEquals(error instanceof DataFormatError, true);
 * }
 * ```
 */
export class DataFormatError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong, starting with the action and naming the file.
   */
  constructor(message: string) {
    super(message);
    this.name = "DataFormatError";
  }
}

// dtype: [NumPy type character, bytes per element, typed array constructor]
const DTYPES: Record<
  DType,
  [string, number, new (b: ArrayBuffer, o: number, n: number) => DTypeArrays[DType]]
> = {
  bool: ["b1", 1, Uint8Array],
  int8: ["i1", 1, Int8Array],
  uint8: ["u1", 1, Uint8Array],
  int16: ["i2", 2, Int16Array],
  uint16: ["u2", 2, Uint16Array],
  int32: ["i4", 4, Int32Array],
  uint32: ["u4", 4, Uint32Array],
  int64: ["i8", 8, BigInt64Array],
  uint64: ["u8", 8, BigUint64Array],
  float32: ["f4", 4, Float32Array],
  float64: ["f8", 8, Float64Array],
};
const BY_CODE = new Map(Object.entries(DTYPES).map(([d, [code]]) => [code, d as DType]));

/**
 * A dtype's NumPy type character (`"f4"` for float32), as `.npy` headers write it (little-endian).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dtypeCode } from "./mod.ts";
 * assertEquals(dtypeCode("float32"), "f4");
 * assertEquals(dtypeCode("bool"), "b1");
 * ```
 *
 * @param dtype The element type.
 * @returns Its type character.
 */
export function dtypeCode(dtype: DType): string {
  return DTYPES[dtype][0];
}

/**
 * The dtype of a NumPy type character (`"?"` is bool), or undefined for one dfa does not read.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dtypeFromCode } from "./mod.ts";
 * assertEquals(dtypeFromCode("f8"), "float64");
 * assertEquals(dtypeFromCode("c16"), undefined);
 * ```
 *
 * @param code The type character without its byte-order mark.
 * @returns The dtype, or undefined.
 */
export function dtypeFromCode(code: string): DType | undefined {
  return BY_CODE.get(code === "?" ? "b1" : code);
}

/**
 * A typed array of `n` elements of `dtype` over `buffer` from byte `offset` (aligned to the width).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { typedArray } from "./mod.ts";
 * assertEquals(typedArray("int16", new ArrayBuffer(8), 2, 3).length, 3);
 * ```
 *
 * @param dtype The element type.
 * @param buffer The memory.
 * @param offset Its first byte.
 * @param n Elements.
 * @returns The view.
 */
export function typedArray<D extends DType>(
  dtype: D,
  buffer: ArrayBuffer,
  offset: number,
  n: number,
): DTypeArrays[D] {
  return new DTYPES[dtype][2](buffer, offset, n) as DTypeArrays[D];
}

/**
 * Bytes per element of a dtype.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dtypeSize } from "./mod.ts";
 * assertEquals(dtypeSize("float64"), 8);
 * assertEquals(dtypeSize("bool"), 1);
 * ```
 */
export function dtypeSize(dtype: DType): number {
  return DTYPES[dtype][1];
}

/**
 * Checks that `data` holds exactly the elements `shape` asks for, and wraps them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * const a = ndarray("float32", [2, 3], new Float32Array(6));
 * assertEquals(a.shape, [2, 3]);
 * ```
 *
 * @param dtype The element type.
 * @param shape The dimensions.
 * @param data The elements in C order.
 * @returns The array.
 * @throws {TypeError} When `data` is not the dtype's typed array.
 * @throws {RangeError} When the number of elements differs from the shape's product.
 */
export function ndarray<D extends DType>(
  dtype: D,
  shape: readonly number[],
  data: DTypeArrays[D],
): NdArray<D> {
  const n = shape.reduce((p, d) => p * d, 1);
  if (!(DTYPES[dtype] && data instanceof DTYPES[dtype][2])) {
    throw new TypeError(
      `Cannot make a ${dtype} array from a ${data?.constructor?.name ?? typeof data}`,
    );
  }
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || data.length !== n) {
    throw new RangeError(
      `Cannot make a (${shape.join(", ")}) ${dtype} array: it needs ${n} elements: ${data.length}`,
    );
  }
  return { dtype, shape: [...shape], data };
}
