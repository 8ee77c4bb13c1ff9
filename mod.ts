/**
 * dfa: neural networks trained with Direct Feedback Alignment (Nøkland 2016), feedback alignment
 * and backpropagation on the CPU, with OpenBLAS doing the matrix products through Deno's FFI.
 *
 * @example Multiply two matrices through OpenBLAS
 * ```ts
 * import { Matrix, matmul } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * const c = matmul(Matrix.from([[1, 2], [3, 4]]), Matrix.from([[1, 0], [0, 1]]));
 * assertEquals(c.toArray(), [[1, 2], [3, 4]]);
 * ```
 *
 * @module
 */

export * from "./ffi/openblas.ts";
export * from "./src/blas.ts";
export * from "./src/matrix.ts";
export * from "./src/gemm.ts";
export * from "./src/random.ts";
export * from "./src/npy.ts";
export * from "./src/npz.ts";
export * from "./src/files.ts";
export * from "./src/idx.ts";
export * from "./src/dataset.ts";
export * from "./src/batches.ts";
export * from "./src/mnist.ts";
export * from "./src/activations.ts";
export * from "./src/loss.ts";
export * from "./src/init.ts";
export * from "./src/optimizers.ts";
export * from "./src/workspace.ts";
export * from "./src/network.ts";
export * from "./src/alignment.ts";
export * from "./src/train.ts";
export * from "./src/kernels.ts";
export * from "./src/reference.ts";
export * from "./src/stacking.ts";
