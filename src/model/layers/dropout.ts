/**
 * Inverted dropout: while training, each unit is kept with probability 1 − r and scaled by
 * 1/(1 − r), so evaluation needs no change; the mask is drawn from the layer's own seeded
 * generator. No parameters; (B, n) → (B, n).
 *
 *   forward (training)  a = input ⊙ m / (1 − r),  m ~ Bernoulli(1 − r)
 *   forward (eval)      a = input
 *   backward            δ_in = δ ⊙ m / (1 − r)
 *   under a direct rule the layer below's signal is masked the same way: dropped units get no update
 *
 * @module
 */

import type { NdArray } from "../../io/ndarray.ts";
import { Rng } from "../../tensor/random.ts";
import type { Param } from "../param.ts";
import type { Layer, LayerFactory, LayerInit } from "./layer.ts";

/**
 * A dropout layer.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * const net = Network.create({ sizes: [4, 4, 2], layers: ["dropout", "dense"], hidden: "linear", specs: [{ in: [4, 1, 1], out: [4, 1, 1], rate: 0.5 }, undefined] });
 * assertEquals(net.layers[0].kind, "dropout");
 * assertEquals(net.layers[0].params.length, 0);
 * ```
 */
export class DropoutLayer implements Layer {
  /** `"dropout"`. */
  readonly kind = "dropout";
  /** Position, 0-based. */
  readonly index: number;
  /** n. */
  readonly inputs: number;
  /** n. */
  readonly outputs: number;
  /** Always false. */
  readonly hasBias = false;
  /** Empty. */
  readonly bias: Float32Array = new Float32Array(0);
  /** None. */
  readonly params: readonly Param[] = [];
  /** The probability of dropping a unit. */
  readonly rate: number;
  /** The generator of the masks. */
  readonly rng: Rng;
  /** The last training batch's mask, already scaled: 0 or 1/(1 − r). */
  #mask = new Float32Array(0);
  #masked = 0;

  /**
   * Builds the layer.
   *
   * @param init Its width and spec (`rate`, `seed`).
   */
  constructor(init: LayerInit) {
    this.index = init.index;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.rate = init.spec?.rate ?? 0.5;
    this.rng = new Rng(init.spec?.seed ?? 0);
  }

  forward(
    input: Float32Array,
    B: number,
    _ones: Float32Array,
    a: Float32Array,
    training = false,
  ): void {
    const n = B * this.outputs;
    if (!training || this.rate === 0) {
      a.set(input.subarray(0, n));
      this.#masked = 0;
      return;
    }
    if (this.#mask.length < n) this.#mask = new Float32Array(n);
    const keep = 1 - this.rate, scale = 1 / keep, m = this.#mask;
    for (let i = 0; i < n; i++) {
      m[i] = this.rng.uniform() < keep ? scale : 0;
      a[i] = input[i] * m[i];
    }
    this.#masked = n;
  }

  backward(delta: Float32Array, B: number, out: Float32Array): void {
    const n = B * this.outputs;
    if (this.#masked !== n) return out.set(delta.subarray(0, n));
    for (let i = 0; i < n; i++) out[i] = delta[i] * this.#mask[i];
  }

  maskBelow(delta: Float32Array, B: number): void {
    const n = B * this.outputs;
    if (this.#masked !== n) return;
    for (let i = 0; i < n; i++) if (this.#mask[i] === 0) delta[i] = 0;
  }

  gradients(): void {}

  arrays(): Record<string, NdArray> {
    return {};
  }
}

/**
 * The dropout kind.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DROPOUT } from "./dropout.ts";
 * assertEquals(DROPOUT.weightShape!({ inputs: 4, outputs: 4 }), [0, 0]);
 * ```
 */
export const DROPOUT: LayerFactory = {
  directFeedback: false,
  spatial: true,
  weightShape: () => [0, 0],
  biasLength: () => 0,
  arenaFloats: () => 0,
  check: (init) => {
    const r = init.spec?.rate ?? 0.5;
    if (init.inputs !== init.outputs) return `layer ${init.index + 1}: dropout keeps the width`;
    return r >= 0 && r < 1
      ? undefined
      : `layer ${init.index + 1}: a dropout rate must be in [0, 1): ${r}`;
  },
  load: () => {},
  build: (init) => new DropoutLayer(init),
};
