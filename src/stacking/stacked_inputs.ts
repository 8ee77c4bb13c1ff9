/**
 * The inputs of a stacked model: the learners' stacked outputs checked against N and the labels,
 * and standardized by the training set's statistics.
 *
 * @module
 */

import type { NdArray } from "../io/ndarray.ts";
import type { Matrix } from "../tensor/matrix.ts";

/**
 * Checks stacked outputs against N and the labels.
 *
 * @example
 * ```ts
 * import { checkLinouts, ndarray } from "../../mod.ts";
 * try {
 *   checkLinouts(ndarray("float32", [20, 3], new Float32Array(60)), 3, 10, 5, "train.npz");
 * } catch (e) {
 *   console.log((e as Error).message); // train.npz has shape (20, 3), but N = 3 needs 30 rows
 * }
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
  a: NdArray,
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
 * import { Matrix, standardize } from "../../mod.ts";
 * const m = Matrix.from([[1, 10], [3, 30]]);
 * standardize(m, [m]);
 * console.log(Array.from(m.data)); // [-1, -1, 1, 1]
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
