/**
 * What a network is apart from its numbers: the options to build one, and their validated form
 * (saved with it).
 *
 * @module
 */

import { type Activation, ACTIVATIONS } from "../kernels/activations.ts";
import { FEEDBACK_INITS, type FeedbackInit, type Init, INITS } from "./init.ts";
import type { LayerInit, LayerSpec } from "./layers/layer.ts";
import { LAYER_KINDS, type LayerKind } from "./layers/registry.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { type Loss, LOSSES } from "./loss.ts";
import { FEEDBACK_RULES, type Rule, RULES } from "./rules/registry.ts";

/**
 * How to build a {@linkcode Network}.
 *
 * @example
 * ```ts
 * import { Network, type NetworkOptions } from "../../mod.ts";
 * const options: NetworkOptions = { sizes: [784, 800, 10], rule: "dfa", init: "zeros", feedbackInit: "uniform" };
 * console.log(Network.create(options).depth); // 2
 * ```
 */
export interface NetworkOptions {
  /** Layer widths, input first and output last: `[784, 800, 10]`. */
  sizes: readonly number[];
  /** Hidden activation, one for all or one per hidden layer. Default `"tanh"`. */
  hidden?: Activation | readonly Activation[];
  /** Output layer and loss. Default `"bce"` (sigmoid, binary cross-entropy). */
  loss?: Loss;
  /** Training rule. Default `"dfa"`. */
  rule?: Rule;
  /** Forward weight initialisation. Default `"normal"` (N(0, 1), the original's). */
  init?: Init;
  /** Bias initialisation. Default `"zeros"`. */
  biasInit?: Init;
  /** Layers have biases. Default true. */
  bias?: boolean;
  /** Feedback matrix initialisation (FA, DFA). Default `"normal"`. */
  feedbackInit?: FeedbackInit;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
  /** Seed of the feedback matrices, when they should not follow from `seed`. */
  feedbackSeed?: number;
  /** One kind per weight layer. Default all `"dense"`. */
  layers?: readonly LayerKind[];
  /** Each layer's geometry: required for spatial kinds (conv, pools, dropout), else undefined. */
  specs?: readonly (LayerSpec | undefined)[];
}

/**
 * What a network is, apart from its numbers: saved with it.
 *
 * @example
 * ```ts
 * import { Network, type NetworkConfig } from "../../mod.ts";
 * const config: NetworkConfig = Network.create({ sizes: [3, 2] }).config;
 * console.log(config.rule, config.layers); // "dfa" ["dense"]
 * ```
 */
export interface NetworkConfig {
  /** Layer widths. */
  sizes: number[];
  /** One activation per hidden layer. */
  hidden: Activation[];
  /** Output layer and loss. */
  loss: Loss;
  /** Training rule. */
  rule: Rule;
  /** Whether layers have biases. */
  bias: boolean;
  /** One kind per weight layer. */
  layers: LayerKind[];
  /** Each layer's geometry (present when a layer is spatial). */
  specs?: (LayerSpec | undefined)[];
}

function oneOf<T extends string>(what: string, value: T, allowed: readonly string[]): T {
  if (!allowed.includes(value)) {
    throw new RangeError(
      `Cannot build a network: ${what} must be one of ${allowed.join(", ")}: ${value}`,
    );
  }
  return value;
}

/**
 * Validates options (or a saved configuration) and fills in the defaults.
 *
 * @example
 * ```ts
 * import { networkConfig } from "../../mod.ts";
 * console.log(networkConfig({ sizes: [4, 3, 2] }).hidden); // ["tanh"]
 * ```
 *
 * @param o The options.
 * @returns The configuration.
 * @throws {RangeError} When a size, name or count is invalid, or the rule cannot train the layers.
 */
