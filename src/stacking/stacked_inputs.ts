/**
 * The inputs of a stacked model: the learners' stacked outputs checked against N and the labels,
 * and standardized by the training set's statistics.
 *
 * @module
 */

import { DataFormatError, type NdArray } from "../io/ndarray.ts";
import { npzRowBlocks, readNpzShapes } from "../io/npz_stream.ts";
import { Matrix } from "../tensor/matrix.ts";

/**
 * Checks stacked outputs against N and the labels.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { ndarray } from "../io/mod.ts";
 * import { checkLinouts } from "./mod.ts";
 * assertThrows(
 *   () => checkLinouts(ndarray("float32", [20, 3], new Float32Array(60)), 3, 10, 5, "train.npz"),
 *   RangeError,
 *   "train.npz has shape (20, 3), but N = 3 needs 30 rows",
 * );
 * ```
 *
 * @param a The outputs, (classes · n, samples).
 * @param n Weak learners.
 * @param classes Classes.
 * @param labels How many labels there are for them.
 * @param where The file, for the message.
 * @throws {RangeError} When the rows are not classes · n or there are more samples than labels.
 */
export function checkLinouts(
  a: Pick<NdArray, "shape">,
  n: number,
  classes: number,
  labels: number,
  where: string,
): void {
  if (a.shape.length !== 2 || a.shape[0] !== classes * n) {
    throw new RangeError(
      `${where} has shape (${a.shape.join(", ")}), but N = ${n} needs ${classes * n} rows`,
    );
  }
  if (a.shape[1] > labels) {
    throw new RangeError(`${where}: ${a.shape[1]} samples, but there are only ${labels} labels`);
  }
}

/**
 * Scales each column of the matrices by the mean and standard deviation of `stats`' column.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix } from "../../mod.ts";
 * import { standardize } from "./mod.ts";
 * const m = Matrix.from([[1, 10], [3, 30]]);
 * standardize(m, [m]);
 * assertEquals(Array.from(m.data), [-1, -1, 1, 1]);
 * ```
 *
 * @param stats The matrix whose columns give the statistics.
 * @param targets The matrices to scale, in place.
 */
export function standardize(stats: Matrix, targets: Matrix[]): void {
  const { rows, cols, data } = stats;
  const mean = new Float64Array(cols), sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v = data[r * cols + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    mean[j] /= rows;
    scale[j] = 1 / Math.sqrt(Math.max(sq[j] / rows - mean[j] * mean[j], 1e-12));
  }
  for (const m of targets) {
    for (let r = 0; r < m.rows; r++) {
      for (let j = 0; j < cols; j++) {
        m.data[r * cols + j] = (m.data[r * cols + j] - mean[j]) * scale[j];
      }
    }
  }
}

/**
 * Stacked linear outputs, (classes · n, samples): in memory, or an array in an `.npz` file that is
 * read a block of rows at a time (so that 400 learners' 960 MB are never held twice).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Linouts } from "./mod.ts";
 * const a: Linouts = { path: "data/train_linouts.npz", key: "train_linear_outputs" };
 * assertEquals("path" in a, true);
 * ```
 */
export type Linouts = NdArray | { path: string; key: string };

/**
 * The shape of stacked outputs (read from the file's header for a file).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "../io/mod.ts";
 * import { linoutsShape } from "./mod.ts";
 * assertEquals(linoutsShape(ndarray("float32", [20, 3], new Float32Array(60))), [20, 3]);
 * ```
 *
 * @param a The outputs.
 * @returns Their shape.
 * @throws {DataFormatError} When the file has no such array.
 */
export function linoutsShape(a: Linouts): readonly number[] {
  if (!("path" in a)) return a.shape;
  const shape = readNpzShapes(a.path)[a.key]?.shape;
  if (!shape) throw new DataFormatError(`Cannot read ${a.path}: it has no '${a.key}'`);
  return shape;
}

/**
 * The outputs as a (samples, features) matrix: each sample a row, as the network takes them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "../io/mod.ts";
 * import { linoutsAsRows } from "./mod.ts";
 * const m = linoutsAsRows(ndarray("float32", [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])));
 * assertEquals(m.rows, 3);
 * assertEquals(m.cols, 2);
 * assertEquals([...m.data], [1, 4, 2, 5, 3, 6]);
 * ```
 *
 * @param a The outputs, (features, samples).
 * @returns The transposed matrix, in memory of its own.
 */
export function linoutsAsRows(a: Linouts): Matrix {
  const [f, samples] = linoutsShape(a), x = new Matrix(samples, f);
  const put = (first: number, block: ArrayLike<number | bigint>, rows: number) => {
    const B = 64;
    for (let j0 = 0; j0 < samples; j0 += B) {
      const j1 = Math.min(samples, j0 + B);
      for (let i = 0; i < rows; i++) {
        for (let j = j0; j < j1; j++) x.data[j * f + first + i] = Number(block[i * samples + j]);
      }
    }
  };
  if (!("path" in a)) put(0, a.data, f);
  else {for (const { first, rows } of npzRowBlocks(a.path, a.key)) {
      put(first, rows.data, rows.shape[0]);
    }}
  return x;
}
