/**
 * One training step on a batch: forward, loss and output error, the rule's δs, and the update:
 * plain SGD fused into the gradient products where a layer can (W ← W − lr·δᵀ·h, no gradient
 * buffer), else the gradients and then the optimiser over the layer's parameter list.
 *
 * @module
 */

import { countErrors, lossAndError } from "../model/loss.ts";
import type { Network } from "../model/network.ts";
import type { BatchResult, Workspace } from "../model/workspace.ts";
import { FEEDBACK_RULES } from "../model/rules/registry.ts";
import type { Optimizer } from "./optimizers.ts";

/**
 * Options of {@linkcode trainStep}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { StepOptions } from "./mod.ts";
 * const options: StepOptions = { scale: 1 / 64 };
 * assertEquals(options.scale, 0.015625);
 * ```
 */
export interface StepOptions {
  /** Multiplies the gradients: 1 for the summed loss (the original's, the default), 1/B for the mean. */
  scale?: number;
  /** Inputs (B, n₀); default `ws.x`. */
  x?: Float32Array;
}

/**
 * One training step on the batch in `ws` (inputs `ws.x` or `options.x`, targets `ws.y`, labels
 * `ws.labels`). The update is skipped when the loss is not finite (the caller decides what then).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { Optimizer, trainStep } from "./mod.ts";
 * const net = Network.create({ sizes: [4, 8, 3], rule: "dfa", seed: 1 });
 * const ws = net.workspace(2);
 * ws.x.set([1, 0, 0, 1, 0, 1, 1, 0]);
 * ws.y.set([1, 0, 0, 0, 0, 1]);
 * ws.labels.set([0, 2]);
 * const r = trainStep(net, ws, 2, new Optimizer({ name: "adam", lr: 1e-3 }), { scale: 1 / 2 });
 * assertEquals(r.errors <= 2, true);
 * ```
 *
 * @param net The network, updated in place.
 * @param ws The buffers holding the batch.
 * @param B Samples in the batch.
 * @param optimizer The optimiser (its state is prepared in the network's arena on first use).
 * @param options The gradient scale and the inputs.
 * @returns The batch's summed loss and misclassification count (`ws.result`, reused).
 */
export function trainStep(
  net: Network,
  ws: Workspace,
  B: number,
  optimizer: Optimizer,
  options: StepOptions = {},
): BatchResult {
  const { scale = 1 } = options, L = net.depth, C = net.sizes[L], result = ws.result;
  // Gradients must see the very buffer the forward pass did (a convolution reuses its patches).
  const x = net.stageInputs(ws, options.x ?? ws.x, B * net.sizes[0]);
  const yHat = net.forward(ws, B, x, false, true), e = ws.delta[L - 1];
  result.loss = lossAndError(net.loss, yHat, ws.y, e, B * C);
  result.errors = countErrors(yHat, ws.labels, B, C);
  if (!Number.isFinite(result.loss)) return result;
  net.backward(ws, B);
  if (!optimizer.isPlainSgd) {
    optimizer.prepare(net.params, net.arena);
    net.gradients(ws, B, { x, scale });
    for (const p of net.params) optimizer.update(p);
    return result;
  }
  const lr = optimizer.options.lr, direct = FEEDBACK_RULES[net.rule].direct ? e : undefined;
  net.layers.forEach((layer, k) => {
    const input = k === 0 ? x : ws.h[k - 1];
    if (layer.sgdStep) return layer.sgdStep(input, ws.delta[k], B, lr * scale, ws.ones);
    layer.gradients(input, ws.delta[k], B, scale, ws.ones, direct);
    for (const p of layer.params) optimizer.update(p);
  });
  return result;
}
