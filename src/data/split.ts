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
 * by a seeded shuffle (the rows are copied, in their original order within each part). With
 * `inPlace`, the training part is `d`'s own memory, its kept rows moved to the front (then `d`
 * must not be used again), and only the held-out rows are copied: for sets too large to copy.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { holdOut, Matrix, rowArgmax } from "../../mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]);
 * const { train, validation } = holdOut({ x: Matrix.from([[1], [2], [3], [4], [5]]), y, labels: rowArgmax(y) }, 0.4, 1);
 * assertEquals(train.x.rows, 3);
 * assertEquals(validation.x.rows, 2);
 * ```
 *
 * @param d The dataset.
 * @param fraction The share held out, in (0, 1).
 * @param seed Seed of the shuffle.
 * @param options `inPlace`: reuse `d`'s memory for the training part.
 * @returns The two parts.
 * @throws {RangeError} When the fraction leaves either part empty, or the seed is not a safe
 *   integer.
 */
export function holdOut(
  d: Dataset,
  fraction: number,
  seed: number,
  options: { inPlace?: boolean } = {},
): { train: Dataset; validation: Dataset } {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot hold out samples: the seed must be a safe integer: ${seed}`);
  }
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
  if (!options.inPlace) return { train: take(keep), validation: take(out) };
  const validation = take(out), { x, y, labels } = d;
  keep.forEach((s, r) => {
    // s ≥ r (both ascending): moving rows forward in order never overwrites one still to move.
    if (s === r) return;
    x.data.copyWithin(r * x.cols, s * x.cols, (s + 1) * x.cols);
    y.data.copyWithin(r * y.cols, s * y.cols, (s + 1) * y.cols);
    labels[r] = labels[s];
  });
  const k = keep.length;
  return {
    train: {
      x: new Matrix(k, x.cols, x.data.subarray(0, k * x.cols)),
      y: new Matrix(k, y.cols, y.data.subarray(0, k * y.cols)),
      labels: labels.subarray(0, k),
    },
    validation,
  };
}
