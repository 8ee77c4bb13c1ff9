/**
 * How well a feedback rule's updates align with backpropagation's, layer by layer: the quantities
 * the linear-net notebook tracks, computed per sample rather than across sample pairs. The signals
 * come from the rules' own code (`FeedbackRule.signal`), the same that training runs.
 *
 * @module
 */

import { lossAndError } from "../model/loss.ts";
import type { Network } from "../model/network.ts";
import { sendSignal } from "../model/signals.ts";
import { forwardProducts, weightAlignment } from "./weight_alignment.ts";
import { FEEDBACK_RULES } from "../model/rules/registry.ts";
import type { Workspace } from "../model/workspace.ts";

/**
 * Alignment of one hidden layer's update with the backprop gradient.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { alignment, type LayerAlignment } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 4, 2], rule: "dfa", seed: 1 });
 * const ws = net.workspace(2);
 * ws.x.set([1, 0, 0, 1]);
 * ws.y.set([1, 0, 0, 1]);
 * const [a]: LayerAlignment[] = alignment(net, ws, 2);
 * assertEquals(a.layer, 1);
 * assertEquals(a.angle >= 0 && a.angle <= 180, true);
 * ```
 */
export interface LayerAlignment {
  /** The hidden layer, 1-based. */
  layer: number;
  /** Angle in degrees between the rule's update of the layer's weights and the BP gradient. */
  angle: number;
  /**
   * Nøkland's alignment criterion L_k = mean over samples of δh·c / ‖δh‖, where δh is the signal
   * the rule sends to the layer's output and c the backprop gradient there; positive means the
   * rule's signal points within 90° of the gradient.
   */
  criterion: number;
  /** Angle in degrees between δh and c over the batch. */
  signalAngle: number;
  /**
   * Angle in degrees between the forward weights and the backward weights the rule uses in their
   * place (see `weight_alignment.ts`); absent for backprop and where there is none to compare.
   */
  weightAngle?: number;
  /** ‖W‖/‖B‖ for the same pair. */
  normRatio?: number;
}

function angle(dot: number, a2: number, b2: number): number {
  if (a2 === 0 || b2 === 0) return NaN;
  const c = Math.max(-1, Math.min(1, dot / Math.sqrt(a2 * b2)));
  return Math.acos(c) * 180 / Math.PI;
}

/**
 * Alignment of each hidden layer on the batch in `ws` (`ws.x`, `ws.y`; B samples). Runs a forward
 * pass, backprop and the network's rule on the same output error, and compares. The network's
 * values are not changed; `ws.delta` and the parameters' gradients are overwritten. A diagnostic:
 * it allocates.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { Workspace } from "../model/mod.ts";
 * import { alignment } from "./mod.ts";
 * const net = Network.create({ sizes: [3, 5, 2], rule: "dfa", seed: 3 });
 * const ws = new Workspace(net.sizes, 4);
 * ws.x.set([1, 2, 3, 0, 1, 0, 2, 2, 1, 1, 1, 1]);
 * ws.y.set([1, 0, 0, 1, 1, 0, 0, 1]);
 * assertEquals(alignment(net, ws, 4).length, 1);
 * ```
 *
 * @param net The network.
 * @param ws Buffers holding the batch.
 * @param B Samples in the batch.
 * @returns One entry per hidden layer.
 */
export function alignment(net: Network, ws: Workspace, B: number): LayerAlignment[] {
  const L = net.depth, C = net.sizes[L], { layers } = net;
  const yHat = net.forward(ws, B);
  lossAndError(net.loss, yHat, ws.y, ws.delta[L - 1], B * C);
  // The weights' updates (the bias's left out, as in the notebook): every parameter but b.
  const grads = () =>
    layers.map((l) => l.params.filter((p) => p.value !== l.bias).map((p) => p.grad.slice()));
  net.backward(ws, B, "bp");
  const bpDeltas = ws.delta.map((d) => d.slice(0, B * d.length / ws.maxBatch));
  net.gradients(ws, B, { rule: "bp" });
  const bpGrads = grads();
  net.backward(ws, B, net.rule);
  net.gradients(ws, B);
  const ruleGrads = grads(), out: LayerAlignment[] = [];
  // A direct rule's B_k is compared with the product of the forward matrices above layer k: made
  // once for every layer, top down (each layer's own would make measuring quadratic in depth).
  const products = FEEDBACK_RULES[net.rule].direct ? forwardProducts(net) : undefined;
  for (let k = 0; k < L - 1; k++) {
    let dot = 0, a2 = 0, b2 = 0;
    ruleGrads[k].forEach((g, p) => {
      const gb = bpGrads[k][p];
      for (let i = 0; i < g.length; i++) {
        dot += g[i] * gb[i], a2 += g[i] * g[i], b2 += gb[i] * gb[i];
      }
    });
    // c: (B, n), the backprop gradient at the layer's output; δh: (B, n), what the rule sends there.
    const n = layers[k].outputs, c = new Float32Array(B * n), dh = new Float32Array(B * n);
    sendSignal(net, "bp", { deltas: bpDeltas, k, B, out: c, target: ws.y });
    sendSignal(net, net.rule, { deltas: ws.delta, k, B, out: dh, target: ws.y });
    let sdot = 0, s2 = 0, c2 = 0, crit = 0;
    for (let r = 0; r < B; r++) {
      let rd = 0, rs2 = 0;
      for (let i = r * n; i < (r + 1) * n; i++) {
        rd += dh[i] * c[i], rs2 += dh[i] * dh[i], c2 += c[i] * c[i];
      }
      sdot += rd;
      s2 += rs2;
      if (rs2 > 0) crit += rd / Math.sqrt(rs2);
    }
    const weights = weightAlignment(net, k, products); // right after the rule's signal to layer k
    out.push({
      layer: k + 1,
      angle: angle(dot, a2, b2),
      criterion: crit / B,
      signalAngle: angle(sdot, s2, c2),
      ...(weights ? { weightAngle: weights.angle, normRatio: weights.normRatio } : {}),
    });
  }
  return out;
}
