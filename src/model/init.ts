/**
 * Initialisation of forward weights, biases and feedback matrices.
 *
 * @module
 */

import type { Rng } from "../tensor/random.ts";

/**
 * How forward weights (or biases) start:
 * - `"normal"`: N(0, 1), the original numpy project's choice;
 * - `"zeros"`: all zero (what Nøkland used for DFA and FA; backprop cannot leave it);
 * - `"uniform"`: U(±1/√fan_in), Torch's default for linear layers;
 * - `"xavier"`: U(±√(6/(fan_in + fan_out)));
 * - `"he"`: U(±√(6/fan_in)).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Init } from "../../mod.ts";
 * import { initialize } from "./mod.ts";
 * import { Rng } from "../tensor/mod.ts";
 * const init: Init = "zeros";
 * assertEquals(initialize(init, new Float32Array(2), 1, 2, new Rng(0)), new Float32Array([0, 0]));
 * ```
 */
export type Init = "normal" | "zeros" | "uniform" | "xavier" | "he";

/**
 * The initialisations dfa knows, for validating user input.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { INITS } from "./mod.ts";
 * assertEquals(INITS.length, 5);
 * ```
 */
export const INITS: readonly Init[] = ["normal", "zeros", "uniform", "xavier", "he"];

/**
 * How feedback matrices start: `"normal"`, N(0, 1) (the original's); `"uniform"`, U(±1/√n) where
 * n is the width of the layer that receives the feedback (Nøkland's).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type FeedbackInit, Network } from "../../mod.ts";
 * const feedbackInit: FeedbackInit = "uniform";
 * assertEquals(Network.create({ sizes: [2, 4, 2], feedbackInit }).feedback[0].rows, 2);
 * ```
 */
export type FeedbackInit = "normal" | "uniform";

/**
 * The feedback initialisations dfa knows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FEEDBACK_INITS } from "./mod.ts";
 * assertEquals(FEEDBACK_INITS, ["normal", "uniform"]);
 * ```
 */
export const FEEDBACK_INITS: readonly FeedbackInit[] = ["normal", "uniform"];

/**
 * Fills `out` with an initialisation for a layer of the given fans.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initialize } from "./mod.ts";
 * import { Rng } from "../tensor/mod.ts";
 * const w = initialize("xavier", new Float32Array(6), 3, 2, new Rng(1));
 * assertEquals(w.every((v) => Math.abs(v) <= Math.sqrt(6 / 5)), true);
 * ```
 *
 * @param init The initialisation.
 * @param out The array to fill.
 * @param fanIn Inputs of the layer.
 * @param fanOut Outputs of the layer.
 * @param rng The random source.
 * @returns `out`.
 */
export function initialize(
  init: Init,
  out: Float32Array,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): Float32Array {
  switch (init) {
    case "normal":
      return rng.fillNormal(out);
    case "zeros":
      return out.fill(0);
    case "uniform": {
      const r = 1 / Math.sqrt(fanIn);
      return rng.fillUniform(out, -r, r);
    }
    case "xavier": {
      const r = Math.sqrt(6 / (fanIn + fanOut));
      return rng.fillUniform(out, -r, r);
    }
    case "he": {
      const r = Math.sqrt(6 / fanIn);
      return rng.fillUniform(out, -r, r);
    }
  }
}

/**
 * Fills a feedback matrix.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initializeFeedback } from "./mod.ts";
 * import { Rng } from "../tensor/mod.ts";
 * const b = initializeFeedback("uniform", new Float32Array(10 * 800), 800, new Rng(1));
 * assertEquals(b.every((v) => Math.abs(v) <= 1 / Math.sqrt(800)), true);
 * ```
 *
 * @param init The initialisation.
 * @param out The array to fill.
 * @param receiver Width of the layer that receives the feedback.
 * @param rng The random source.
 * @returns `out`.
 */
export function initializeFeedback(
  init: FeedbackInit,
  out: Float32Array,
  receiver: number,
  rng: Rng,
): Float32Array {
  if (init === "normal") return rng.fillNormal(out);
  const r = 1 / Math.sqrt(receiver);
  return rng.fillUniform(out, -r, r);
}
