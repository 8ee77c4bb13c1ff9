/**
 * What a feedback rule is: how the output error reaches each hidden layer. A new rule is a file
 * with a {@linkcode FeedbackRule} and one line in `registry.ts`; training and the alignment
 * diagnostics both go through {@linkcode FeedbackRule.signal}.
 *
 * @module
 */

import type { Layer, LayerSpec } from "../layers/layer.ts";
import type { Matrix } from "../../tensor/matrix.ts";
import type { Rng } from "../../tensor/random.ts";

/**
 * What a rule sees when it sends the signal to hidden layer `k` (0-based).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { SignalArgs } from "../mod.ts";
 * const keys: (keyof SignalArgs)[] = ["layers", "feedback", "deltas", "k", "B", "out"];
 * assertEquals(keys.length, 6);
 * ```
 */
export interface SignalArgs {
  /** The network's layers. */
  layers: readonly Layer[];
  /** The rule's fixed matrices, one per hidden layer (none for BP). */
  feedback: readonly Matrix[];
  /** Each layer's δ, (B, n_{k+1}); the last is the output error e. Those above `k` are final. */
  deltas: readonly Float32Array[];
  /** The hidden layer receiving the signal. */
  k: number;
  /** Samples in the batch. */
  B: number;
  /** Receives the signal at layer k's output, (B, n_{k+1}), before the activation's derivative. */
  out: Float32Array;
  /** The batch's targets, (B, classes) (DRTP sends them instead of the error). */
  target?: Float32Array;
  /** Room for backward weights computed per batch (the sign-concordant rules): ≥ any layer's W. */
  scratch?: Float32Array;
  /** The network's generator for what a rule redraws every batch (brSF). */
  rng?: Rng;
}

/**
 * A training rule: the signal δh_k it sends to each hidden layer's output; δ_k = δh_k ⊙ f′(a_k).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FEEDBACK_RULES } from "../../../mod.ts";
 * import type { FeedbackRule } from "../mod.ts";
 * const dfa: FeedbackRule = FEEDBACK_RULES.dfa;
 * assertEquals(dfa.direct, true);
 * assertEquals(dfa.feedbackShape([784, 800, 10], 0), [ 10, 800 ]);
 * ```
 */
export interface FeedbackRule {
  /**
   * Whether hidden layers get their signal straight from the output side through fixed matrices,
   * not down through the layers above: DFA and cDFA send the output error e, DRTP the targets y.
   */
  readonly direct: boolean;
  /** Whether the rule computes backward weights every batch (then {@linkcode SignalArgs.scratch}). */
  readonly scratch?: boolean;
  /**
   * The shape of the fixed matrix the rule needs for hidden layer `k`, or undefined for none.
   *
   * @param sizes The network's widths, input first.
   * @param k The hidden layer, 0-based.
   * @param weights Each layer's weight shape (default: (outputs, inputs)).
   * @param specs Each layer's spec (spatial layers: their (C, H, W) outputs).
   */
  feedbackShape(
    sizes: readonly number[],
    k: number,
    weights?: readonly [number, number][],
    specs?: readonly (LayerSpec | undefined)[],
  ): [number, number] | undefined;
  /**
   * Why the rule cannot train a network of these layer kinds, or undefined when it can.
   *
   * @param kinds Each layer's kind.
   */
  refuse(kinds: readonly string[]): string | undefined;
  /** Writes the signal to hidden layer `args.k` into `args.out`. */
  signal(args: SignalArgs): void;
}
