/**
 * Sending a rule's signal to a hidden layer with everything a rule may need: the fixed matrices,
 * the batch's targets (DRTP), room for backward weights computed per batch and a generator to
 * redraw them with (the sign-concordant rules); or, under feedback at blocks, the layer above's
 * own backward where it has no parameters. Training and the alignment diagnostics both call it, so
 * they see the same signal.
 *
 * @module
 */

import type { Layer } from "./layers/layer.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { Rng } from "../tensor/random.ts";
import { FEEDBACK_RULES, type Rule } from "./rules/registry.ts";
import type { FeedbackPoint } from "./network_config.ts";

/**
 * What a network keeps for its rule between batches.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * assertEquals(Network.create({ sizes: [4, 3, 2], rule: "usf" }).ruleState.scratch.length, 12); // W2 is 3×4
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
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { ruleState } from "./signals.ts";
 * assertEquals(ruleState(Network.create({ sizes: [4, 3, 2] }).layers, "dfa").scratch.length, 0);
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
  return { scratch: new Float32Array(size), rng: ruleGenerator(0) };
}

/**
 * The generator of what a rule redraws every batch, for a network drawn from `seed`: a stream of
 * its own, apart from the initialisation's and the dropout masks'.
 *
 * @example
 * ```ts
 * import { assertNotEquals } from "@std/assert";
 * import { ruleGenerator } from "./signals.ts";
 * assertNotEquals(ruleGenerator(1).uniform(), ruleGenerator(2).uniform());
 * ```
 *
 * @param seed The network's seed.
 * @returns The generator.
 */
export function ruleGenerator(seed: number): Rng {
  return new Rng(seed * 1009 + 0x5eed);
}

/**
 * What a signal is sent through: a network's layers, fixed matrices, rule state and placement.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import type { SignalSource } from "./mod.ts";
 * const source: SignalSource = Network.create({ sizes: [4, 3, 2], feedbackAt: "block" });
 * assertEquals(source.config.feedbackAt, "block");
 * assertEquals(source.feedback.length, 1);
 * ```
 */
export interface SignalSource {
  /** The layers. */
  layers: readonly Layer[];
  /** The rule's fixed matrices. */
  feedback: readonly Matrix[];
  /** What the rule keeps between batches. */
  ruleState: RuleState;
  /** Where a direct rule's feedback enters (the network's configuration). */
  config: { feedbackAt?: FeedbackPoint };
}

/**
 * Whether `rule`'s signal to hidden layer `k` passes down through the layer above by that layer's
 * own backward: under a direct rule with feedback at blocks, when the layer above has no
 * parameters (pooling, dropout).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network, parseArchitecture } from "../../mod.ts";
 * import { passesDown } from "./signals.ts";
 * const net = Network.create({ ...parseArchitecture("fc:8,dropout:0.5", [4, 1, 1], 2), feedbackAt: "block" });
 * assertEquals(passesDown(net, "dfa", 0), true);
 * assertEquals(passesDown(net, "dfa", 1), false);
 * assertEquals(passesDown(net, "bp", 0), false);
 * ```
 *
 * @param net The network.
 * @param rule The rule whose signal it is.
 * @param k The hidden layer.
 * @returns Whether the signal comes from the layer above's backward rather than the rule.
 */
export function passesDown(net: SignalSource, rule: Rule, k: number): boolean {
  return net.config.feedbackAt === "block" && FEEDBACK_RULES[rule].direct &&
    net.layers[k + 1].params.length === 0;
}

/**
 * Writes `rule`'s signal to hidden layer `k` into `out`, (B, n_{k+1}): the rule's, or under
 * feedback at blocks, the layer above's backward of its δ where that layer has no parameters.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { sendSignal } from "./signals.ts";
 * const net = Network.create({ sizes: [2, 3, 2], rule: "fa", seed: 1 }), ws = net.workspace(1);
 * net.forward(ws, 1);
 * sendSignal(net, "fa", { deltas: ws.delta, k: 0, B: 1, out: ws.delta[0], target: ws.y });
 * assertEquals(ws.delta[0].length >= 3, true);
 * ```
 *
 * @param net The network (its layers, feedback matrices and rule state).
 * @param rule The rule.
 * @param args The δs, the layer, the batch size, the output and the targets.
 */
export function sendSignal(
  net: SignalSource,
  rule: Rule,
  args: {
    deltas: readonly Float32Array[];
    k: number;
    B: number;
    out: Float32Array;
    target?: Float32Array;
  },
): void {
  const { layers, feedback, ruleState: { scratch, rng } } = net, { k, deltas, B, out } = args;
  if (passesDown(net, rule, k)) return layers[k + 1].backward(deltas[k + 1], B, out);
  FEEDBACK_RULES[rule].signal({ layers, feedback, scratch, rng, ...args });
}
