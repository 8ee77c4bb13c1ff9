/**
 * The shapes a network's configuration gives its values: each layer's weights, the rule's fixed
 * matrices, and the check of given values against them.
 *
 * @module
 */

import type { LayerInit } from "./layers/layer.ts";
import { LAYER_KINDS } from "./layers/registry.ts";
import type { Matrix } from "../tensor/matrix.ts";
import type { NetworkConfig } from "./network_config.ts";
import { FEEDBACK_RULES } from "./rules/registry.ts";

/**
 * Each layer's weight shape, (rows, cols): (outputs, inputs) unless its kind says otherwise (a
 * convolution's kernels; (0, 0) for a layer without weights).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { networkConfig, weightShapes } from "./mod.ts";
 * assertEquals(weightShapes(networkConfig({ sizes: [4, 3, 2] })), [[3, 4], [2, 3]]);
 * ```
 *
 * @param c The network's configuration.
 * @returns One shape per layer.
 */
export function weightShapes(c: NetworkConfig): [number, number][] {
  return c.layers.map((kind, k) => {
    const init = { inputs: c.sizes[k], outputs: c.sizes[k + 1], spec: c.specs?.[k] };
    return LAYER_KINDS[kind].weightShape?.(init) ?? [init.outputs, init.inputs];
  });
}

/**
 * The shapes of the rule's fixed matrices, one per hidden layer that gets one.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { feedbackShapes, networkConfig } from "./mod.ts";
 * assertEquals(feedbackShapes(networkConfig({ sizes: [4, 3, 2], rule: "dfa" })), [[2, 3]]);
 * ```
 *
 * @param c The network's configuration.
 * @returns The shapes, hidden layer by hidden layer (skipping those without).
 */
export function feedbackShapes(c: NetworkConfig): [number, number][] {
  const weights = weightShapes(c);
  return c.sizes.slice(1, -1).flatMap((_, k) => {
    const shape = feedbackShape(c, k, weights);
    return shape ? [shape] : [];
  });
}

/**
 * The shape of the rule's fixed matrix for hidden layer `k` (0-based), or undefined for none: the
 * rule's, except that a layer whose signal passes down through a layer without weights (feedback
 * at blocks) gets an empty one, (classes, 0).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseArchitecture } from "../../mod.ts";
 * import { feedbackShape, networkConfig, weightShapes } from "./mod.ts";
 * const c = networkConfig({ ...parseArchitecture("fc:8,dropout:0.5", [4, 1, 1], 2), feedbackAt: "block" });
 * assertEquals(feedbackShape(c, 0, weightShapes(c)), [ 2, 0 ]);
 * assertEquals(feedbackShape(c, 1, weightShapes(c)), [ 2, 8 ]);
 * ```
 *
 * @param c The network's configuration.
 * @param k The hidden layer.
 * @param weights Each layer's weight shape ({@linkcode weightShapes}).
 * @returns The shape, or undefined.
 */
export function feedbackShape(
  c: NetworkConfig,
  k: number,
  weights: readonly [number, number][],
): [number, number] | undefined {
  const shape = FEEDBACK_RULES[c.rule].feedbackShape(c.sizes, k, weights, c.specs);
  // The layer above has no weights, (0, 0), exactly when it has no parameters (pooling, dropout):
  // where passesDown sends the layer's signal through that layer's own backward.
  const [rows, cols] = weights[k + 1];
  const passes = c.feedbackAt === "block" && FEEDBACK_RULES[c.rule].direct && rows * cols === 0;
  return shape && passes ? [shape[0], 0] : shape;
}

/**
 * Checks a network's values against its configuration and returns each layer's values with its
 * position and widths filled in from the configuration.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix } from "../../mod.ts";
 * import { checkValues, networkConfig } from "./mod.ts";
 * const config = networkConfig({ sizes: [2, 1], rule: "bp" });
 * const [init] = checkValues(config, [{ index: 0, inputs: 0, outputs: 0, classes: 0, hasBias: true, weight: new Matrix(1, 2), bias: new Float32Array(1), extra: {} }], []);
 * assertEquals(init.inputs, 2);
 * assertEquals(init.classes, 1);
 * ```
 *
 * @param c The configuration.
 * @param layers Each layer's values.
 * @param feedback The rule's matrices, one per hidden layer that needs one.
 * @returns The layers' values, normalised.
 * @throws {RangeError} When a shape disagrees with the configuration.
 */
export function checkValues(
  c: NetworkConfig,
  layers: readonly LayerInit[],
  feedback: readonly Matrix[],
): LayerInit[] {
  const { sizes } = c, L = sizes.length - 1, rule = FEEDBACK_RULES[c.rule];
  if (layers.length !== L) {
    throw new RangeError(
      `Cannot build a network: ${L} layers need ${L} sets of values: ${layers.length}`,
    );
  }
  const inits = layers.map((init, k) => ({
    ...init,
    index: k,
    inputs: sizes[k],
    outputs: sizes[k + 1],
    classes: sizes[L],
    hasBias: c.bias,
    spec: c.specs?.[k],
  }));
  const shapes = weightShapes(c);
  inits.forEach((init, k) => {
    const w = init.weight, kind = LAYER_KINDS[c.layers[k]], [rows, cols] = shapes[k];
    const biasLength = kind.biasLength?.(init) ?? sizes[k + 1];
    const problem = w.rows !== rows || w.cols !== cols
      ? `W${k + 1} must be ${rows}×${cols}: ${w.rows}×${w.cols}`
      : init.bias.length !== biasLength
      ? `b${k + 1} must have ${biasLength} values: ${init.bias.length}`
      : kind.check(init, rule.direct && kind.directFeedback);
    if (problem) throw new RangeError(`Cannot build a network: ${problem}`);
  });
  const expected = feedbackShapes(c);
  if (
    feedback.length !== expected.length ||
    feedback.some((f, k) => f.rows !== expected[k][0] || f.cols !== expected[k][1])
  ) {
    throw new RangeError(
      `Cannot build a ${c.rule} network: feedback matrices must be ${
        expected.map(([r, q]) => `${r}×${q}`).join(", ") || "none"
      }: ${feedback.map((f) => `${f.rows}×${f.cols}`).join(", ") || "none"}`,
    );
  }
  return inits;
}
