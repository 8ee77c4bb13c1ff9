/**
 * The naive reference of the training engine: the forward pass, the loss and the BP, FA and DFA
 * updates written as plain loops over nested arrays in double precision, straight from the
 * formulas. Slow and obvious; the tests hold the fast path to it.
 *
 * @module
 */

import { activationNaive } from "../kernels/activations.ts";
import type { Network } from "../model/network.ts";
import type { RdLayer } from "../model/layers/rd.ts";
import type { Rule } from "../model/rules/registry.ts";

/**
 * A matrix as rows of numbers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Mat } from "./mod.ts";
 * const identity: Mat = [[1, 0], [0, 1]];
 * assertEquals(identity[1][1], 1);
 * ```
 */
export type Mat = number[][];

function toRows(data: Float32Array, rows: number, cols: number): Mat {
  return Array.from(
    { length: rows },
    (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)),
  );
}

/**
 * The parameters of a network as nested double-precision arrays.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { referenceParams, type ReferenceParams } from "./mod.ts";
 * const p: ReferenceParams = referenceParams(Network.create({ sizes: [2, 2], layers: ["rd"], rule: "bp" }));
 * assertEquals(p.d1[0].length, 2);
 * assertEquals(p.d2[0].length, 2);
 * ```
 */
export interface ReferenceParams {
  /** W_k as rows (an RD layer's fixed R). */
  w: Mat[];
  /** b_k. */
  b: number[][];
  /** An RD layer's D1 diagonal (empty for dense layers). */
  d1: number[][];
  /** An RD layer's D2 diagonal (empty for dense layers). */
  d2: number[][];
}

/**
 * Copies a network's parameters into nested arrays.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { referenceParams } from "./mod.ts";
 * const p = referenceParams(Network.create({ sizes: [2, 3], seed: 1 }));
 * assertEquals(p.w[0].length, 3);
 * assertEquals(p.w[0][0].length, 2);
 * ```
 *
 * @param net The network.
 * @returns Its parameters.
 */
export function referenceParams(net: Network): ReferenceParams {
  return {
    w: net.layers.map((l) => {
      const m = l.weight ?? (l as RdLayer).r;
      return toRows(m.data, m.rows, m.cols);
    }),
    b: net.layers.map((l) => Array.from(l.bias)),
    d1: net.layers.map((l) => l.kind === "rd" ? Array.from((l as RdLayer).d1) : []),
    d2: net.layers.map((l) => l.kind === "rd" ? Array.from((l as RdLayer).d2) : []),
  };
}

/**
 * The forward pass of one sample: every layer's output, input first.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network } from "../../mod.ts";
 * import { referenceForward, referenceParams } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 3, 2], init: "xavier", seed: 1 });
 * const hs = referenceForward(net, referenceParams(net), [1, -1]);
 * const fast = net.predict(Matrix.from([[1, -1]]));
 * assertEquals(Math.abs(hs[2][0] - fast.data[0]) < 1e-5, true);
 * ```
 *
 * @param net The network (for its architecture).
 * @param p Its parameters.
 * @param x One input.
 * @returns The outputs h₀ = x, h₁, …, ŷ.
 */
export function referenceForward(net: Network, p: ReferenceParams, x: number[]): number[][] {
  const hs = [x];
  for (let k = 0; k < net.depth; k++) {
    // Dense: a_i = Σ_j W_ij x_j + b_i; RD: a_i = d2_i Σ_j R_ij d1_j x_j + b_i.
    const rd = net.layers[k].kind === "rd";
    const a = p.w[k].map((row, i) =>
      (rd ? p.d2[k][i] : 1) * row.reduce((s, w, j) => s + w * (rd ? p.d1[k][j] : 1) * hs[k][j], 0) +
      (net.layers[k].hasBias ? p.b[k][i] : 0)
    );
    if (k < net.depth - 1) hs.push(a.map((v) => activationNaive(net.hidden[k], v)));
    else if (net.loss === "bce") hs.push(a.map((v) => 1 / (1 + Math.exp(-v))));
    else if (net.loss === "ce") {
      const m = Math.max(...a), e = a.map((v) => Math.exp(v - m)), s = e.reduce((t, v) => t + v, 0);
      hs.push(e.map((v) => v / s));
    } else hs.push(a);
  }
  return hs;
}

/**
 * The loss of one sample, by its definition.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { referenceLoss } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 2], loss: "mse" });
 * assertEquals(referenceLoss(net, [1, 2], [0, 2]), 0.5);
 * ```
 *
 * @param net The network.
 * @param yHat The output.
 * @param y The target.
 * @returns The loss.
 */
