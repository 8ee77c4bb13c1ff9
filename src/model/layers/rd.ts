/**
 * The RD layer: W_eff = D2·R·D1, with R (outputs, inputs) a fixed random matrix and only the
 * diagonals d1 (inputs) and d2 (outputs) trained: parameters linear in the layer's size. The
 * products run through W_eff, built from R and the diagonals where a pass needs it (GEMM-bound).
 *
 *   forward    a = input·W_effᵀ + 1·bᵀ
 *   backward   δ_in = δ·W_eff
 *   gradients  with M = δᵀ·input (outputs, inputs):
 *              ∂d2_j = Σ_i M_ji R_ji d1_i,  ∂d1_i = Σ_j M_ji R_ji d2_j
 *              under DFA, D1 gets the output error e through its own matrix B_R (classes, inputs)
 *              instead: ∂d1_i = Σ_c B_R,ci (eᵀ·input)_ci
 *
 * @module
 */

import { Arena, copyInto } from "../../kernels/arena.ts";
import { getBlas } from "../../native/get_blas.ts";
import { initialize, initializeFeedback } from "../init.ts";
import { type NdArray, ndarray } from "../../io/ndarray.ts";
import { Matrix } from "../../tensor/matrix.ts";
import type { Param } from "../param.ts";
import { affineForward } from "./dense.ts";
import type { Layer, LayerFactory, LayerInit } from "./layer.ts";

/**
 * An RD layer, its diagonals and bias in its network's arena.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * import { RdLayer } from "../mod.ts";
 * const layer = Network.create({ sizes: [6, 2], layers: ["rd"], rule: "dfa" }).layers[0] as RdLayer;
 * assertEquals(layer.d1.length, 6);
 * assertEquals(layer.d2.length, 2);
 * assertEquals(layer.feedback?.cols, 6);
 * ```
 */
export class RdLayer implements Layer {
  /** `"rd"`. */
  readonly kind = "rd";
  /** Position, 0-based. */
  readonly index: number;
  /** Input width. */
  readonly inputs: number;
  /** Output width. */
  readonly outputs: number;
  /** Whether the bias is trained. */
  readonly hasBias: boolean;
  /** R: (outputs, inputs), fixed. */
  readonly r: Matrix;
  /** D1's diagonal: inputs. */
  readonly d1: Float32Array;
  /** D2's diagonal: outputs. */
  readonly d2: Float32Array;
  /** b: outputs. */
  readonly bias: Float32Array;
  /** Under DFA, B_R (classes, inputs), which carries e to D1 in place of Rᵀ·D2. */
  readonly feedback?: Matrix;
  /** d1, d2 and (with a bias) b, with their gradients. */
  readonly params: readonly Param[];
  #gd1: Float32Array;
  #gd2: Float32Array;
  #gb: Float32Array;
  /** W_eff and the gradient scratch M: (outputs, inputs); under DFA eᵀ·input: (classes, inputs). */
  #w: Float32Array;
  #m: Float32Array;
  #m2?: Float32Array;

