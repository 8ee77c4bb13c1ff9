/**
 * The dense (fully connected) layer: a full weight matrix W (outputs, inputs) and a bias.
 *
 *   forward    a = input·Wᵀ + 1·bᵀ                 a: (B, out), input: (B, in)
 *   backward   δ_in = δ·W                          (B, in)
 *   gradients  ∂W = δᵀ·input, ∂b = δᵀ·1            summed over the batch (times `scale`)
 *
 * @module
 */

import { Arena, copyInto } from "../../kernels/arena.ts";
import type { Blas } from "../../native/blas.ts";
import { getBlas } from "../../native/get_blas.ts";
import { type NdArray, ndarray } from "../../io/ndarray.ts";
import { Matrix } from "../../tensor/matrix.ts";
import type { Param } from "../param.ts";
import type { Layer, LayerFactory, LayerInit } from "./layer.ts";

/**
 * a: (B, nOut) = 1·bᵀ + input · Wᵀ, the bias broadcast by a rank-one GEMM.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { affineForward } from "./dense.ts";
 * import { getBlas } from "../../native/get_blas.ts";
 * const a = new Float32Array(2);
 * affineForward(getBlas(), new Float32Array([1, 2]), new Float32Array([3, 4]), new Float32Array([1]), new Float32Array([1, 1]), 2, 1, 1, a);
 * assertEquals(Array.from(a), [4, 7]);
 * ```
 *
 * @param blas The BLAS.
 * @param input (B, nIn).
 * @param w (nOut, nIn).
 * @param bias nOut, or null for none.
 * @param ones At least B ones.
 * @param B Samples.
 * @param nIn Input width.
 * @param nOut Output width.
 * @param a Receives (B, nOut).
 */
export function affineForward(
  blas: Blas,
  input: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  ones: Float32Array,
  B: number,
  nIn: number,
  nOut: number,
  a: Float32Array,
): void {
  if (bias) blas.sgemm(false, false, B, nOut, 1, 1, ones, 1, bias, nOut, 0, a, nOut);
  blas.sgemm(false, true, B, nOut, nIn, 1, input, nIn, w, nIn, bias ? 1 : 0, a, nOut);
}

/**
 * A dense layer, its parameters in its network's arena.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * import { DenseLayer } from "../mod.ts";
 * const layer = Network.create({ sizes: [3, 2] }).layers[0];
 * assertEquals(layer instanceof DenseLayer, true);
 * assertEquals(layer.weight?.rows, 2);
 * ```
 */
export class DenseLayer implements Layer {
  /** `"dense"`. */
  readonly kind = "dense";
  /** Position, 0-based. */
  readonly index: number;
  /** Input width. */
  readonly inputs: number;
  /** Output width. */
  readonly outputs: number;
  /** Whether the bias is trained. */
  readonly hasBias: boolean;
  /** W: (outputs, inputs). */
  readonly weight: Matrix;
  /** b: (outputs). */
  readonly bias: Float32Array;
  /** W and (with a bias) b, with their gradients. */
  readonly params: readonly Param[];
  #gw: Float32Array;
  #gb: Float32Array;

  /**
   * Builds the layer from its values, copied into `arena`.
   *
   * @param init The values.
   * @param arena The network's arena.
   */
  constructor(init: LayerInit, arena: Arena) {
    const k = init.index + 1;
    this.index = init.index;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.hasBias = init.hasBias;
    this.weight = new Matrix(init.outputs, init.inputs, copyInto(arena, init.weight.data));
    this.bias = copyInto(arena, init.bias);
    this.#gw = arena.alloc(this.weight.size);
    this.#gb = arena.alloc(this.outputs);
    const w = { name: `W${k}`, value: this.weight.data, grad: this.#gw };
    this.params = this.hasBias ? [w, { name: `b${k}`, value: this.bias, grad: this.#gb }] : [w];
  }

  forward(input: Float32Array, B: number, ones: Float32Array, a: Float32Array): void {
    const b = this.hasBias ? this.bias : null;
    affineForward(getBlas(), input, this.weight.data, b, ones, B, this.inputs, this.outputs, a);
  }

  backward(delta: Float32Array, B: number, out: Float32Array, weight?: Float32Array): void {
    const { inputs: nIn, outputs: nOut } = this, W = weight ?? this.weight.data;
    // out: (B, nIn) = δ (B, nOut) · W (nOut, nIn)
    getBlas().sgemm(false, false, B, nIn, nOut, 1, delta, nOut, W, nIn, 0, out, nIn);
  }

  gradients(
    input: Float32Array,
    delta: Float32Array,
    B: number,
    scale: number,
    ones: Float32Array,
  ): void {
    const blas = getBlas(), { inputs: nIn, outputs: nOut } = this;
    // ∂b: (nOut) = δᵀ (nOut, B) · 1 (B)
    blas.sgemv(true, B, nOut, scale, delta, nOut, ones, 0, this.#gb);
    // ∂W: (nOut, nIn) = δᵀ (nOut, B) · input (B, nIn)
    blas.sgemm(true, false, nOut, nIn, B, scale, delta, nOut, input, nIn, 0, this.#gw, nIn);
  }

  sgdStep(input: Float32Array, delta: Float32Array, B: number, lr: number, ones: Float32Array) {
    const blas = getBlas(), { inputs: nIn, outputs: nOut } = this, W = this.weight.data;
    // W ← W − lr·δᵀ·input; b ← b − lr·δᵀ·1
    blas.sgemm(true, false, nOut, nIn, B, -lr, delta, nOut, input, nIn, 1, W, nIn);
    if (this.hasBias) blas.sgemv(true, B, nOut, -lr, delta, nOut, ones, 1, this.bias);
  }

  arrays(): Record<string, NdArray> {
    const k = this.index + 1, { weight: w } = this;
    return {
      [`W${k}`]: ndarray("float32", [w.rows, w.cols], w.data),
      [`b${k}`]: ndarray("float32", [this.outputs], this.bias),
    };
  }
}

/**
 * The dense kind: nothing to draw beyond the forward matrix and bias every layer gets.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DENSE } from "./dense.ts";
 * assertEquals(DENSE.directFeedback, false);
 * ```
 */
export const DENSE: LayerFactory = {
  directFeedback: false,
  arenaFloats: (init) =>
    4 * (Arena.padded(init.inputs * init.outputs) + Arena.padded(init.outputs)),
  check: () => undefined,
  load: () => {},
  build: (init, arena) => new DenseLayer(init, arena),
};
