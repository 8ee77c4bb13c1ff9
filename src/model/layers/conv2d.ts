/**
 * The 2-D convolution: K kernels of C×k×k over (C, H, W) images, stride s, zero padding p, a bias
 * per output channel. Batch-major like every layer: a row is one sample's image, channel by
 * channel, row by row. Each product is one GEMM over the whole batch by im2col/col2im:
 *
 *   cols (C·k·k, B·P)   the input's patches, P = Ho·Wo output positions per sample
 *   forward    a = W·cols + b             W: (K, C·k·k); a: (B, K·P) after reordering
 *   backward   δ_in = col2im(Wᵀ·δ)        δ: (K, B·P) reordered from (B, K·P)
 *   gradients  ∂W = δ·colsᵀ, ∂b = Σ δ     summed over the batch (times `scale`)
 *
 * The patch, input-gradient and reorder buffers are the layer's own, sized once for the largest
 * batch; a training step's gradients reuse the patches of its forward pass.
 *
 * @module
 */

import { Arena } from "../../kernels/arena.ts";
import { getBlas } from "../../native/blas.ts";
import { type NdArray, ndarray } from "../../io/ndarray.ts";
import { Matrix } from "../../tensor/matrix.ts";
import type { Param } from "../param.ts";
import { copyInto } from "./dense.ts";
import type { Layer, LayerFactory, LayerInit, LayerSpec } from "./layer.ts";

/** The sizes of a convolution, from its spec. */
export function convGeometry(spec: LayerSpec) {
  const [C, H, W] = spec.in, [K, Ho, Wo] = spec.out;
  const k = spec.kernel ?? 1, s = spec.stride ?? 1, p = spec.pad ?? 0;
  return { C, H, W, K, Ho, Wo, k, s, p, CKK: C * k * k, P: Ho * Wo };
}

/**
 * Copies a batch's patches into columns: cols[(c·k + i)·k + j][b·P + oy·Wo + ox] =
 * x[b][c][oy·s − p + i][ox·s − p + j], zero outside the image.
 *
 * @example
 * ```ts
 * import { im2col } from "./conv2d.ts";
 * const cols = new Float32Array(4 * 4);
 * im2col(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 1, { in: [1, 3, 3], out: [1, 2, 2], kernel: 2 }, cols);
 * console.log(Array.from(cols.subarray(0, 4))); // [1, 2, 4, 5]: the top-left value of each patch
 * ```
 *
 * @param x (B, C·H·W).
 * @param B Samples.
 * @param spec The geometry.
 * @param cols Receives (C·k·k, B·P).
 */
export function im2col(x: Float32Array, B: number, spec: LayerSpec, cols: Float32Array): void {
  const { C, H, W, Ho, Wo, k, s, p, P } = convGeometry(spec), BP = B * P;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const row = ((c * k + i) * k + j) * BP;
        // The outputs ox whose input column ox·s − p + j lies inside the image: [lo, hi).
        const lo = Math.max(0, Math.ceil((p - j) / s)),
          hi = Math.min(Wo, Math.floor((W - 1 + p - j) / s) + 1);
        for (let b = 0; b < B; b++) {
          const img = (b * C + c) * H * W, o = row + b * P;
          for (let oy = 0; oy < Ho; oy++) {
            const iy = oy * s - p + i, line = o + oy * Wo;
            if (iy < 0 || iy >= H || hi <= lo) {
              for (let ox = 0; ox < Wo; ox++) cols[line + ox] = 0;
              continue;
            }
            for (let ox = 0; ox < lo; ox++) cols[line + ox] = 0;
            for (let ox = hi; ox < Wo; ox++) cols[line + ox] = 0;
            // Short runs (28, 10, 1 wide in LeNet): a plain loop beats subarray() + set().
            const src = img + iy * W - p + j;
            for (let ox = lo; ox < hi; ox++) cols[line + ox] = x[src + ox * s];
          }
        }
      }
    }
  }
}

/**
 * The adjoint of {@linkcode im2col}: adds each column entry back to the pixel it came from.
 *
 * @example
 * ```ts
 * import { col2im } from "./conv2d.ts";
 * const x = new Float32Array(9);
 * col2im(new Float32Array(16).fill(1), 1, { in: [1, 3, 3], out: [1, 2, 2], kernel: 2 }, x);
 * console.log(x[4]); // 4: the centre pixel is in all four patches
 * ```
 *
 * @param cols (C·k·k, B·P).
 * @param B Samples.
 * @param spec The geometry.
 * @param x Receives (B, C·H·W) (overwritten).
 */
