/**
 * The checked gateway to OpenBLAS: every native call in dfa goes through {@linkcode Blas}, which
 * validates sizes, leading dimensions and buffer lengths before the call, so a wrong size is a
 * `RangeError` and never reaches the library.
 *
 * @module
 */

import {
  CBLAS_NO_TRANS,
  CBLAS_ROW_MAJOR,
  CBLAS_TRANS,
  type OpenBlasLibrary,
  type OpenBlasOptions,
  openOpenBlasAt,
} from "../../ffi/openblas.ts";
import { checkDim, checkFloat32, checkSgemm, checkSgemv } from "./blas_checks.ts";

/**
 * OpenBLAS behind checked calls. Use {@linkcode getBlas} for the process-wide instance.
 *
 * @example Multiply two 2×2 matrices
 * ```ts
 * import { getBlas } from "./blas.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]);
 * const c = new Float32Array(4);
 * getBlas().sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
 * assertEquals(Array.from(c), [19, 22, 43, 50]);
 * ```
 */
export class Blas {
  #lib: OpenBlasLibrary;
  /**
   * When set, every native call adds its wall time and a count here: how benchmarks measure the
   * time spent in BLAS within a run. Null (the default) costs one branch a call.
   */
  timing: { seconds: number; calls: number } | null = null;

  /**
   * Wraps a loaded library.
   *
   * @param lib The library from `openOpenBlas`.
   * @param path Where it was loaded from.
   */
  constructor(lib: OpenBlasLibrary, path = "") {
    this.#lib = lib;
    this.path = path;
  }

  /** Where the library was loaded from (empty when not told). */
  readonly path: string;

  /** The raw symbols, for benchmarks that compare against the unchecked call. */
  get symbols(): OpenBlasLibrary["symbols"] {
    return this.#lib.symbols;
  }

  /** The number of threads OpenBLAS uses. */
  get threads(): number {
    return this.#lib.symbols.openblas_get_num_threads();
  }

  /** Sets the number of threads OpenBLAS uses: an integer from 1 to 1024. */
  set threads(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 1024) {
      throw new RangeError(`Cannot set OpenBLAS threads: expected an integer in [1, 1024]: ${n}`);
    }
    this.#lib.symbols.openblas_set_num_threads(n);
  }

  /**
   * Row-major `C ← α·op(A)·op(B) + β·C`, where op(A) is m×k, op(B) is k×n and C is m×n.
   *
   * @param transA Use Aᵀ (A stored k×m) instead of A (stored m×k).
   * @param transB Use Bᵀ (B stored n×k) instead of B (stored k×n).
   * @param m Rows of op(A) and C.
   * @param n Columns of op(B) and C.
   * @param k Columns of op(A), rows of op(B).
   * @param alpha Scale of the product.
   * @param a A's storage, starting at its first element.
   * @param lda A's leading dimension: at least the number of stored columns.
   * @param b B's storage.
   * @param ldb B's leading dimension.
   * @param beta Scale of C's old value (0 ignores it, NaN included).
   * @param c C's storage, written in place; must not overlap A or B.
   * @param ldc C's leading dimension.
   * @throws {RangeError} When a size, leading dimension or buffer length does not fit.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void {
    checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, alpha, beta);
    if (m === 0 || n === 0) return;
    const t0 = this.timing ? performance.now() : 0;
    this.#lib.symbols.cblas_sgemm(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m,
      n,
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
    );
    if (this.timing) this.timing.seconds += (performance.now() - t0) / 1000, this.timing.calls++;
  }

  /**
   * Row-major `y ← α·op(A)·x + β·y` with contiguous vectors, A stored m×n.
   *
   * @param transA Use Aᵀ (then x has m elements and y n) instead of A.
   * @param m Rows of the stored A.
   * @param n Columns of the stored A.
   * @param alpha Scale of the product.
   * @param a A's storage.
   * @param lda A's leading dimension: at least n.
   * @param x The vector multiplied.
   * @param beta Scale of y's old value.
   * @param y The result, written in place; must not overlap A or x.
   * @throws {RangeError} When a size, leading dimension or buffer length does not fit.
   */
  sgemv(
    transA: boolean,
    m: number,
    n: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    x: Float32Array,
    beta: number,
    y: Float32Array,
  ): void {
    const yLen = checkSgemv(transA, m, n, a, lda, x, y);
    if (m === 0 || n === 0) {
      if (yLen > 0 && beta !== 1) {
        for (let i = 0; i < yLen; i++) {
          y[i] = beta === 0 ? 0 : beta * y[i];
        }
      }
      return;
    }
    const t0 = this.timing ? performance.now() : 0;
    this.#lib.symbols.cblas_sgemv(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m,
      n,
      alpha,
      a,
      lda,
      x,
      1,
      beta,
      y,
      1,
    );
    if (this.timing) this.timing.seconds += (performance.now() - t0) / 1000, this.timing.calls++;
  }

  /**
   * `y ← α·x + y` over `n` contiguous elements.
   *
   * @param n Elements to update.
   * @param alpha Scale of x.
   * @param x The added vector.
   * @param y The vector updated in place.
   * @throws {RangeError} When either buffer is shorter than n.
   */
  saxpy(n: number, alpha: number, x: Float32Array, y: Float32Array): void {
    const what = "Cannot run saxpy";
    checkDim(what, "n", n);
    checkFloat32(what, "x", x);
    checkFloat32(what, "y", y);
    if (x.length < n || y.length < n) {
      throw new RangeError(`${what}: x and y need ${n} elements: ${x.length} and ${y.length}`);
    }
    if (n > 0) this.#lib.symbols.cblas_saxpy(n, alpha, x, 1, y, 1);
  }

  /**
   * `x ← α·x` over `n` contiguous elements.
   *
   * @param n Elements to scale.
   * @param alpha The scale.
   * @param x The vector scaled in place.
   * @throws {RangeError} When x is shorter than n.
   */
  sscal(n: number, alpha: number, x: Float32Array): void {
    const what = "Cannot run sscal";
    checkDim(what, "n", n);
    checkFloat32(what, "x", x);
    if (x.length < n) throw new RangeError(`${what}: x needs ${n} elements: ${x.length}`);
    if (n > 0) this.#lib.symbols.cblas_sscal(n, alpha, x, 1);
  }

  /** Unloads the library; the instance must not be used afterwards. */
  close(): void {
    this.#lib.close();
  }
}

let shared: Blas | undefined;

/**
 * The process-wide {@linkcode Blas}, loaded on first use with all cores as threads (or the
 * `DFA_THREADS` environment variable, where it is readable).
 *
 * @example Read the thread count
 * ```ts
 * import { getBlas } from "./blas.ts";
 * console.log(getBlas().threads >= 1);
 * ```
 *
 * @param options Where to look for the library; used only by the call that loads it.
 * @returns The shared instance.
 */
export function getBlas(options?: OpenBlasOptions): Blas {
  if (shared) return shared;
  const { library, path } = openOpenBlasAt(options);
  const blas = new Blas(library, path);
  const env = Deno.permissions.querySync({ name: "env", variable: "DFA_THREADS" }).state ===
      "granted"
    ? Deno.env.get("DFA_THREADS")
    : undefined;
  const threads = env === undefined ? navigator.hardwareConcurrency : Number(env);
  if (!Number.isInteger(threads) || threads < 1) {
    blas.close();
    throw new RangeError(`Cannot set OpenBLAS threads from DFA_THREADS: ${env}`);
  }
  blas.threads = threads;
  shared = blas;
  return blas;
}