export function networkConfig(o: NetworkOptions): NetworkConfig {
  const sizes = [...o.sizes];
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(
      `Cannot build a network: sizes must be two or more positive integers: [${sizes}]`,
    );
  }
  const hiddenCount = sizes.length - 2;
  const hidden = typeof o.hidden === "string" || o.hidden === undefined
    ? new Array<Activation>(hiddenCount).fill(o.hidden ?? "tanh")
    : [...o.hidden];
  if (hidden.length !== hiddenCount) {
    throw new RangeError(
      `Cannot build a network: ${hiddenCount} hidden layers need ${hiddenCount} activations: ${hidden.length}`,
    );
  }
  hidden.forEach((h) => oneOf("an activation", h, ACTIVATIONS));
  const kinds = Object.keys(LAYER_KINDS);
  const layers = o.layers ? [...o.layers] : new Array<LayerKind>(sizes.length - 1).fill("dense");
  if (layers.length !== sizes.length - 1 || layers.some((l) => !kinds.includes(l))) {
    throw new RangeError(
      `Cannot build a network: ${sizes.length - 1} layers need as many kinds, ${
        kinds.join(" or ")
      }: [${layers}]`,
    );
  }
  const rule = oneOf("the rule", o.rule ?? "dfa", RULES);
  const refusal = FEEDBACK_RULES[rule].refuse(layers);
  if (refusal) throw new RangeError(refusal);
  const loss = oneOf("the loss", o.loss ?? "bce", LOSSES);
  for (const init of [o.init, o.biasInit]) if (init) oneOf("an initialisation", init, INITS);
  if (o.feedbackInit) oneOf("the feedback initialisation", o.feedbackInit, FEEDBACK_INITS);
  const specs = o.specs ? o.specs.map((s) => (s ? structuredClone(s) : undefined)) : undefined;
  if (specs && specs.length !== layers.length) {
    throw new RangeError(
      `Cannot build a network: ${layers.length} layers need as many specs: ${specs.length}`,
    );
  }
  layers.forEach((kind, k) => {
    const spec = specs?.[k], spatial = LAYER_KINDS[kind].spatial;
    if (spatial && !spec) {
      throw new RangeError(`Cannot build a network: layer ${k + 1} (${kind}) needs a spec`);
    }
    if (!spec) return;
    const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
    if (size(spec.in) !== sizes[k] || size(spec.out) !== sizes[k + 1]) {
      throw new RangeError(
        `Cannot build a network: layer ${k + 1} (${kind}) takes (${spec.in}) to (${spec.out}), ` +
          `not ${sizes[k]} to ${sizes[k + 1]} values`,
      );
    }
  });
  const c: NetworkConfig = { sizes, hidden, loss, rule, bias: o.bias ?? true, layers };
  if (specs?.some(Boolean)) c.specs = specs;
  return c;
}

/**
 * Each layer's weight shape, (rows, cols): (outputs, inputs) unless its kind says otherwise (a
 * convolution's kernels; (0, 0) for a layer without weights).
 *
 * @example
 * ```ts
 * import { networkConfig, weightShapes } from "../../mod.ts";
 * console.log(weightShapes(networkConfig({ sizes: [4, 3, 2] }))); // [[3, 4], [2, 3]]
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
 * import { feedbackShapes, networkConfig } from "../../mod.ts";
 * console.log(feedbackShapes(networkConfig({ sizes: [4, 3, 2], rule: "dfa" }))); // [[2, 3]]
 * ```
 *
 * @param c The network's configuration.
 * @returns The shapes, hidden layer by hidden layer (skipping those without).
 */
export function feedbackShapes(c: NetworkConfig): [number, number][] {
  const rule = FEEDBACK_RULES[c.rule], weights = weightShapes(c);
  return c.sizes.slice(1, -1).flatMap((_, k) => {
    const shape = rule.feedbackShape(c.sizes, k, weights, c.specs);
    return shape ? [shape] : [];
  });
}

/**
 * Checks a network's values against its configuration and returns each layer's values with its
 * position and widths filled in from the configuration.
 *
 * @example
 * ```ts
 * import { checkValues, Matrix, networkConfig } from "../../mod.ts";
 * const config = networkConfig({ sizes: [2, 1], rule: "bp" });
 * const [init] = checkValues(config, [{ index: 0, inputs: 0, outputs: 0, classes: 0, hasBias: true, weight: new Matrix(1, 2), bias: new Float32Array(1), extra: {} }], []);
 * console.log(init.inputs, init.classes); // 2 1
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