export function referenceLoss(net: Network, yHat: number[], y: number[]): number {
  return yHat.reduce((s, p, i) => {
    if (net.loss === "mse") return s + 0.5 * (p - y[i]) ** 2;
    if (net.loss === "ce") return s - y[i] * Math.log(p);
    return s - (y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
  }, 0);
}

function derivative(kind: Network["hidden"][number], h: number): number {
  switch (kind) {
    case "tanh":
      return 1 - h * h;
    case "sigmoid":
      return h * (1 - h);
    case "relu":
      return h > 0 ? 1 : 0;
    case "linear":
      return 1;
  }
}

/**
 * The summed gradients (BP) or update directions (FA, DFA) of a batch, by the formulas:
 * BP δ_k = (W_{k+1}ᵀ δ_{k+1}) ⊙ f′, FA δ_k = (F_{k+1}ᵀ δ_{k+1}) ⊙ f′, DFA δ_k = (B_kᵀ e) ⊙ f′
 * (column-vector form), with ∂W_k = Σ δ_k h_{k−1}ᵀ and ∂b_k = Σ δ_k.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { referenceUpdates } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 3, 2], rule: "dfa", seed: 1 });
 * const u = referenceUpdates(net, [[1, 0]], [[0, 1]]);
 * assertEquals(u.w[0].length, 3);
 * assertEquals(u.w[1].length, 2);
 * ```
 *
 * @param net The network.
 * @param x Inputs, one array per sample.
 * @param y Targets, one array per sample.
 * @param rule The rule; default the network's.
 * @returns ∂W_k, ∂b_k, and an RD layer's ∂d1, ∂d2, per layer.
 */
export function referenceUpdates(
  net: Network,
  x: number[][],
  y: number[][],
  rule: Rule = net.rule,
): { w: Mat[]; b: number[][]; d1: number[][]; d2: number[][] } {
  const p = referenceParams(net), L = net.depth;
  const fb = net.feedback.map((m) => toRows(m.data, m.rows, m.cols));
  const fbRd = net.layers.map((l) => {
    const f = (l as RdLayer).feedback;
    return f ? toRows(f.data, f.rows, f.cols) : [];
  });
  const gd1 = p.d1.map((v) => v.map(() => 0)), gd2 = p.d2.map((v) => v.map(() => 0));
  const gw = p.w.map((m) => m.map((r) => r.map(() => 0)));
  const gb = p.b.map((v) => v.map(() => 0));
  x.forEach((xs, s) => {
    const hs = referenceForward(net, p, xs);
    const e = hs[L].map((v, i) => v - y[s][i]);
    const deltas: number[][] = new Array(L);
    deltas[L - 1] = e;
    for (let k = L - 2; k >= 0; k--) {
      const n = net.sizes[k + 1];
      const signal = Array.from({ length: n }, (_, j) => {
        if (rule === "dfa") return e.reduce((t, ev, c) => t + fb[k][c][j] * ev, 0);
        if (net.layers[k + 1].kind === "rd") {
          // through D2, Rᵀ and D1
          return p.d1[k + 1][j] *
            deltas[k + 1].reduce((t, dv, i) => t + p.w[k + 1][i][j] * p.d2[k + 1][i] * dv, 0);
        }
        const m = rule === "bp" ? p.w[k + 1] : fb[k];
        return deltas[k + 1].reduce((t, dv, i) => t + m[i][j] * dv, 0);
      });
      deltas[k] = signal.map((v, j) => v * derivative(net.hidden[k], hs[k + 1][j]));
    }
    for (let k = 0; k < L; k++) {
      deltas[k].forEach((d, i) => gb[k][i] += d);
      if (net.layers[k].kind === "rd") {
        // ∂d2_i = δ_i v_i with v = R·D1·x; the signal to D1 is Rᵀ(d2 ⊙ δ) (BP) or B_RDᵀ e (DFA).
        const x = hs[k];
        p.w[k].forEach((row, i) => {
          const v = row.reduce((t, r, j) => t + r * p.d1[k][j] * x[j], 0);
          gd2[k][i] += deltas[k][i] * v;
        });
        x.forEach((xj, j) => {
          const g = rule === "dfa"
            ? e.reduce((t, ev, c) => t + fbRd[k][c][j] * ev, 0)
            : p.w[k].reduce((t, row, i) => t + row[j] * p.d2[k][i] * deltas[k][i], 0);
          gd1[k][j] += g * xj;
        });
      } else {
        deltas[k].forEach((d, i) => hs[k].forEach((h, j) => gw[k][i][j] += d * h));
      }
    }
  });
  return { w: gw, b: gb, d1: gd1, d2: gd2 };
}
