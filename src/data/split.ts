/**
 * Holding out part of a training set, at random but reproducibly, for early stopping.
 *
 * @module
 */

import type { Dataset } from "./dataset.ts";
import { Matrix } from "../tensor/matrix.ts";
import { Rng } from "../tensor/random.ts";

/**
 * Splits a dataset into a training part and a held-out part of `fraction` of its samples, chosen
 * by a seeded shuffle (the rows are copied, in their original order within each part).
 *
 * @example
 * ```ts
 * import { holdOut, Matrix, rowArgmax } from "../../mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]);
 * const { train, validation } = holdOut({ x: Matrix.from([[1], [2], [3], [4], [5]]), y, labels: rowArgmax(y) }, 0.4, 1);
 * console.log(train.x.rows, validation.x.rows); // 3 2
 * ```
 *
 * @param d The dataset.
 * @param fraction The share held out, in (0, 1).
 * @param seed Seed of the shuffle.
 * @returns The two parts.
 * @throws {RangeError} When the fraction leaves either part empty.
 */
export function holdOut(
  d: Dataset,
  fraction: number,
  seed: number,
): { train: Dataset; validation: Dataset } {
  const n = d.x.rows, held = Math.round(n * fraction);
  if (!(fraction > 0 && fraction < 1) || held < 1 || held >= n) {
    throw new RangeError(
      `Cannot hold out ${fraction} of ${n} samples: both parts need at least one sample`,
    );
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  const out = order.subarray(0, held).sort(), keep = order.subarray(held).sort();
  const take = (rows: Uint32Array): Dataset => {
    const x = new Matrix(rows.length, d.x.cols), y = new Matrix(rows.length, d.y.cols);
    const labels = new Uint8Array(rows.length);
    rows.forEach((s, r) => {
      x.data.set(d.x.data.subarray(s * d.x.cols, (s + 1) * d.x.cols), r * d.x.cols);
      y.data.set(d.y.data.subarray(s * d.y.cols, (s + 1) * d.y.cols), r * d.y.cols);
      labels[r] = d.labels[s];
    });
    return { x, y, labels };
  };
  return { train: take(keep), validation: take(out) };
}
