/**
 * The original program's RD update, kept so that anyone can compare (`update: "original"`): D1
 * takes the batch mean of its gradient, D2 the gradient of the batch's first sample only, both by
 * plain SGD, with the original's stopping rule (training error unchanged to the tolerance).
 *
 *   a2 = R·(d1 ⊙ x), ŷ = σ(d2 ⊙ a2), e = ŷ − y
 *   d1 ← d1 − lr · mean_b [x_b ⊙ Rᵀ(d2 ⊙ e_b)]
 *   d2 ← d2 − lr · (a2_0 ⊙ e_0)                       (the first sample of the batch)
 *
 * ŷ, e and the error count come from the pre-activations as the original computes them (a
 * double-precision sigmoid: see {@linkcode originalOutputs}). `trainOriginal` (original_train.ts)
 * runs either original update, this one or the dense model's.
 *
 * @module
 */

import type { RdLayer } from "../model/layers/rd.ts";
import type { Network } from "../model/network.ts";
import { getBlas } from "../native/get_blas.ts";
import type { Workspace } from "../model/workspace.ts";
import { originalOutputs } from "./original_dense.ts";

/** Each workspace's scratch for the step, allocated once rather than per batch. */
const scratches = new WeakMap<
  Workspace,
  { g2: Float64Array; ed2: Float32Array; s: Float32Array }
>();

function scratchOf(ws: Workspace, n: number, C: number) {
  let sc = scratches.get(ws);
  if (!sc || sc.s.length !== ws.maxBatch * n || sc.g2.length !== C) {
    sc = {
      g2: new Float64Array(C),
      ed2: new Float32Array(ws.maxBatch * C),
      s: new Float32Array(ws.maxBatch * n),
    };
    scratches.set(ws, sc);
  }
  return sc;
}

/**
 * One step of the original's RD update on the batch in `ws` (inputs `x`, targets `ws.y`, labels
 * `ws.labels`), in place.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { originalRdStep } from "./mod.ts";
 * const net = Network.create({ sizes: [4, 2], layers: ["rd"], rule: "bp", bias: false, seed: 1 });
 * const ws = net.workspace(2);
 * ws.x.set([1, 0, 0, 1, 0, 1, 1, 0]);
 * ws.y.set([1, 0, 0, 1]);
 * ws.labels.set([0, 1]);
 * assertEquals(originalRdStep(net, ws, 2, 1e-3).loss > 0, true);
 * ```
 *
 * @param net A network of one RD layer without a bias, with sigmoid outputs.
 * @param ws Its buffers, holding the batch.
 * @param B Samples in the batch.
 * @param lr The learning rate.
 * @param x Inputs (B, n_in); default `ws.x`.
 * @returns The batch's summed loss and misclassifications.
 * @throws {RangeError} When the network is not one RD layer without a bias, with sigmoid outputs.
 */
export function originalRdStep(
  net: Network,
  ws: Workspace,
  B: number,
  lr: number,
  x: Float32Array = ws.x,
): { loss: number; errors: number } {
  const layer = net.layers[0] as RdLayer;
  if (net.depth !== 1 || layer.kind !== "rd" || layer.hasBias || net.loss !== "bce") {
    throw new RangeError(
      "Cannot take the original's RD step: the network must be one RD layer without a bias, with sigmoid outputs",
    );
  }
  const { inputs: n, outputs: C, d1, d2 } = layer, R = layer.r.data, e = ws.delta[0];
  const a = net.forward(ws, B, x, true); // pre-activations
  const { loss, errors } = originalOutputs(a, ws.y, ws.labels, e, B, C);
  // D2 from the first sample: a2_0 = R·(d1 ⊙ x_0), g2 = a2_0 ⊙ e_0 (before d1 changes).
  const { g2, ed2, s } = scratchOf(ws, n, C);
  for (let j = 0; j < C; j++) {
    let a2 = 0;
    for (let i = 0; i < n; i++) a2 += R[j * n + i] * d1[i] * x[i];
    g2[j] = a2 * e[j];
  }
  // D1 from the batch mean: s (B, n) = (e ⊙ d2) (B, C) · R (C, n); g1_i = mean_b x_bi s_bi.

  for (let k = 0; k < B * C; k++) ed2[k] = e[k] * d2[k % C];
  getBlas().sgemm(false, false, B, n, C, 1, ed2, C, R, n, 0, s, n);
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let b = 0; b < B; b++) g += x[b * n + i] * s[b * n + i];
    d1[i] -= lr * g / B;
  }
  for (let j = 0; j < C; j++) d2[j] -= lr * g2[j];
  return { loss, errors };
}
