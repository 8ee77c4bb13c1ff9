/**
 * Pooling over non-overlapping k×k windows (stride k by default), channel by channel: the maximum
 * (`"maxpool"`) or the mean (`"avgpool"`). No parameters; batch-major (B, C·H·W) → (B, C·Ho·Wo).
 *
 *   max forward   a[o] = max over the window of input; the winner's index kept
 *   max backward  δ_in[winner] = δ[o]; zero elsewhere
 *   avg forward   a[o] = mean over the window
 *   avg backward  δ_in[each of the window] = δ[o] / k²
 *
 * @module
 */

import type { Arena } from "../../kernels/arena.ts";
import { maxpoolBackIn, maxpoolIn } from "../../kernels/spatial_kernels.ts";
import type { NdArray } from "../../io/ndarray.ts";
import type { Param } from "../param.ts";
import type { Layer, LayerFactory, LayerInit, LayerSpec } from "./layer.ts";

/** The sizes of a pooling layer, from its spec. */
function poolGeometry(spec: LayerSpec) {
  const [C, H, W] = spec.in, [, Ho, Wo] = spec.out, k = spec.kernel ?? 2;
  return { C, H, W, Ho, Wo, k, s: spec.stride ?? k, p: 0 };
}

/**
 * A pooling layer (max or average), parameter-free.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * const net = Network.create({ sizes: [16, 4, 2], layers: ["maxpool", "dense"], hidden: "linear", specs: [{ in: [1, 4, 4], out: [1, 2, 2], kernel: 2 }, undefined] });
 * assertEquals(net.layers[0].kind, "maxpool");
 * assertEquals(net.layers[0].params.length, 0);
 * ```
 */
export class PoolLayer implements Layer {
  /** `"maxpool"` or `"avgpool"`. */
  readonly kind: "maxpool" | "avgpool";
  /** Position, 0-based. */
  readonly index: number;
  /** C·H·W. */
  readonly inputs: number;
  /** C·Ho·Wo. */
  readonly outputs: number;
  /** Always false. */
  readonly hasBias = false;
  /** Empty. */
  readonly bias: Float32Array = new Float32Array(0);
  /** None. */
  readonly params: readonly Param[] = [];
  /** The geometry. */
  readonly spec: LayerSpec;
  /** Max pooling: each output's winning input, for the last forward pass's batch. */
  #winner: Int32Array = new Int32Array(0);
  #arena?: Arena;

  /**
   * Builds the layer.
   *
   * @param init Its widths and spec.
   * @param kind Max or average.
   */
  constructor(init: LayerInit, kind: "maxpool" | "avgpool") {
    this.kind = kind;
    this.index = init.index;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.spec = init.spec!;
  }

  scratchFloats(B: number): number {
    return this.kind === "maxpool" ? B * this.outputs : 0;
  }

  bind(scratch: Float32Array, arena: Arena | undefined): void {
    this.#winner = new Int32Array(scratch.buffer, scratch.byteOffset, scratch.length);
    this.#arena = arena;
  }

  forward(input: Float32Array, B: number, _ones: Float32Array, a: Float32Array): void {
    const g = poolGeometry(this.spec), { C, H, W, Ho, Wo, k, s } = g;
    if (this.kind === "maxpool") {
      if (this.#winner.length < B * this.outputs) {
        this.bind(new Float32Array(B * this.outputs), undefined);
      }
      return maxpoolIn(this.#arena, input, a, this.#winner, B * C, g);
    }
    const inv = 1 / (k * k);
    for (let bc = 0; bc < B * C; bc++) {
      const img = bc * H * W, o = bc * Ho * Wo;
      for (let oy = 0; oy < Ho; oy++) {
        for (let ox = 0; ox < Wo; ox++) {
          const first = img + oy * s * W + ox * s;
          let acc = 0;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) acc += input[first + i * W + j];
          a[o + oy * Wo + ox] = acc * inv;
        }
      }
    }
  }

  backward(delta: Float32Array, B: number, out: Float32Array): void {
    const { C, H, W, Ho, Wo, k, s } = poolGeometry(this.spec);
    if (this.kind === "maxpool") {
      return maxpoolBackIn(this.#arena, delta, out, this.#winner, B * C, poolGeometry(this.spec));
    }
    out.fill(0, 0, B * this.inputs);
    const inv = 1 / (k * k);
    for (let bc = 0; bc < B * C; bc++) {
      const img = bc * H * W, o = bc * Ho * Wo;
      for (let oy = 0; oy < Ho; oy++) {
        for (let ox = 0; ox < Wo; ox++) {
          const d = delta[o + oy * Wo + ox] * inv, first = img + oy * s * W + ox * s;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[first + i * W + j] += d;
        }
      }
    }
  }

  gradients(): void {}

  arrays(): Record<string, NdArray> {
    return {};
  }
}

/** A pooling kind. */
function poolKind(kind: "maxpool" | "avgpool"): LayerFactory {
  return {
    directFeedback: false,
    spatial: true,
    weightShape: () => [0, 0],
    biasLength: () => 0,
    arenaFloats: () => 0,
    check: (init) => {
      const { C, H, W, Ho, Wo, k, s } = poolGeometry(init.spec!);
      const fits = (H - k) % s === 0 && (W - k) % s === 0 && (H - k) / s + 1 === Ho &&
        (W - k) / s + 1 === Wo && init.spec!.out[0] === C;
      return fits ? undefined : `layer ${init.index + 1}: a ${k}×${k} pool, stride ${s}, does ` +
        `not tile ${H}×${W} into ${Ho}×${Wo}`;
    },
    load: () => {},
    build: (init) => new PoolLayer(init, kind),
  };
}

/**
 * Max pooling.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MAXPOOL } from "./pool.ts";
 * assertEquals(MAXPOOL.weightShape!({ inputs: 16, outputs: 4 }), [0, 0]); // no weights
 * ```
 */
export const MAXPOOL: LayerFactory = poolKind("maxpool");

/**
 * Average pooling.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { AVGPOOL } from "./pool.ts";
 * assertEquals(AVGPOOL.biasLength!({ inputs: 16, outputs: 4 }), 0);
 * ```
 */
export const AVGPOOL: LayerFactory = poolKind("avgpool");
