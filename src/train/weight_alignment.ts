/**
 * How the backward weights of a rule compare with the forward weights they stand in for, per
 * hidden layer (biotorch's and TinyDFA's diagnostics): the angle between the two matrices and the
 * ratio of their norms ‖W‖/‖B‖. For feedback alignment and the sign-concordant rules, B is what
 * carries the signal down through layer k+1 (F, or sign(W)-based weights computed that batch) and
 * W is layer k+1's. For the direct rules, B_k (classes, n) stands in for the product of every
 * forward matrix above the layer (compared where every layer above is a plain matrix: dense).
 *
 * @module
 */

import type { Network } from "../model/network.ts";
import { FEEDBACK_RULES } from "../model/rules/registry.ts";

/**
 * The angle (degrees) between two equally shaped matrices and the ratio of their norms.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrixAlignment } from "./weight_alignment.ts";
 * assertEquals(matrixAlignment(new Float32Array([1, 0]), new Float32Array([2, 0])), { angle: 0, normRatio: 0.5 });
 * ```
 *
 * @param w The forward weights.
 * @param b The backward weights.
 * @returns The angle and ‖w‖/‖b‖ (NaN where a norm is zero).
 */
export function matrixAlignment(
  w: ArrayLike<number>,
  b: ArrayLike<number>,
): { angle: number; normRatio: number } {
  let dot = 0, w2 = 0, b2 = 0;
  for (let i = 0; i < w.length; i++) dot += w[i] * b[i], w2 += w[i] * w[i], b2 += b[i] * b[i];
  if (w2 === 0 || b2 === 0) return { angle: NaN, normRatio: b2 === 0 ? NaN : 0 };
  const c = Math.max(-1, Math.min(1, dot / Math.sqrt(w2 * b2)));
  return { angle: Math.acos(c) * 180 / Math.PI, normRatio: Math.sqrt(w2 / b2) };
}

/**
 * Hidden layer k's forward/backward weight alignment, right after the rule's signal to it was
 * sent (so that weights a rule computes per batch are the ones it used); undefined where the rule
 * has no backward matrix for the layer (backprop) or there is nothing to compare it with.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { weightAlignment } from "./weight_alignment.ts";
 * const net = Network.create({ sizes: [3, 4, 2], rule: "fa", seed: 1 });
 * net.feedback[0].data.set(net.layers[1].weight!.data);
 * assertEquals(weightAlignment(net, 0), { angle: 0, normRatio: 1 });
 * ```
 *
 * @param net The network.
 * @param k The hidden layer, 0-based.
 * @param products For a direct rule, {@linkcode forwardProducts}' of the network, when made
 *   already (measuring every layer then takes time linear in depth); default: made for layer k.
 * @returns The angle and norm ratio, or undefined.
 */
export function weightAlignment(
  net: Network,
  k: number,
  products?: readonly (Float64Array | undefined)[],
): { angle: number; normRatio: number } | undefined {
  const rule = FEEDBACK_RULES[net.rule];
  if (rule.direct) {
    const prod = products ? products[k] : forwardProducts(net, k)[k];
    const B = net.feedback[k];
    return prod && B && B.size === prod.length ? matrixAlignment(prod, B.data) : undefined;
  }
  const above = net.layers[k + 1].weight;
  if (!above || above.size === 0) return undefined;
  const backward = rule.scratch
    ? net.ruleState.scratch.subarray(0, above.size)
    : net.feedback[k]?.data;
  return backward && backward.length === above.size
    ? matrixAlignment(above.data, backward)
    : undefined;
}

/**
 * For each hidden layer k from the top down to `lowest`, the product P_k = W_{L−1} ⋯ W_{k+1} of
 * the forward matrices above it, (classes, n_{k+1}): what DFA's B_k is compared with. Each is the
 * one above times one matrix, in the same order of sums as multiplying them out for each layer on
 * its own; undefined where a layer above has no matrix or a convolution leaves no single matrix.
 *
 * @example
 * ```ts
 * import { Network } from "../../mod.ts";
 * import { forwardProducts } from "./weight_alignment.ts";
 * import { assertEquals } from "@std/assert";
 * const net = Network.create({ sizes: [3, 4, 5, 2], seed: 1 });
 * assertEquals(forwardProducts(net).map((p) => p?.length), [8, 10]);
 * ```
 *
 * @param net The network.
 * @param lowest The lowest hidden layer wanted, 0-based (default 0: every one).
 * @returns One product (or undefined) per hidden layer, below `lowest` undefined.
 */
export function forwardProducts(net: Network, lowest = 0): (Float64Array | undefined)[] {
  const L = net.depth;
  const out: (Float64Array | undefined)[] = Array.from({ length: Math.max(0, L - 1) });
  const last = net.layers[L - 1]?.weight;
  if (!last || last.size === 0) return out;
  const rows = last.rows;
  let prod: Float64Array | undefined = Float64Array.from(last.data), cols = last.cols;
  for (let k = L - 2; k >= lowest && prod; k--) {
    out[k] = prod;
    const w = net.layers[k].weight;
    if (k === lowest || !w || w.size === 0 || cols !== w.rows) break; // none lower
    const next = new Float64Array(rows * w.cols);
    for (let r = 0; r < rows; r++) {
      for (let p = 0; p < cols; p++) {
        const v = prod[r * cols + p];
        for (let j = 0; j < w.cols; j++) next[r * w.cols + j] += v * w.data[p * w.cols + j];
      }
    }
    prod = next, cols = w.cols;
  }
  return out;
}