export function col2im(cols: Float32Array, B: number, spec: LayerSpec, x: Float32Array): void {
  const { C, H, W, Ho, Wo, k, s, p, P } = convGeometry(spec), BP = B * P;
  x.fill(0, 0, B * C * H * W);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const row = ((c * k + i) * k + j) * BP;
        const lo = Math.max(0, Math.ceil((p - j) / s)),
          hi = Math.min(Wo, Math.floor((W - 1 + p - j) / s) + 1);
        for (let b = 0; b < B; b++) {
          const img = (b * C + c) * H * W, o = row + b * P;
          for (let oy = 0; oy < Ho; oy++) {
            const iy = oy * s - p + i;
            if (iy < 0 || iy >= H) continue;
            const dst = img + iy * W - p + j, line = o + oy * Wo;
            for (let ox = lo; ox < hi; ox++) x[dst + ox * s] += cols[line + ox];
          }
        }
      }
    }
  }
}

/**
 * A convolution layer, its kernels and bias in its network's arena.
 *
 * @example
 * ```ts
 * import { Network } from "../../../mod.ts";
 * const net = Network.create({ sizes: [16, 8, 2], layers: ["conv", "dense"], hidden: "relu", specs: [{ in: [1, 4, 4], out: [2, 2, 2], kernel: 3 }, undefined] });
 * console.log(net.layers[0].kind, net.layers[0].weight?.rows, net.layers[0].weight?.cols); // conv 2 9
 * ```
 */
export class ConvLayer implements Layer {
  /** `"conv"`. */
  readonly kind = "conv";
  /** Position, 0-based. */
  readonly index: number;
  /** C·H·W. */
  readonly inputs: number;
  /** K·Ho·Wo. */
  readonly outputs: number;
  /** Whether the bias is trained. */
  readonly hasBias: boolean;
  /** The kernels, (K, C·k·k). */
  readonly weight: Matrix;
  /** One bias per output channel. */
  readonly bias: Float32Array;
  /** The kernels and the bias, with their gradients. */
  readonly params: readonly Param[];
  /** The geometry. */
  readonly spec: LayerSpec;
  #gw: Float32Array;
  #gb: Float32Array;
  #cols = new Float32Array(0);
  #dcols = new Float32Array(0);
  #tmp = new Float32Array(0);
  /** The input buffer and batch size whose patches `#cols` holds (forward's, for gradients). */
  #patchesOf: [Float32Array | undefined, number] = [undefined, 0];

