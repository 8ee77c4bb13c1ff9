/**
 * Output layers with their losses. Each pairing has the same output error, e = ŷ − y, for the
 * gradient of the loss with respect to the output pre-activation — the signal DFA broadcasts.
 *
 * - `"bce"`: sigmoid outputs, binary cross-entropy summed over classes (the original's choice);
 * - `"ce"`: softmax outputs, cross-entropy;
 * - `"mse"`: linear outputs, half the squared error.
 *
 * @module
 */

/**
 * An output activation with its loss.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Loss, Network } from "../../mod.ts";
 * const loss: Loss = "ce";
 * assertEquals(Network.create({ sizes: [2, 3], loss }).loss, "ce");
 * ```
 */
export type Loss = "bce" | "ce" | "mse";

/**
 * The losses dfa knows, for validating user input.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LOSSES } from "./mod.ts";
 * assertEquals(LOSSES, ["bce", "ce", "mse"]);
 * ```
 */
export const LOSSES: readonly Loss[] = ["bce", "ce", "mse"];

const EPS = 1e-7;

/**
 * Turns output pre-activations into outputs in place: sigmoid, softmax by rows, or identity.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { outputActivate } from "./loss.ts";
 * const a = new Float32Array([0, 0, Math.log(2), 0]);
 * outputActivate("ce", a, 2, 2); // softmax by rows
 * assertEquals(Array.from(a).map((v) => v.toFixed(3)), ["0.500", "0.500", "0.667", "0.333"]);
 * ```
 *
 * @param loss The output kind.
 * @param a Pre-activations (rows × cols) in, outputs out.
 * @param rows Samples.
 * @param cols Classes.
 */
export function outputActivate(loss: Loss, a: Float32Array, rows: number, cols: number): void {
  const n = rows * cols;
  if (loss === "bce") {
    for (let i = 0; i < n; i++) a[i] = 1 / (1 + Math.exp(-a[i]));
  } else if (loss === "ce") {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity, sum = 0;
      for (let j = 0; j < cols; j++) max = Math.max(max, a[o + j]);
      for (let j = 0; j < cols; j++) sum += a[o + j] = Math.exp(a[o + j] - max);
      for (let j = 0; j < cols; j++) a[o + j] /= sum;
    }
  }
}

/**
 * The loss summed over `n` outputs, and the output error e = ŷ − y written to `e`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lossAndError } from "./loss.ts";
 * const e = new Float32Array(2);
 * assertEquals(lossAndError("mse", new Float32Array([1, 3]), new Float32Array([0, 3]), e, 2), 0.5);
 * ```
 *
 * @param loss The output kind.
 * @param yHat Outputs.
 * @param y Targets.
 * @param e Receives ŷ − y.
 * @param n How many elements.
 * @returns The summed loss.
 */
export function lossAndError(
  loss: Loss,
  yHat: Float32Array,
  y: Float32Array,
  e: Float32Array,
  n: number,
): number {
  let total = 0;
  if (loss === "mse") {
    for (let i = 0; i < n; i++) {
      const d = e[i] = yHat[i] - y[i];
      total += 0.5 * d * d;
    }
    return total;
  }
  // Cross-entropies: the logarithm of a product of up to 16 clipped factors (each ≥ 1e-7, so no
  // underflow) costs one Math.log where a sum of logarithms costs sixteen.
  let prod = 1, count = 0;
  for (let i = 0; i < n; i++) {
    const p = yHat[i], t = y[i];
    e[i] = p - t;
    const q = p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
    if (loss === "ce") {
      if (t === 1) prod *= q;
      else if (t !== 0) total -= t * Math.log(q);
    } else if (t === 0) prod *= 1 - q;
    else if (t === 1) prod *= q;
    else total -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
    if (++count === 16) {
      total -= Math.log(prod);
      prod = 1;
      count = 0;
    }
  }
  return total - Math.log(prod);
}

/**
 * The number of rows whose largest output is not at the target's largest entry.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { countErrors } from "./mod.ts";
 * const yHat = new Float32Array([0.9, 0.1, 0.2, 0.8]);
 * assertEquals(countErrors(yHat, [0, 0], 2, 2), 1);
 * ```
 *
 * @param yHat Outputs (rows × cols).
 * @param labels The class of each row.
 * @param rows Samples.
 * @param cols Classes.
 * @returns How many are misclassified.
 */
export function countErrors(
  yHat: Float32Array,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
): number {
  let wrong = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let best = 0;
    for (let j = 1; j < cols; j++) if (yHat[o + j] > yHat[o + best]) best = j;
    if (best !== labels[r]) wrong++;
  }
  return wrong;
}
