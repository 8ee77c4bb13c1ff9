/**
 * Published training settings for the 784–800–10 MNIST net, by name: the original notebook's and
 * Nøkland 2016's.
 *
 * @module
 */

import type { Activation } from "../kernels/activations.ts";
import type { FeedbackInit, Init } from "../model/init.ts";
import type { Rule } from "../model/rules/registry.ts";
import type { OptimizerName } from "./optimizers.ts";

/**
 * How a preset initialises and trains.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MNIST_PRESETS, type MnistPreset } from "./mod.ts";
 * const p: MnistPreset = MNIST_PRESETS.nokland;
 * assertEquals(p.optimizer, "rmsprop");
 * assertEquals(p.batch, 64);
 * ```
 */
export interface MnistPreset {
  /** Forward weights, by rule (see {@linkcode presetInit} for what ReLU nets get instead). */
  init: Record<Rule, Init>;
  /** The first layer's forward weights, by rule, where they differ from the others'. */
  firstInit?: Partial<Record<Rule, Init>>;
  /** Biases. */
  biasInit: Init;
  /** Feedback matrices. */
  feedbackInit: FeedbackInit;
  /** The optimiser. */
  optimizer: OptimizerName;
  /** Its learning rate. */
  lr: number;
  /** RMSprop's decay of the squared-gradient average, when the optimiser is RMSprop. */
  rho?: number;
  /** Batch size. */
  batch: number;
  /** Most epochs. */
  epochs: number;
  /** Drop the last partial batch of each epoch. */
  dropLast: boolean;
}

/**
 * The presets: `seed`, the numpy notebook `dfa-mnist.ipynb` (N(0, 1) for everything, plain SGD on
 * batch sums, the last partial batch dropped); `nokland`, Nøkland 2016 (zero forward weights for
 * DFA and FA but FA's first layer, Torch's default for BP, B ~ U(±1/√800), RMSprop with Torch's ρ
 * of 0.99).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MNIST_PRESETS } from "./mod.ts";
 * assertEquals(Object.keys(MNIST_PRESETS), ["seed", "nokland"]);
 * ```
 */
export const MNIST_PRESETS: Record<"seed" | "nokland", MnistPreset> = {
  seed: {
    init: {
      bp: "normal",
      fa: "normal",
      dfa: "normal",
      cdfa: "normal",
      usf: "normal",
      brsf: "normal",
      frsf: "normal",
      drtp: "normal",
    },
    biasInit: "normal",
    feedbackInit: "normal",
    optimizer: "sgd",
    lr: 1e-4,
    batch: 200,
    epochs: 100,
    dropLast: true,
  },
  nokland: {
    // The sign-concordant rules feed back the signs of W: they cannot start from zeros.
    init: {
      bp: "uniform",
      fa: "zeros",
      dfa: "zeros",
      cdfa: "zeros",
      usf: "uniform",
      brsf: "uniform",
      frsf: "uniform",
      drtp: "zeros",
    },
    // dfa-torch's mlp.lua builds FA's first layer as Torch's nn.Linear and zeroes only its own
    // Linear modules (those with feedback): the first layer keeps Torch's U(±1/√784).
    firstInit: { fa: "uniform" },
    biasInit: "zeros",
    feedbackInit: "uniform",
    optimizer: "rmsprop",
    lr: 1e-4,
    // Torch's optim.rmsprop default (alpha), which dfa-torch's Main.lua leaves as it is.
    rho: 0.99,
    batch: 64,
    epochs: 100,
    dropLast: false,
  },
};

/**
 * The forward weights a preset gives `rule` under a hidden `activation`: its own, except that ReLU
 * nets never start from zeros (a ReLU unit with zero weights never activates, so it never learns);
 * they get U(±1/√fan-in), Torch's default, as Nøkland's dfa-torch keeps for ReLU (it zeroes the
 * weights of tanh and logistic nets only).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MNIST_PRESETS, presetInit } from "./mod.ts";
 * assertEquals(presetInit(MNIST_PRESETS.nokland, "dfa", "tanh"), "zeros");
 * assertEquals(presetInit(MNIST_PRESETS.nokland, "dfa", "relu"), "uniform");
 * ```
 *
 * @param preset The preset.
 * @param rule The training rule.
 * @param activation The hidden activation.
 * @returns The initialisation.
 */
export function presetInit(preset: MnistPreset, rule: Rule, activation: Activation): Init {
  const init = preset.init[rule];
  return init === "zeros" && activation === "relu" ? "uniform" : init;
}