  /**
   * Builds the layer from its values, copied into `arena`.
   *
   * @param init The values (`spec` required).
   * @param arena The network's arena.
   */
  constructor(init: LayerInit, arena: Arena) {
    const k = init.index + 1;
    this.index = init.index;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.hasBias = init.hasBias;
    this.spec = init.spec!;
    this.weight = new Matrix(init.weight.rows, init.weight.cols, copyInto(arena, init.weight.data));
    this.bias = copyInto(arena, init.bias);
    this.#gw = arena.alloc(this.weight.size);
    this.#gb = arena.alloc(this.bias.length);
    const w = { name: `W${k}`, value: this.weight.data, grad: this.#gw };
    this.params = this.hasBias ? [w, { name: `b${k}`, value: this.bias, grad: this.#gb }] : [w];
  }

  /** The patch and reorder buffers for B samples (grown once, for the largest batch). */
  #buffers(B: number) {
    const { CKK, K, P } = convGeometry(this.spec);
    if (this.#cols.length < CKK * B * P) this.#cols = new Float32Array(CKK * B * P);
    if (this.#tmp.length < K * B * P) this.#tmp = new Float32Array(K * B * P);
    return { cols: this.#cols, tmp: this.#tmp };
  }

  forward(input: Float32Array, B: number, _ones: Float32Array, a: Float32Array): void {
    const { CKK, K, P } = convGeometry(this.spec), BP = B * P, { cols, tmp } = this.#buffers(B);
    im2col(input, B, this.spec, cols);
    this.#patchesOf = [input, B];
    // tmp: (K, B·P) = W (K, CKK) · cols (CKK, B·P)
    getBlas().sgemm(false, false, K, BP, CKK, 1, this.weight.data, CKK, cols, BP, 0, tmp, BP);
    // a: (B, K, P) from tmp (K, B, P), plus the channel's bias
    for (let c = 0; c < K; c++) {
      const bias = this.hasBias ? this.bias[c] : 0;
      for (let b = 0; b < B; b++) {
        const from = c * BP + b * P, to = (b * K + c) * P;
        for (let q = 0; q < P; q++) a[to + q] = tmp[from + q] + bias;
      }
    }
  }

  /** δ (B, K, P) reordered to (K, B, P) in the reorder buffer. */
  #deltaByChannel(delta: Float32Array, B: number, tmp: Float32Array): void {
    const { K, P } = convGeometry(this.spec), BP = B * P;
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < K; c++) {
        tmp.set(delta.subarray((b * K + c) * P, (b * K + c + 1) * P), c * BP + b * P);
      }
    }
  }

  backward(delta: Float32Array, B: number, out: Float32Array, weight?: Float32Array): void {
    const { CKK, K, P } = convGeometry(this.spec), BP = B * P, { tmp } = this.#buffers(B);
    // A buffer of its own, so that the forward pass's patches stay for the gradients.
    if (this.#dcols.length < CKK * BP) this.#dcols = new Float32Array(CKK * BP);
    const cols = this.#dcols;
    this.#deltaByChannel(delta, B, tmp);
    // cols: (CKK, B·P) = Wᵀ (CKK, K) · δ (K, B·P)
    getBlas().sgemm(
      true,
      false,
      CKK,
      BP,
      K,
      1,
      weight ?? this.weight.data,
      CKK,
      tmp,
      BP,
      0,
      cols,
      BP,
    );
    col2im(cols, B, this.spec, out);
  }

  gradients(input: Float32Array, delta: Float32Array, B: number, scale: number): void {
    const { CKK, K, P } = convGeometry(this.spec), BP = B * P, { cols, tmp } = this.#buffers(B);
    // A training step's gradients follow its forward pass on the same input: its patches are
    // still in the buffer then (checked by buffer and batch size); else they are made again.
    const [seen, seenB] = this.#patchesOf;
    if (seen !== input || seenB !== B) im2col(input, B, this.spec, cols);
    this.#deltaByChannel(delta, B, tmp);
    // ∂W: (K, CKK) = δ (K, B·P) · colsᵀ (B·P, CKK)
    getBlas().sgemm(false, true, K, CKK, BP, scale, tmp, BP, cols, BP, 0, this.#gw, CKK);
    for (let c = 0; c < K; c++) {
      let sum = 0;
      for (let q = c * BP; q < (c + 1) * BP; q++) sum += tmp[q];
      this.#gb[c] = scale * sum;
    }
  }

  arrays(): Record<string, NdArray> {
    const k = this.index + 1, { weight: w } = this;
    return {
      [`W${k}`]: ndarray("float32", [w.rows, w.cols], w.data),
      [`b${k}`]: ndarray("float32", [this.bias.length], this.bias),
    };
  }
}

/**
 * The convolution kind: kernels (K, C·k·k) drawn with fan-in C·k·k, a bias per channel.
 *
 * @example
 * ```ts
 * import { CONV } from "./conv2d.ts";
 * console.log(CONV.weightShape!({ inputs: 16, outputs: 8, spec: { in: [1, 4, 4], out: [2, 2, 2], kernel: 3 } })); // [2, 9]
 * ```
 */
export const CONV: LayerFactory = {
  directFeedback: false,
  spatial: true,
  weightShape: ({ spec }) => [spec!.out[0], convGeometry(spec!).CKK],
  biasLength: ({ spec }) => spec!.out[0],
  fans: ({ spec }) => {
    const g = convGeometry(spec!);
    return [g.CKK, g.K * g.k * g.k];
  },
  arenaFloats: (init) => {
    const [rows, cols] = CONV.weightShape!(init);
    return 4 * (Arena.padded(rows * cols) + Arena.padded(rows));
  },
  check: (init) => {
    const g = convGeometry(init.spec!);
    const ok = (g.H + 2 * g.p - g.k) / g.s + 1 === g.Ho && (g.W + 2 * g.p - g.k) / g.s + 1 === g.Wo;
    return ok ? undefined : `layer ${init.index + 1}: a ${g.k}×${g.k} kernel, stride ${g.s}, ` +
      `padding ${g.p} does not take ${g.H}×${g.W} to ${g.Ho}×${g.Wo}`;
  },
  load: () => {},
  build: (init, arena) => new ConvLayer(init, arena),
};
