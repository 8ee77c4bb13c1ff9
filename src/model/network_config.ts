/**
 * What a network is apart from its numbers: the options to build one, and their validated form
 * (saved with it).
 *
 * @module
 */

import { type Activation, ACTIVATIONS } from "../kernels/activations.ts";
import { FEEDBACK_INITS, type FeedbackInit, type Init, INITS } from "./init.ts";
import type { LayerSpec } from "./layers/layer.ts";
import { LAYER_KINDS, type LayerKind } from "./layers/registry.ts";
import { type Loss, LOSSES } from "./loss.ts";
import { FEEDBACK_RULES, type Rule, RULES } from "./rules/registry.ts";

/**
 * How to build a {@linkcode Network}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network, type NetworkOptions } from "../../mod.ts";
 * const options: NetworkOptions = { sizes: [784, 800, 10], rule: "dfa", init: "zeros", feedbackInit: "uniform" };
 * assertEquals(Network.create(options).depth, 2);
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
  /**
   * The first weight layer's initialisation, where it differs from `init`: dfa-torch's FA builds
   * its first layer as Torch's `nn.Linear`, which the zeroing of its own layers passes over.
   */
  firstInit?: Init;
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
  /** Where a direct rule's feedback enters (see {@linkcode FeedbackPoint}). Default `"layer"`. */
  feedbackAt?: FeedbackPoint;
  /**
   * The most bytes the network's parameters, and then each of its workspaces, may take: a larger
   * description is refused before anything is allocated. Default `DEFAULT_MAX_BYTES` (1 GB).
   */
  maxBytes?: number;
}

/**
 * Where a direct rule (DFA, cDFA, DRTP) delivers its signal. `"layer"`: to the output of every
 * hidden layer, a convolution's before its pooling (as biotorch and Frenkel's DRTP code do).
 * `"block"`: to the output of each block, after the pooling and dropout that follow a layer with
 * weights (as Nøkland's dfa-torch places its ErrorFeedback modules); a layer without weights passes
 * the signal down by its own backward, so a convolution under a max pooling learns at the
 * positions that won. The two are the same for dense nets without dropout.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FEEDBACK_POINTS, type FeedbackPoint } from "./mod.ts";
 * const at: FeedbackPoint = "block";
 * assertEquals(FEEDBACK_POINTS.includes(at), true);
 * ```
 */
export type FeedbackPoint = "layer" | "block";

/**
 * The feedback points, for validating user input.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FEEDBACK_POINTS } from "./mod.ts";
 * assertEquals(FEEDBACK_POINTS, ["layer", "block"]);
 * ```
 */
export const FEEDBACK_POINTS: readonly FeedbackPoint[] = ["layer", "block"];

/**
 * What a network is, apart from its numbers: saved with it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import type { NetworkConfig } from "./mod.ts";
 * const config: NetworkConfig = Network.create({ sizes: [3, 2] }).config;
 * assertEquals(config.rule, "dfa");
 * assertEquals(config.layers, ["dense"]);
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
  /** Present when a direct rule's feedback enters at blocks; absent for the default, layers. */
  feedbackAt?: "block";
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
 * import { assertEquals } from "@std/assert";
 * import { networkConfig } from "./mod.ts";
 * assertEquals(networkConfig({ sizes: [4, 3, 2] }).hidden, ["tanh"]);
 * ```
 *
 * @param o The options.
 * @returns The configuration.
 * @throws {RangeError} When a size, name, count or seed is invalid, or the rule cannot train the
 *   layers.
 * @throws {TypeError} When `bias` is not a boolean.
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
  for (const init of [o.init, o.firstInit, o.biasInit]) {
    if (init) oneOf("an initialisation", init, INITS);
  }
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
  for (const key of ["seed", "feedbackSeed"] as const) {
    const v = o[key];
    if (v !== undefined && !Number.isSafeInteger(v)) {
      throw new RangeError(`Cannot build a network: ${key} must be a safe integer: ${v}`);
    }
  }
  if (o.bias !== undefined && typeof o.bias !== "boolean") {
    throw new TypeError(`Cannot build a network: bias must be true or false: ${o.bias}`);
  }
  const c: NetworkConfig = { sizes, hidden, loss, rule, bias: o.bias ?? true, layers };
  if (specs?.some(Boolean)) c.specs = specs;
  if (oneOf("the feedback point", o.feedbackAt ?? "layer", FEEDBACK_POINTS) === "block") {
    c.feedbackAt = "block";
  }
  return c;
}
