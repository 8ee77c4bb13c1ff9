/**
 * Datasets for training: samples as rows (batch-major), targets one-hot, labels as integers; and
 * the conversion from the features-by-samples layout that the original numpy project stored.
 *
 * @module
 */

import { Matrix } from "../tensor/matrix.ts";
import { DataFormatError, type NdArray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays } from "../io/npz.ts";

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
 * A float32 copy of a numeric array, as a Float32Array (no copy when it already is one).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toFloat32 } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * assertEquals(toFloat32(ndarray("uint8", [2], new Uint8Array([3, 255]))), new Float32Array([3, 255]));
 * ```
 */
export function toFloat32(a: NdArray): Float32Array {
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    return Float32Array.from(a.data, Number);
  }
  return Float32Array.from(a.data);
}

/**
 * The batch-major dataset from features-by-samples arrays: `x` (features, samples) and `y`
 * (classes, samples), the layout of the original `mnist.npz` and of the linear-output files.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { datasetFromColumns } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const x = ndarray("float32", [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
 * const y = ndarray("float32", [2, 3], new Float32Array([1, 0, 1, 0, 1, 0]));
 * const d = datasetFromColumns(x, y);
 * assertEquals(d.x.toArray(), [[1, 4], [2, 5], [3, 6]]);
 * assertEquals(Array.from(d.labels), [0, 1, 0]);
 * ```
 *
 * @param x Inputs, (features, samples).
 * @param y Targets, (classes, samples).
 * @returns The dataset, (samples, features) and (samples, classes).
 * @throws {DataFormatError} When the arrays are not 2-D or their sample counts differ.
 */
export function datasetFromColumns(x: NdArray, y: NdArray): Dataset {
  if (x.shape.length !== 2 || y.shape.length !== 2) {
    throw new DataFormatError(
      `Cannot build a dataset: x and y must be 2-D: (${x.shape.join(", ")}) and (${
        y.shape.join(", ")
      })`,
    );
  }
  const [f, n] = x.shape, [c, ny] = y.shape;
  if (n !== ny) {
    throw new DataFormatError(`Cannot build a dataset: x has ${n} samples and y ${ny}`);
  }
  const xm = new Matrix(n, f), ym = new Matrix(n, c);
  transposeInto(toFloat32(x), f, n, xm.data);
  transposeInto(toFloat32(y), c, n, ym.data);
  return { x: xm, y: ym, labels: rowArgmax(ym) };
}

/**
 * Takes `keys` from loaded arrays, or throws naming the file and the first missing key.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { requireKeys } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const arrays = { x: ndarray("uint8", [1], new Uint8Array(1)) };
 * const [x] = requireKeys(arrays, "a.npz", ["x"]);
 * assertEquals(x.shape, [1]);
 * ```
 *
 * @param arrays The loaded arrays.
 * @param path The file they came from, for the message.
 * @param keys The keys needed.
 * @returns The arrays in the order of `keys`.
 * @throws {DataFormatError} When a key is missing.
 */
export function requireKeys(arrays: NpzArrays, path: string, keys: readonly string[]): NdArray[] {
  return keys.map((k) => {
    if (!(k in arrays)) {
      throw new DataFormatError(
        `Cannot use ${path}: it has no '${k}' (it has ${
          Object.keys(arrays).join(", ") || "nothing"
        })`,
      );
    }
    return arrays[k];
  });
}

/**
 * Loads an `mnist.npz` in the original layout (`X_train` (784, 60000), `y_train` (10, 60000),
 * `X_test`, `y_test`) as batch-major training and test sets.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadMnistNpz } from "../../mod.ts";
 * import { ndarray, saveNpz } from "../io/mod.ts";
 * const path = `${await Deno.makeTempDir()}/mnist.npz`;
 * const x = ndarray("float32", [4, 2], new Float32Array(8)), y = ndarray("float32", [3, 2], new Float32Array([1, 0, 0, 1, 0, 0]));
 * saveNpz(path, { X_train: x, y_train: y, X_test: x, y_test: y });
 * const { train } = loadMnistNpz(path);
 * assertEquals(train.x.rows, 2);
 * assertEquals(train.x.cols, 4);
 * assertEquals(train.labels, new Uint8Array([0, 1]));
 * ```
 *
 * @param path The file.
 * @returns The two sets.
 * @throws {DataFormatError} When the file is corrupt, lacks a key or has mismatched shapes.
 */
export function loadMnistNpz(path: string): DatasetSplits {
  const arrays = loadNpz(path);
  const [xTrain, yTrain, xTest, yTest] = requireKeys(arrays, path, [
    "X_train",
    "y_train",
    "X_test",
    "y_test",
  ]);
  try {
    return { train: datasetFromColumns(xTrain, yTrain), test: datasetFromColumns(xTest, yTest) };
  } catch (error) {
    if (error instanceof DataFormatError) {
      throw new DataFormatError(`Cannot use ${path}: ${error.message.replace(/^Cannot /, "")}`);
    }
    throw error;
  }
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
