/**
 * Matrix products on {@linkcode Matrix}: the OpenBLAS path and the naive reference beside it.
 *
 * @module
 */

import { getBlas } from "../native/get_blas.ts";
import { Matrix } from "./matrix.ts";

/**
 * Options of {@linkcode gemm}: `C ← alpha·op(A)·op(B) + beta·C`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix } from "../../mod.ts";
 * import { gemm, type GemmOptions } from "./mod.ts";
 * const options: GemmOptions = { transA: true, alpha: 2 };
 * const c = new Matrix(1, 1);
 * gemm(Matrix.from([[1], [2]]), Matrix.from([[3], [4]]), c, options);
 * assertEquals(c.data[0], 22);
 * ```
 */
export interface GemmOptions {
  /** Use Aᵀ. Default false. */
  transA?: boolean;
  /** Use Bᵀ. Default false. */
  transB?: boolean;
  /** Scale of the product. Default 1. */
  alpha?: number;
  /** Scale of C's old value. Default 0 (C is overwritten). */
  beta?: number;
}

function shapes(a: Matrix, b: Matrix, c: Matrix, transA: boolean, transB: boolean) {
  const m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new RangeError(
      `Cannot multiply ${m}×${k} by ${kb}×${n}: inner sizes differ`,
    );
  }
  if (c.rows !== m || c.cols !== n) {
    throw new RangeError(`Cannot store a ${m}×${n} product in ${c.rows}×${c.cols}: sizes differ`);
  }
  return { m, n, k };
}

/**
 * `C ← alpha·op(A)·op(B) + beta·C` through OpenBLAS.
 *
 * @example Multiply a 2×3 by the transpose of a 2×3
 * ```ts
 * import { Matrix } from "../../mod.ts";
 * import { gemm } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = Matrix.from([[1, 2, 3], [4, 5, 6]]);
 * const c = new Matrix(2, 2);
 * gemm(a, a, c, { transB: true });
 * assertEquals(c.toArray(), [[14, 32], [32, 77]]);
 * ```
 *
 * @param a Left factor.
 * @param b Right factor.
 * @param c The result, written in place.
 * @param options Transposes and scales.
 * @throws {RangeError} When the shapes do not fit.
 */
export function gemm(a: Matrix, b: Matrix, c: Matrix, options: GemmOptions = {}): void {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  const { m, n, k } = shapes(a, b, c, transA, transB);
  getBlas().sgemm(
    transA,
    transB,
    m,
    n,
    k,
    alpha,
    a.data,
    Math.max(1, a.cols),
    b.data,
    Math.max(1, b.cols),
    beta,
    c.data,
    Math.max(1, n),
  );
}

/**
 * The naive triple loop for the same product as {@linkcode gemm}, in double precision: the
 * reference the tests hold the fast path to.
 *
 * @example
 * ```ts
 * import { Matrix } from "../../mod.ts";
 * import { gemmNaive } from "../testing/mod.ts";
 * import { assertEquals } from "@std/assert";
 * const c = Matrix.from([[1]]);
 * gemmNaive(Matrix.from([[2, 3]]), Matrix.from([[4], [5]]), c, { beta: 1 });
 * assertEquals(c.toArray(), [[24]]);
 * ```
 *
 * @param a Left factor.
 * @param b Right factor.
 * @param c The result, written in place.
 * @param options Transposes and scales.
 * @throws {RangeError} When the shapes do not fit.
 */
export function gemmNaive(a: Matrix, b: Matrix, c: Matrix, options: GemmOptions = {}): void {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  const { m, n, k } = shapes(a, b, c, transA, transB);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a.data[p * a.cols + i] : a.data[i * a.cols + p];
        const bv = transB ? b.data[j * b.cols + p] : b.data[p * b.cols + j];
        s += av * bv;
      }
      const old = beta === 0 ? 0 : beta * c.data[i * n + j];
      c.data[i * n + j] = alpha * s + old;
    }
  }
}

/**
 * `alpha·op(A)·op(B)` as a new matrix.
 *
 * @example
 * ```ts
 * import { Matrix } from "../../mod.ts";
 * import { matmul } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(matmul(Matrix.from([[1, 2]]), Matrix.from([[3], [4]])).toArray(), [[11]]);
 * ```
 *
 * @param a Left factor.
 * @param b Right factor.
 * @param options Transposes and the scale (beta is ignored).
 * @returns The product.
 */
export function matmul(a: Matrix, b: Matrix, options: GemmOptions = {}): Matrix {
  const m = options.transA ? a.cols : a.rows, n = options.transB ? b.rows : b.cols;
  const c = new Matrix(m, n);
  gemm(a, b, c, { ...options, beta: 0 });
  return c;
}
