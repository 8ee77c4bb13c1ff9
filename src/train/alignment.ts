/**
 * How well a feedback rule's updates align with backpropagation's, layer by layer: the quantities
 * the linear-net notebook tracks, computed per sample rather than across sample pairs.
 *
 * @module
 */

import type { Network } from "../model/network.ts";
import type { Workspace } from "./workspace.ts";
import { lossAndError } from "../model/loss.ts";
import { getBlas } from "../native/blas.ts";

/**
 * Alignment of one hidden layer's update with the backprop gradient.
 *
 * @example
 * ```ts
 * import { alignment, type LayerAlignment, Network } from "../../mod.ts";
 * const net = Network.create({ sizes: [2, 4, 2], rule: "dfa", seed: 1 });
 * const ws = net.workspace(2);
 * ws.x.set([1, 0, 0, 1]);
 * ws.y.set([1, 0, 0, 1]);
 * const [a]: LayerAlignment[] = alignment(net, ws, 2);
 * console.log(a.layer, a.angle >= 0 && a.angle <= 180); // 1 true
 * ```
 */
export interface LayerAlignment {
  /** The hidden layer, 1-based. */
  layer: number;
  /** Angle in degrees between the rule's weight update ∂W and the backprop gradient. */
  angle: number;
  /**
   * Nøkland's alignment criterion L_k = mean over samples of δh·c / ‖δh‖, where δh is the signal
   * the rule sends to the layer's output and c the backprop gradient there; positive means the
   * rule's signal points within 90° of the gradient.
   */
  criterion: number;
  /** Angle in degrees between δh and c over the batch. */
  signalAngle: number;
}

function angle(dot: number, a2: number, b2: number): number {
  if (a2 === 0 || b2 === 0) return NaN;
  const c = Math.max(-1, Math.min(1, dot / Math.sqrt(a2 * b2)));
  return Math.acos(c) * 180 / Math.PI;
}

/**
 * Alignment of each hidden layer on the batch in `ws` (`ws.x`, `ws.y`; B samples). Runs a forward
 * pass, the network's rule and backprop on the same output error, and compares. The network is
 * not changed; `ws.delta` and `net.grads` are overwritten. A diagnostic: it allocates.
 *
 * @example
 * ```ts
 * import { alignment, Network, Workspace } from "../../mod.ts";
 * const net = Network.create({ sizes: [3, 5, 2], rule: "dfa", seed: 3 });
 * const ws = new Workspace(net.sizes, 4);
 * ws.x.set([1, 2, 3, 0, 1, 0, 2, 2, 1, 1, 1, 1]);
 * ws.y.set([1, 0, 0, 1, 1, 0, 0, 1]);
 * console.log(alignment(net, ws, 4).length); // 1
 * ```
 *
 * @param net The network.
 * @param ws Buffers holding the batch.
 * @param B Samples in the batch.
 * @returns One entry per hidden dense layer whose next layer is dense too.
 */
export function alignment(net: Network, ws: Workspace, B: number): LayerAlignment[] {
  const L = net.depth, C = net.sizes[L];
  const yHat = net.forwardBatch(ws, B);
  lossAndError(net.loss, yHat, ws.y, ws.delta[L - 1], B * C);
  // Pre-derivative signals: what the rule and backprop send to each hidden output.
  net.backwardBatch(ws, B, "bp");
  const bpDelta = ws.delta.map((d) => d.slice(0, B * d.length / ws.maxBatch));
  net.gradients(ws, B, ws.x, "bp");
  const bpGrad = net.grads.w.map((g) => g.slice());
  net.backwardBatch(ws, B, net.rule);
  net.gradients(ws, B);
  const ruleDelta = ws.delta;
  const blas = getBlas();
  const out: LayerAlignment[] = [];
  for (let k = 0; k < L - 1; k++) {
    if (net.layers[k] !== "dense" || net.layers[k + 1] !== "dense") continue; // dense layers only
    const n = net.sizes[k + 1], next = net.sizes[k + 2];
    const g = net.grads.w[k], gb = bpGrad[k];
    let dot = 0, a2 = 0, b2 = 0;
    for (let i = 0; i < g.length; i++) dot += g[i] * gb[i], a2 += g[i] * g[i], b2 += gb[i] * gb[i];
    // c: (B, n) = δ^bp_{k+1} · W_{k+1}, the backprop gradient at the layer's output.
    const c = new Float32Array(B * n), dh = new Float32Array(B * n);
    blas.sgemm(
      false,
      false,
      B,
      n,
      next,
      1,
      bpDelta[k + 1],
      next,
      net.weights[k + 1].data,
      n,
      0,
      c,
      n,
    );
    // δh: (B, n), what the rule sends there: e · B_k (DFA), δ_{k+1} · F_{k+1} (FA), c (BP).
    if (net.rule === "dfa") {
      blas.sgemm(false, false, B, n, C, 1, ruleDelta[L - 1], C, net.feedback[k].data, n, 0, dh, n);
    } else if (net.rule === "fa") {
      blas.sgemm(
        false,
        false,
        B,
        n,
        next,
        1,
        ruleDelta[k + 1],
        next,
        net.feedback[k].data,
        n,
        0,
        dh,
        n,
      );
    } else dh.set(c);
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
    out.push({
      layer: k + 1,
      angle: angle(dot, a2, b2),
      criterion: crit / B,
      signalAngle: angle(sdot, s2, c2),
    });
  }
  return out;
}