  /**
   * Builds the layer from its values (R, d1, d2, b, and B_R under DFA), copied into `arena`.
   *
   * @param init The values.
   * @param arena The network's arena.
   */
  constructor(init: LayerInit, arena: Arena) {
    const k = init.index + 1, { inputs, outputs } = init;
    this.index = init.index;
    this.inputs = inputs;
    this.outputs = outputs;
    this.hasBias = init.hasBias;
    this.r = new Matrix(outputs, inputs, copyInto(arena, init.weight.data));
    this.bias = copyInto(arena, init.bias);
    this.d1 = copyInto(arena, init.extra.d1 as Float32Array);
    this.d2 = copyInto(arena, init.extra.d2 as Float32Array);
    this.feedback = init.extra.feedback as Matrix | undefined;
    this.#gb = arena.alloc(outputs);
    this.#gd1 = arena.alloc(inputs);
    this.#gd2 = arena.alloc(outputs);
    this.#w = new Float32Array(inputs * outputs);
    this.#m = new Float32Array(inputs * outputs);
    if (this.feedback) this.#m2 = new Float32Array(this.feedback.size);
    const params: Param[] = [
      { name: `D1_${k}`, value: this.d1, grad: this.#gd1 },
      { name: `D2_${k}`, value: this.d2, grad: this.#gd2 },
    ];
    if (this.hasBias) params.push({ name: `b${k}`, value: this.bias, grad: this.#gb });
    this.params = params;
  }

  /** W_eff = D2·R·D1 (outputs, inputs), computed into its scratch from the current diagonals. */
  effective(): Float32Array {
    const { d1, d2, inputs: nIn, outputs: nOut } = this, w = this.#w, R = this.r.data;
    for (let j = 0; j < nOut; j++) {
      const s = d2[j];
      for (let i = 0, o = j * nIn; i < nIn; i++) w[o + i] = s * R[o + i] * d1[i];
    }
    return w;
  }

  forward(input: Float32Array, B: number, ones: Float32Array, a: Float32Array): void {
    const b = this.hasBias ? this.bias : null;
    affineForward(getBlas(), input, this.effective(), b, ones, B, this.inputs, this.outputs, a);
  }

  backward(delta: Float32Array, B: number, out: Float32Array): void {
    const { inputs: nIn, outputs: nOut } = this;
    // out: (B, nIn) = δ (B, nOut) · D2·R·D1 (nOut, nIn)
    getBlas().sgemm(false, false, B, nIn, nOut, 1, delta, nOut, this.effective(), nIn, 0, out, nIn);
  }

  gradients(
    input: Float32Array,
    delta: Float32Array,
    B: number,
    scale: number,
    ones: Float32Array,
    error?: Float32Array,
  ): void {
    const blas = getBlas(), { inputs: nIn, outputs: nOut, d1, d2 } = this;
    const m = this.#m, R = this.r.data, gd1 = this.#gd1, gd2 = this.#gd2;
    // ∂b: (nOut) = δᵀ·1; M: (nOut, nIn) = δᵀ·input, the gradient of W_eff
    blas.sgemv(true, B, nOut, scale, delta, nOut, ones, 0, this.#gb);
    blas.sgemm(true, false, nOut, nIn, B, scale, delta, nOut, input, nIn, 0, m, nIn);
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let i = 0, o = j * nIn; i < nIn; i++) s += m[o + i] * R[o + i] * d1[i];
      gd2[j] = s;
    }
    gd1.fill(0);
    if (error && this.feedback) {
      // DFA: ∂d1_i = Σ_c B_R,ci (eᵀ·input)_ci
      const C = this.feedback.rows, F = this.feedback.data, m2 = this.#m2!;
      blas.sgemm(true, false, C, nIn, B, scale, error, C, input, nIn, 0, m2, nIn);
      for (let c = 0; c < C; c++) {
        for (let i = 0, o = c * nIn; i < nIn; i++) gd1[i] += F[o + i] * m2[o + i];
      }
    } else {
      for (let j = 0; j < nOut; j++) {
        const s = d2[j];
        for (let i = 0, o = j * nIn; i < nIn; i++) gd1[i] += m[o + i] * R[o + i] * s;
      }
    }
  }

  arrays(): Record<string, NdArray> {
    const k = this.index + 1, { r, feedback: f } = this;
    const out: Record<string, NdArray> = {
      [`W${k}`]: ndarray("float32", [r.rows, r.cols], r.data),
      [`b${k}`]: ndarray("float32", [this.outputs], this.bias),
      [`D1_${k}`]: ndarray("float32", [this.inputs], this.d1),
      [`D2_${k}`]: ndarray("float32", [this.outputs], this.d2),
    };
    if (f) out[`BR${k}`] = ndarray("float32", [f.rows, f.cols], f.data);
    return out;
  }
}

/**
 * The RD kind: d1, d2 drawn by the weight scheme, R ~ N(0, 1), and under DFA a (classes, inputs)
 * feedback matrix to D1. Saved as `Wk` (R), `bk`, `D1_k`, `D2_k` and `BRk`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RD } from "./rd.ts";
 * assertEquals(RD.directFeedback, true);
 * ```
 */
export const RD: LayerFactory = {
  directFeedback: true,
  arenaFloats: ({ inputs, outputs }) =>
    Arena.padded(inputs * outputs) + 4 * (Arena.padded(inputs) + 2 * Arena.padded(outputs)),
  draw(init, rng, scheme) {
    init.extra.d1 = initialize(scheme, new Float32Array(init.inputs), 1, 1, rng);
    init.extra.d2 = initialize(scheme, new Float32Array(init.outputs), 1, 1, rng);
    rng.fillNormal(init.weight.data);
  },
  drawFeedback(init, rng, scheme) {
    const f = init.extra.feedback = new Matrix(init.classes, init.inputs);
    initializeFeedback(scheme, f.data, init.inputs, rng);
  },
  check(init, direct) {
    const { d1, d2, feedback: f } = init.extra as {
      d1?: Float32Array;
      d2?: Float32Array;
      feedback?: Matrix;
    };
    const ok = d1?.length === init.inputs && d2?.length === init.outputs &&
      (direct ? f?.rows === init.classes && f.cols === init.inputs : f === undefined);
    return ok
      ? undefined
      : `RD layer ${init.index + 1} needs d1 of ${init.inputs}, d2 of ${init.outputs}${
        direct ? ` and a ${init.classes}×${init.inputs} feedback matrix` : ""
      }`;
  },
  load(get, init, direct) {
    const k = init.index + 1;
    init.extra.d1 = get(`D1_${k}`).data as Float32Array;
    init.extra.d2 = get(`D2_${k}`).data as Float32Array;
    if (direct) {
      const f = get(`BR${k}`);
      init.extra.feedback = new Matrix(f.shape[0], f.shape[1] ?? 1, f.data as Float32Array);
    }
  },
  build: (init, arena) => new RdLayer(init, arena),
};
