/**
 * The checks every BLAS call passes before it reaches the library: sizes, leading dimensions,
 * buffer lengths and overlaps, each failure a `RangeError` (a `TypeError` for a non-float array)
 * that names the call, the operand and the value.
 *
 * @module
 */

const INT_MAX = 2147483647;

/**
 * Checks that a dimension is an integer in [0, 2³¹).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkDim } from "./blas_checks.ts";
 * checkDim("Cannot run sgemm", "m", 4);
 * assertThrows(() => checkDim("Cannot run sgemm", "m", 2.5), RangeError, "m must be an integer in [0, 2^31): 2.5");
 * ```
 *
 * @throws {RangeError} When it is not.
 */
export function checkDim(what: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > INT_MAX) {
    throw new RangeError(`${what}: ${name} must be an integer in [0, 2^31): ${value}`);
  }
}

/**
 * Checks that an operand is a Float32Array.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkFloat32 } from "./blas_checks.ts";
 * checkFloat32("Cannot run saxpy", "x", new Float32Array(1));
 * assertThrows(() => checkFloat32("Cannot run saxpy", "x", [1]), TypeError, "x must be a Float32Array: object");
 * ```
 *
 * @throws {TypeError} When it is not.
 */
export function checkFloat32(
  what: string,
  name: string,
  value: unknown,
): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new TypeError(`${what}: ${name} must be a Float32Array: ${typeof value}`);
  }
}

/** Elements a row-major `rows`×`cols` matrix with leading dimension `ld` spans. */
function span(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

function overlaps(a: Float32Array, aLen: number, c: Float32Array, cLen: number): boolean {
  if (a.buffer !== c.buffer || aLen === 0 || cLen === 0) return false;
  const a0 = a.byteOffset, c0 = c.byteOffset;
  return a0 < c0 + cLen * 4 && c0 < a0 + aLen * 4;
}

/**
 * Checks the operands of a row-major `C ← α·op(A)·op(B) + β·C` (see `Blas.sgemm`).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkSgemm } from "./blas_checks.ts";
 * assertThrows(
 *   () => checkSgemm(false, false, 2, 2, 3, new Float32Array(6), 3, new Float32Array(5), 2, new Float32Array(4), 2),
 *   RangeError,
 *   "Cannot run sgemm: B (3×2, ldb 2) needs 6 elements: 5",
 * );
 * ```
 *
 * @throws {RangeError} When a size, leading dimension or buffer length does not fit, or C
 *   overlaps an input.
 */
export function checkSgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  c: Float32Array,
  ldc: number,
  alpha = 1,
  beta = 0,
): void {
  const what = "Cannot run sgemm";
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
    throw new RangeError(`${what}: alpha and beta must be finite: ${alpha} and ${beta}`);
  }
  checkDim(what, "m", m);
  checkDim(what, "n", n);
  checkDim(what, "k", k);
  checkFloat32(what, "A", a);
  checkFloat32(what, "B", b);
  checkFloat32(what, "C", c);
  const aRows = transA ? k : m, aCols = transA ? m : k;
  const bRows = transB ? n : k, bCols = transB ? k : n;
  if (!Number.isInteger(lda) || lda < Math.max(1, aCols) || lda > INT_MAX) {
    throw new RangeError(`${what}: lda must be at least ${Math.max(1, aCols)}: ${lda}`);
  }
  if (!Number.isInteger(ldb) || ldb < Math.max(1, bCols) || ldb > INT_MAX) {
    throw new RangeError(`${what}: ldb must be at least ${Math.max(1, bCols)}: ${ldb}`);
  }
  if (!Number.isInteger(ldc) || ldc < Math.max(1, n) || ldc > INT_MAX) {
    throw new RangeError(`${what}: ldc must be at least ${Math.max(1, n)}: ${ldc}`);
  }
  const aLen = span(aRows, aCols, lda), bLen = span(bRows, bCols, ldb), cLen = span(m, n, ldc);
  if (a.length < aLen) {
    throw new RangeError(
      `${what}: A (${aRows}×${aCols}, lda ${lda}) needs ${aLen} elements: ${a.length}`,
    );
  }
  if (b.length < bLen) {
    throw new RangeError(
      `${what}: B (${bRows}×${bCols}, ldb ${ldb}) needs ${bLen} elements: ${b.length}`,
    );
  }
  if (c.length < cLen) {
    throw new RangeError(
      `${what}: C (${m}×${n}, ldc ${ldc}) needs ${cLen} elements: ${c.length}`,
    );
  }
  if (overlaps(a, aLen, c, cLen) || overlaps(b, bLen, c, cLen)) {
    throw new RangeError(`${what}: C overlaps an input: ${m}×${n}`);
  }
}

/**
 * Checks the operands of a row-major `y ← α·op(A)·x + β·y` (see `Blas.sgemv`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkSgemv } from "./blas_checks.ts";
 * assertEquals(checkSgemv(true, 3, 2, new Float32Array(6), 2, new Float32Array(3), new Float32Array(2)), 2);
 * ```
 *
 * @returns The length of y.
 * @throws {RangeError} When a size, leading dimension or buffer length does not fit, or y
 *   overlaps an input.
 */
export function checkSgemv(
  transA: boolean,
  m: number,
  n: number,
  a: Float32Array,
  lda: number,
  x: Float32Array,
  y: Float32Array,
): number {
  const what = "Cannot run sgemv";
  checkDim(what, "m", m);
  checkDim(what, "n", n);
  checkFloat32(what, "A", a);
  checkFloat32(what, "x", x);
  checkFloat32(what, "y", y);
  if (!Number.isInteger(lda) || lda < Math.max(1, n) || lda > INT_MAX) {
    throw new RangeError(`${what}: lda must be at least ${Math.max(1, n)}: ${lda}`);
  }
  const aLen = span(m, n, lda), xLen = transA ? m : n, yLen = transA ? n : m;
  if (a.length < aLen) {
    throw new RangeError(
      `${what}: A (${m}×${n}, lda ${lda}) needs ${aLen} elements: ${a.length}`,
    );
  }
  if (x.length < xLen || y.length < yLen) {
    throw new RangeError(
      `${what}: x and y need ${xLen} and ${yLen} elements: ${x.length} and ${y.length}`,
    );
  }
  if (overlaps(a, aLen, y, yLen) || overlaps(x, xLen, y, yLen)) {
    throw new RangeError(`${what}: y overlaps an input: ${m}×${n}`);
  }
  return yLen;
}
