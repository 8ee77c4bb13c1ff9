/**
 * The original program's dense stacked model, kept so that anyone can compare
 * (`update: "original"`): ŷ = σ(W·x + b), e = ŷ − y, W ← W − lr·Σ_b e_b x_bᵀ, b ← b − lr·Σ_b e_b,
 * plain SGD on batch sums over raw inputs.
 *
 * Its outputs are computed as the original computes them: the logistic function in double
 * precision from the pre-activations, and a sample counted wrong unless the first of its largest
 * outputs is its class (NumPy's `argmax`). On raw stacked outputs the pre-activations reach the
 * hundreds; a float32 sigmoid is exactly 0 or 1 for most of them, and ties there, which `argmax`
 * settles on the first class, would count several points of errors that the original does not.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { DenseLayer } from "../model/layers/dense.ts";
import type { Network } from "../model/network.ts";
import type { Workspace } from "../model/workspace.ts";

/** The probability bounds of the reported loss (the loss only; the error e is not clipped). */
const EPS = 1e-15;

/**
 * The original's output step from pre-activations: ŷ = 1 / (1 + exp(−a)) in double precision,
 * e = ŷ − y written to `e`, the binary cross-entropy summed, and the samples whose first largest
 * ŷ is not their class counted.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { originalOutputs } from "./mod.ts";
 * // Both outputs of the first sample are below −16 (a float32 sigmoid makes both 0 and ties).
 * const a = new Float32Array([-40, -20, 3, -3]), e = new Float32Array(4);
 * const r = originalOutputs(a, new Float32Array([0, 1, 1, 0]), new Uint8Array([1, 0]), e, 2, 2);
 * assertEquals(r.errors, 0); // sample 0's first largest output is its class, 1
 * assertEquals(e[1] < -0.99, true);
 * ```
 *
 * @param a Pre-activations (B, C).
 * @param y Targets (B, C).
 * @param labels The class of each sample.
 * @param e Receives ŷ − y (B, C).
 * @param B Samples.
 * @param C Classes.
 * @returns The summed loss and the misclassification count.
 */
export function originalOutputs(
  a: Float32Array,
  y: Float32Array,
  labels: ArrayLike<number>,
  e: Float32Array,
  B: number,
  C: number,
): { loss: number; errors: number } {
  let loss = 0, errors = 0;
  for (let r = 0; r < B; r++) {
    let best = 0, top = -1;
    for (let j = 0; j < C; j++) {
      const k = r * C + j, p = 1 / (1 + Math.exp(-a[k])), t = y[k];
      e[k] = p - t;
      if (p > top) [best, top] = [j, p];
      const q = Math.min(Math.max(p, EPS), 1 - EPS);
      loss -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
    }
    if (best !== labels[r]) errors++;
  }
  return { loss, errors };
}

/**
 * One step of the original's dense update on the batch in `ws` (inputs `x`, targets `ws.y`,
 * labels `ws.labels`), in place: W ← W − lr·eᵀ·x, b ← b − lr·eᵀ·1, the gradients summed over the
 * batch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { originalDenseStep } from "./mod.ts";
 * const net = Network.create({ sizes: [4, 2], rule: "bp", biasInit: "normal", seed: 1 });
 * const ws = net.workspace(2);
 * ws.x.set([1, 0, 0, 1, 0, 1, 1, 0]);
 * ws.y.set([1, 0, 0, 1]);
 * ws.labels.set([0, 1]);
 * const before = net.params.map((p) => p.value.slice());
 * assertEquals(originalDenseStep(net, ws, 2, 1e-4).loss > 0, true);
 * assertEquals(net.params.map((p, i) => p.value.some((v, j) => v !== before[i][j])), [true, true]); // W and b moved
 * ```
 *
 * @param net A network of one dense layer with sigmoid outputs.
 * @param ws Its buffers, holding the batch.
 * @param B Samples in the batch.
 * @param lr The learning rate.
 * @param x Inputs (B, n_in); default `ws.x`.
 * @returns The batch's summed loss and misclassifications.
 * @throws {RangeError} When the network is not one dense layer with sigmoid outputs.
 */
export function originalDenseStep(
  net: Network,
  ws: Workspace,
  B: number,
  lr: number,
  x: Float32Array = ws.x,
): { loss: number; errors: number } {
  const layer = net.layers[0] as DenseLayer;
  if (net.depth !== 1 || layer.kind !== "dense" || net.loss !== "bce" || !layer.sgdStep) {
    throw new RangeError(
      "Cannot take the original's dense step: the network must be one dense layer with sigmoid outputs",
    );
  }
  const C = layer.outputs, e = ws.delta[0];
  const a = net.forward(ws, B, x, true); // pre-activations
  const r = originalOutputs(a, ws.y, ws.labels, e, B, C);
  if (Number.isFinite(r.loss)) layer.sgdStep(x, e, B, lr, ws.ones);
  return r;
}

/**
 * The test error as the original measures it: the first largest double-precision sigmoid output
 * of each sample against its class.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax } from "../../mod.ts";
 * import { originalTestError } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 2], rule: "bp", seed: 1 });
 * const y = Matrix.from([[1, 0], [0, 1]]);
 * const e = originalTestError(net, { x: Matrix.from([[1, 0], [0, 1]]), y, labels: rowArgmax(y) });
 * assertEquals([0, 0.5, 1].includes(e), true); // a fraction of the two samples
 * ```
 *
 * @param net A network of one layer with sigmoid outputs.
 * @param data The samples.
 * @returns The fraction misclassified.
 */
export function originalTestError(net: Network, data: Dataset): number {
  const a = net.predict(data.x, true), n = data.x.rows, C = data.y.cols;
  const e = new Float32Array(a.data.length);
  return originalOutputs(a.data, data.y.data, data.labels, e, n, C).errors / n;
}
