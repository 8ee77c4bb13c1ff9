/**
 * Sending a rule's signal to a hidden layer with everything a rule may need: the fixed matrices,
 * the batch's targets (DRTP), room for backward weights computed per batch and a generator to
 * redraw them with (the sign-concordant rules). Training and the alignment diagnostics both call
 * it, so they see the same signal.
 *
 * @module
 */

import type { Layer } from "./layers/layer.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { Rng } from "../tensor/random.ts";
import { FEEDBACK_RULES, type Rule } from "./rules/registry.ts";

/**
 * What a network keeps for its rule between batches.
 *
 * @example
 * ```ts
 * import { Network } from "../../mod.ts";
 * console.log(Network.create({ sizes: [4, 3, 2], rule: "usf" }).ruleState.scratch.length); // 6
 * ```
 */
export interface RuleState {
  /** Room for one layer's backward weights (empty for rules that need none). */
  scratch: Float32Array;
  /** The generator of what the rule redraws every batch. */
  rng: Rng;
}

/**
 * The rule state of a network of `layers` trained by `rule`.
 *
 * @example
 * ```ts
 * import { Network } from "../../mod.ts";
 * import { ruleState } from "./signals.ts";
 * console.log(ruleState(Network.create({ sizes: [4, 3, 2] }).layers, "dfa").scratch.length); // 0
 * ```
 *
 * @param layers The layers.
 * @param rule The rule.
 * @returns Its state.
 */
export function ruleState(layers: readonly Layer[], rule: Rule): RuleState {
  const size = FEEDBACK_RULES[rule].scratch
    ? Math.max(0, ...layers.map((l) => l.weight?.size ?? 0))
    : 0;
  return { scratch: new Float32Array(size), rng: new Rng(0x5eed) };
}

/**
 * Writes `rule`'s signal to hidden layer `k` into `out`, (B, n_{k+1}).
 *
 * @example
 * ```ts
 * import { Network } from "../../mod.ts";
 * import { sendSignal } from "./signals.ts";
 * const net = Network.create({ sizes: [2, 3, 2], rule: "fa", seed: 1 }), ws = net.workspace(1);
 * net.forward(ws, 1);
 * sendSignal(net, "fa", { deltas: ws.delta, k: 0, B: 1, out: ws.delta[0], target: ws.y });
 * console.log(ws.delta[0].length >= 3); // true
 * ```
 *
 * @param net The network (its layers, feedback matrices and rule state).
 * @param rule The rule.
 * @param args The δs, the layer, the batch size, the output and the targets.
 */
export function sendSignal(
  net: { layers: readonly Layer[]; feedback: readonly Matrix[]; ruleState: RuleState },
  rule: Rule,
  args: {
    deltas: readonly Float32Array[];
    k: number;
    B: number;
    out: Float32Array;
    target?: Float32Array;
  },
): void {
  const { layers, feedback, ruleState: { scratch, rng } } = net;
  FEEDBACK_RULES[rule].signal({ layers, feedback, scratch, rng, ...args });
}
