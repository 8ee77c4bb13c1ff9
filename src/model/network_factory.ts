/**
 * Drawing a new network's values from a seed, in a fixed order that keeps results reproducible
 * across versions: every layer's forward matrix, then every bias, then each layer kind's own
 * values (an RD layer's diagonals and R), then the rule's feedback matrices, then the layers'
 * direct feedback (an RD layer's B_R under DFA). Feedback draws from `feedbackSeed` when given.
 *
 * @module
 */

import { initialize, initializeFeedback } from "./init.ts";
import type { LayerInit } from "./layers/layer.ts";
import { LAYER_KINDS } from "./layers/registry.ts";
import { Matrix } from "../tensor/matrix.ts";
import { Network } from "./network.ts";
import { networkConfig, type NetworkOptions } from "./network_config.ts";
import { feedbackShape, weightShapes } from "./shapes.ts";
import { Rng } from "../tensor/random.ts";
import { checkMemory, DEFAULT_MAX_BYTES, parameterBytes } from "./memory.ts";
import { FEEDBACK_RULES } from "./rules/registry.ts";
import { ruleGenerator } from "./signals.ts";

/**
 * A new network, initialised from a seed (what {@linkcode Network.create} does).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createNetwork } from "./mod.ts";
 * const a = createNetwork({ sizes: [3, 4, 2], seed: 5 }), b = createNetwork({ sizes: [3, 4, 2], seed: 5 });
 * assertEquals(a.params[0].value.every((v, i) => v === b.params[0].value[i]), true);
 * ```
 *
 * @param options Architecture, rule and initialisation.
 * @returns The network.
 * @throws {RangeError} When the options are invalid, or the network would take more than
 *   `maxBytes` (see {@linkcode parameterBytes}).
 */
export function createNetwork(options: NetworkOptions): Network {
  const c = networkConfig(options), { sizes } = c, L = sizes.length - 1;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  checkMemory(`a network of ${L} layers (${c.rule})`, parameterBytes(c), maxBytes);
  const rng = new Rng(options.seed ?? 0);
  const fbRng = options.feedbackSeed === undefined ? rng : new Rng(options.feedbackSeed);
  const init = options.init ?? "normal", fbInit = options.feedbackInit ?? "normal";
  // Dropout draws its masks from a generator of its own, seeded from the network's seed and its
  // position unless the spec names a seed.
  c.specs?.forEach((spec, k) => {
    if (spec?.rate !== undefined && spec.seed === undefined) {
      spec.seed = (options.seed ?? 0) * 1009 + k + 1;
    }
  });
  const shapes = weightShapes(c);
  const inits: LayerInit[] = c.layers.map((kind, k) => {
    const spec = c.specs?.[k], widths = { inputs: sizes[k], outputs: sizes[k + 1], spec };
    return {
      index: k,
      ...widths,
      classes: sizes[L],
      hasBias: c.bias,
      weight: new Matrix(...shapes[k]),
      bias: new Float32Array(LAYER_KINDS[kind].biasLength?.(widths) ?? sizes[k + 1]),
      extra: {},
      spec,
    };
  });
  // Fan-in and fan-out: the widths, or what the kind says (a convolution's C·k·k and K·k·k).
  const fans = inits.map((l, k) => LAYER_KINDS[c.layers[k]].fans?.(l) ?? [l.inputs, l.outputs]);
  const initOf = (k: number) => (k === 0 ? options.firstInit ?? init : init);
  inits.forEach((l, k) => initialize(initOf(k), l.weight.data, fans[k][0], fans[k][1], rng));
  if (c.bias) {
    inits.forEach((l, k) =>
      initialize(options.biasInit ?? "zeros", l.bias, fans[k][0], fans[k][1], rng)
    );
  }
  inits.forEach((l, k) => LAYER_KINDS[c.layers[k]].draw?.(l, rng, initOf(k)));
  const rule = FEEDBACK_RULES[c.rule];
  const feedback = sizes.slice(1, L).flatMap((n, k) => {
    const shape = feedbackShape(c, k, shapes);
    if (!shape) return [];
    const f = new Matrix(shape[0], shape[1]);
    initializeFeedback(fbInit, f.data, n, fbRng);
    return [f];
  });
  if (rule.direct) {
    inits.forEach((l, k) => {
      const kind = LAYER_KINDS[c.layers[k]];
      if (kind.directFeedback) kind.drawFeedback?.(l, fbRng, fbInit);
    });
  }
  const net = new Network(c, inits, feedback);
  net.ruleState.rng = ruleGenerator(options.seed ?? 0); // redraws follow the seed too
  net.maxBytes = maxBytes;
  return net;
}
