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
export * from "./src/native/blas.ts";
export * from "./src/tensor/matrix.ts";
export * from "./src/tensor/gemm.ts";
export * from "./src/tensor/random.ts";
export * from "./src/io/npy.ts";
export * from "./src/io/npz.ts";
export * from "./src/io/files.ts";
export * from "./src/io/idx.ts";
export * from "./src/data/dataset.ts";
export * from "./src/data/batches.ts";
export * from "./src/data/mnist.ts";
export * from "./src/model/activations.ts";
export * from "./src/model/loss.ts";
export * from "./src/model/init.ts";
export * from "./src/train/optimizers.ts";
export * from "./src/train/workspace.ts";
export * from "./src/model/network.ts";
export * from "./src/train/alignment.ts";
export * from "./src/train/train.ts";
export * from "./src/kernels/kernels.ts";
export * from "./src/testing/reference.ts";
export * from "./src/stacking/weak_learner.ts";
