/**
 * A row-major `Float32Array` matrix, and views of its contiguous row ranges.
 *
 * @module
 */

/**
 * A dense row-major matrix of 32-bit floats: element (i, j) is `data[i * cols + j]`.
 *
 * @example Build a matrix and view its last row
 * ```ts
 * import { Matrix } from "./matrix.ts";
 * import { assertEquals } from "@std/assert";
 * const m = Matrix.from([[1, 2], [3, 4]]);
 * assertEquals(m.rowRange(1, 2).toArray(), [[3, 4]]);
 * ```
 */
export class Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The elements, row after row; a view shares its parent's buffer. */
  readonly data: Float32Array;

  /**
   * Wraps `data` (or fresh zeros) as a `rows`×`cols` matrix.
   *
   * @param rows Number of rows: a non-negative integer.
   * @param cols Number of columns: a non-negative integer.
   * @param data Exactly `rows * cols` elements; zeros when omitted.
   * @throws {RangeError} When a size is not a non-negative integer or `data` has another length.
   */
  constructor(rows: number, cols: number, data?: Float32Array) {
    if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
      throw new RangeError(
        `Cannot create a matrix: sizes must be non-negative integers: ${rows}×${cols}`,
      );
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Cannot create a ${rows}×${cols} matrix: it needs ${rows * cols} elements: ${data.length}`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float32Array(rows * cols);
  }

  /**
   * A matrix copied from nested arrays.
   *
   * @param values The rows, all of the same length.
   * @returns The new matrix.
   * @throws {RangeError} When the rows differ in length.
   */
  static from(values: readonly (readonly number[])[]): Matrix {
    const rows = values.length, cols = rows === 0 ? 0 : values[0].length;
    const m = new Matrix(rows, cols);
    values.forEach((row, i) => {
      if (row.length !== cols) {
        throw new RangeError(
          `Cannot create a matrix: row ${i} has ${row.length} columns, not ${cols}`,
        );
      }
      m.data.set(row, i * cols);
    });
    return m;
  }

  /** Number of elements. */
  get size(): number {
    return this.rows * this.cols;
  }

  /**
   * Element (i, j), unchecked.
   *
   * @param i Row index.
   * @param j Column index.
   * @returns The element.
   */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /**
   * Sets element (i, j), unchecked.
   *
   * @param i Row index.
   * @param j Column index.
   * @param value The new value.
   */
  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /**
   * Rows `start` (inclusive) to `end` (exclusive) as a view that shares this matrix's storage.
   *
   * @param start First row.
   * @param end One past the last row.
   * @returns The view.
   * @throws {RangeError} When the range is not within the matrix.
   */
  rowRange(start: number, end: number): Matrix {
    if (
      !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start ||
      end > this.rows
    ) {
      throw new RangeError(
        `Cannot view rows [${start}, ${end}) of a ${this.rows}-row matrix: out of range`,
      );
    }
    return new Matrix(
      end - start,
      this.cols,
      this.data.subarray(start * this.cols, end * this.cols),
    );
  }

  /** A copy with its own storage. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** The transpose, as a new matrix. */
  transpose(): Matrix {
    const t = new Matrix(this.cols, this.rows);
    const { rows, cols, data } = this;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) t.data[j * rows + i] = data[i * cols + j];
    }
    return t;
  }

  /** The elements as nested arrays, row after row. */
  toArray(): number[][] {
    return Array.from(
      { length: this.rows },
      (_, i) => Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)),
    );
  }
}
