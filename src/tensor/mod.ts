/**
 * Tensors: {@linkcode Matrix} (row-major `Float32Array`), the seeded generator {@linkcode Rng}
 * every random draw comes from, and the matrix product through OpenBLAS.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, matmul } from "./mod.ts";
 * assertEquals(matmul(Matrix.from([[1, 2]]), Matrix.from([[3], [4]])).toArray(), [[11]]);
 * ```
 *
 * @module
 */

export { Matrix } from "./matrix.ts";
export { Rng, type RngState } from "./random.ts";
export { NumpyRandomState } from "./numpy_random.ts";
export { gemm, type GemmOptions, matmul } from "./gemm.ts";
