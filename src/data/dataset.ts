/**
 * Datasets for training: samples as rows (batch-major), targets one-hot, labels as integers; the
 * transposes from and argmaxes over the features-by-samples layout that the original numpy project
 * stored (its files: npz_dataset.ts).
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";

/**
 * Samples with their targets.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Dataset, Matrix, rowArgmax } from "../../mod.ts";
 * const y = Matrix.from([[0, 1]]);
 * const data: Dataset = { x: Matrix.from([[0.5, 0.5]]), y, labels: rowArgmax(y) };
 * assertEquals(data.labels[0], 1);
 * ```
 */
export interface Dataset {
  /** Inputs: (samples, features). */
  x: Matrix;
  /** Targets: (samples, classes), one-hot for classification. */
  y: Matrix;
  /** The class of each sample (argmax of its target row). */
  labels: Uint8Array;
}

/**
 * A training and a test set.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type DatasetSplits, Matrix } from "../../mod.ts";
 * const set = { x: new Matrix(1, 2), y: Matrix.from([[1, 0]]), labels: new Uint8Array(1) };
 * const splits: DatasetSplits = { train: set, test: set };
 * assertEquals(splits.test.x.cols, 2);
 * ```
 */
export interface DatasetSplits {
  /** The training set. */
  train: Dataset;
  /** The test set. */
  test: Dataset;
}

/**
 * Transposes a row-major `rows`×`cols` array into `dst` (`cols`×`rows`), in cache-sized blocks.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { transposeInto } from "./dataset.ts";
 * const dst = new Float32Array(6);
 * transposeInto(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3, dst);
 * assertEquals(Array.from(dst), [1, 4, 2, 5, 3, 6]);
 * ```
 *
 * @param src The source, row-major.
 * @param rows Its rows.
 * @param cols Its columns.
 * @param dst The destination, row-major `cols`×`rows`.
 */
export function transposeInto(
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  dst: { [i: number]: number },
): void {
  const B = 64;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[i * cols + j];
      }
    }
  }
}

/**
 * The argmax of each row.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * assertEquals(rowArgmax(Matrix.from([[0.1, 0.9], [0.7, 0.3]])), new Uint8Array([1, 0]));
 * ```
 */
export function rowArgmax(m: Matrix): Uint8Array {
  const out = new Uint8Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) {
      if (m.data[i * m.cols + j] > m.data[i * m.cols + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}

/**
 * The argmax of each column of a (rows, cols) row-major array: the row of each column's largest
 * entry, the first on a tie.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { columnArgmax } from "./dataset.ts";
 * // (2, 3): columns [0.1, 0.9], [0.7, 0.3], [0.5, 0.5]
 * assertEquals(Array.from(columnArgmax(Float32Array.of(0.1, 0.7, 0.5, 0.9, 0.3, 0.5), 2, 3)), [1, 0, 0]);
 * ```
 *
 * @param data The array, row-major.
 * @param rows Its rows (at most 256).
 * @param cols Its columns.
 * @returns One row index per column.
 */
export function columnArgmax(data: Float32Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(cols), best = data.slice(0, cols);
  for (let r = 1; r < rows; r++) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    for (let s = 0; s < cols; s++) if (row[s] > best[s]) best[s] = row[s], out[s] = r;
  }
  return out;
}

/**
 * The first `n` samples of a dataset (all when `n` is undefined or larger), as views.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * import { firstSamples } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1], [1, 0]]);
 * assertEquals(firstSamples({ x: Matrix.from([[1], [2], [3]]), y, labels: rowArgmax(y) }, 2).x.rows, 2);
 * ```
 *
 * @param d The dataset.
 * @param n How many samples.
 * @returns The dataset, or views of its first `n` samples.
 * @throws {RangeError} When `n` is not a whole number ≥ 0.
 */
export function firstSamples(d: Dataset, n: number | undefined): Dataset {
  if (n !== undefined && !(Number.isSafeInteger(n) && n >= 0)) {
    throw new RangeError(`Cannot take the first samples: n must be an integer ≥ 0: ${n}`);
  }
  if (n === undefined || n >= d.x.rows) return d;
  return { x: d.x.rowRange(0, n), y: d.y.rowRange(0, n), labels: d.labels.subarray(0, n) };
}

const checked = new WeakSet<Float32Array>();

/**
 * Refuses data no training can use: inputs or targets that are NaN or infinite, and labels outside
 * the targets' classes. A dataset's inputs are scanned once (remembered by their buffer).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * import { checkDataset } from "./mod.ts";
 * const y = Matrix.from([[1, 0]]);
 * assertThrows(
 *   () => checkDataset({ x: Matrix.from([[NaN]]), y, labels: rowArgmax(y) }, "the test set"),
 *   RangeError,
 *   "Cannot use the test set: input 0, feature 0 is NaN (bad data)",
 * );
 * ```
 *
 * @param d The dataset.
 * @param what What it is, for the message.
 * @throws {RangeError} At the first bad value.
 */
export function checkDataset(d: Dataset, what: string): void {
  const fail = (why: string) => new RangeError(`Cannot use ${what}: ${why} (bad data)`);
  for (const [m, name] of [[d.x, "input"], [d.y, "target"]] as const) {
    if (checked.has(m.data)) continue;
    const data = m.data;
    for (let i = 0; i < m.rows * m.cols; i++) {
      if (!Number.isFinite(data[i])) {
        throw fail(`${name} ${Math.floor(i / m.cols)}, feature ${i % m.cols} is ${data[i]}`);
      }
    }
    checked.add(m.data);
  }
  for (let i = 0; i < d.labels.length; i++) {
    if (d.labels[i] >= d.y.cols) {
      throw fail(`label ${i} is ${d.labels[i]}, but there are ${d.y.cols} classes`);
    }
  }
}
