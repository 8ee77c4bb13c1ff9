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
} from "../../ffi/openblas.ts";
import { checkDim, checkFloat32, checkSgemm, checkSgemv } from "./blas_checks.ts";
import type { SubnormalFlush } from "./subnormals.ts";

/**
 * OpenBLAS behind checked calls. Use `getBlas` (`get_blas.ts`) for the process-wide instance.
 *
 * @example Multiply two 2×2 matrices
 * ```ts
 * import { getBlas } from "./get_blas.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]);
 * const c = new Float32Array(4);
 * getBlas().sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
 * assertEquals(Array.from(c), [19, 22, 43, 50]);
 * ```
 */
export class Blas {
  #lib: OpenBlasLibrary;
  #flush: SubnormalFlush | undefined;
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
   * @param flush When given, every call runs with subnormals flushed to zero on the calling
   * thread (see `getBlas`'s `flushSubnormals` for OpenBLAS's own threads).
   */
  constructor(lib: OpenBlasLibrary, path = "", flush?: SubnormalFlush) {
    this.#lib = lib;
    this.path = path;
    this.#flush = flush;
  }

  /** Where the library was loaded from (empty when not told). */
  readonly path: string;

  /** Whether calls run with subnormal floats flushed to zero. */
  get flushesSubnormals(): boolean {
    return this.#flush !== undefined;
  }

  /**
   * Runs `fn` with subnormals flushed to zero on this thread when this instance flushes them, else
   * as it is: the BLAS calls inside, the SIMD kernels and JavaScript's float32 stores alike (how
   * `train` runs each step and each evaluation). Keep printing and file writing out of `fn`.
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { getBlas } from "./get_blas.ts";
   * assertEquals(getBlas().flushed(() => 6 * 7), 42);
   * ```
   *
   * @param fn The work.
   * @returns What `fn` returns.
   */
  flushed<T>(fn: () => T): T {
    const flush = this.#flush;
    if (!flush) return fn();
    flush.enter();
    try {
      return fn();
    } finally {
      flush.leave();
    }
  }

  /** The raw symbols, for benchmarks that compare against the unchecked call. */
  get symbols(): OpenBlasLibrary["symbols"] {
    return this.#lib.symbols;
  }

  /**
   * The name of the kernels OpenBLAS picked for this CPU, or that `OPENBLAS_CORETYPE` named
   * ("Prescott", "Haswell", "Cooperlake", …): the last bits of every product depend on it. Null
   * when the library does not say (a build without `openblas_get_corename`).
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { getBlas } from "./get_blas.ts";
   * assertEquals(typeof getBlas().core, "string");
   * ```
   */
  get core(): string | null {
    const { openblas_get_corename: name, strncpy } = this.#lib.symbols;
    if (!name || !strncpy) return null;
    const pointer = name();
    if (pointer === null) return null;
    const bytes = new Uint8Array(64); // OpenBLAS's names are short; the last byte stays 0
    strncpy(bytes, pointer, BigInt(bytes.length - 1));
    return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
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
    this.#flush?.enter(); // threads started now copy the calling thread's MXCSR
    this.#lib.symbols.openblas_set_num_threads(n);
    this.#flush?.leave();
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
    this.#flush?.enter();
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
    this.#flush?.leave();
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
    this.#flush?.enter();
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
    this.#flush?.leave();
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
    if (n === 0) return;
    this.#flush?.enter();
    this.#lib.symbols.cblas_saxpy(n, alpha, x, 1, y, 1);
    this.#flush?.leave();
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
    if (n === 0) return;
    this.#flush?.enter();
    this.#lib.symbols.cblas_sscal(n, alpha, x, 1);
    this.#flush?.leave();
  }

  /** Unloads the library; the instance must not be used afterwards. */
  close(): void {
    this.#lib.close();
    this.#flush?.close();
  }
}
