/**
 * Files: NumPy's `.npy` and `.npz` (stored and deflated, Zip64), MNIST's IDX (raw or gzip), the
 * zip container underneath, atomic writes, and a lock that keeps one run to a directory.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decodeNpy, encodeNpy, ndarray } from "./mod.ts";
 * const a = decodeNpy(encodeNpy(ndarray("int32", [2], new Int32Array([1, 2]))));
 * assertEquals(a.shape, [2]);
 * ```
 *
 * @module
 */

export * from "./ndarray.ts";
export * from "./npy.ts";
export * from "./npz.ts";
export * from "./npz_stream.ts";
export * from "./byte_source.ts";
export * from "./zip.ts";
export * from "./zip_write.ts";
export * from "./inflate.ts";
export * from "./idx.ts";
export * from "./files.ts";
export * from "./lock.ts";
