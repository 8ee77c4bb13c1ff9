/**
 * The 2-D convolution: K kernels of C×k×k over (C, H, W) images, stride s, zero padding p, a bias
 * per output channel. Batch-major like every layer: a row is one sample's image, channel by
 * channel, row by row. The products are GEMMs by im2col/col2im, over chunks of a few samples:
 *
 *   cols (C·k·k, n·P)   a chunk's patches, P = Ho·Wo output positions per sample, n samples
 *   forward    a = W·cols + b             W: (K, C·k·k); a: (B, K·P) after reordering
 *   backward   δ_in = col2im(Wᵀ·δ)        δ: (K, B·P) reordered from (B, K·P)
 *   gradients  ∂W = Σ δ·colsᵀ, ∂b = Σ δ   summed over the chunks of the batch (times `scale`)
 *
 * A chunk's patches (at most CHUNK_FLOATS) are multiplied right after they are made, while they are
 * in cache: a LeNet-5 batch's patches as one matrix are 8.8 MB, and its epoch took 1.2–1.3 times as
 * long that way (Cooperlake kernels). The patch, input-gradient and reorder buffers are the
 * workspace's scratch (sized once, for its largest batch), where the SIMD kernels of
 * `spatial_kernels.ts` work; a training step's gradients reuse the patches of its forward pass.
 *
 * @module
 */

import { Arena, copyInto } from "../../kernels/arena.ts";
import {
  col2imIn,
  im2colIn,
  rowSumsIn,
  toBatchMajorIn,
  toChannelMajorIn,
} from "../../kernels/spatial_kernels.ts";
import { getBlas } from "../../native/get_blas.ts";
import { type NdArray, ndarray } from "../../io/ndarray.ts";
import { Matrix } from "../../tensor/matrix.ts";
import type { Param } from "../param.ts";
import type { Layer, LayerFactory, LayerInit, LayerSpec } from "./layer.ts";

/** Patch floats a chunk of samples may take: 512 KiB, so that a chunk's patches stay in cache. */
const CHUNK_FLOATS = 1 << 17;

/** How many samples' patches are made and multiplied at a time: as many as fit CHUNK_FLOATS. */
function patchChunk(spec: LayerSpec, B: number): number {
  const { CKK, P } = convGeometry(spec);
  return Math.max(1, Math.min(B, Math.floor(CHUNK_FLOATS / (CKK * P))));
}

/** The sizes of a convolution, from its spec. */
export function convGeometry(spec: LayerSpec) {
  const [C, H, W] = spec.in, [K, Ho, Wo] = spec.out;
  const k = spec.kernel ?? 1, s = spec.stride ?? 1, p = spec.pad ?? 0;
  return { C, H, W, K, Ho, Wo, k, s, p, CKK: C * k * k, P: Ho * Wo };
}

/**
 * A convolution layer, its kernels and bias in its network's arena.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * const net = Network.create({ sizes: [16, 8, 2], layers: ["conv", "dense"], hidden: "relu", specs: [{ in: [1, 4, 4], out: [2, 2, 2], kernel: 3 }, undefined] });
 * assertEquals(net.layers[0].kind, "conv");
 * assertEquals(net.layers[0].weight?.rows, 2);
 * assertEquals(net.layers[0].weight?.cols, 9);
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
  /** The scratch views: patches, input-gradient patches, the reorder buffer, the bias. */
  #bufs?: { cols: Float32Array; dcols: Float32Array; tmp: Float32Array; bias: Float32Array };
  #arena?: Arena;
  /** The largest batch the scratch holds (0: no scratch yet). */
  #maxBatch = 0;
  /** The input buffer and batch size whose patches `cols` holds (forward's, for gradients). */
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

  /** The views' lengths for B samples: patches, reorder buffer, bias, input-gradient patches. */
  #lengths(B: number, training: boolean): number[] {
    const { CKK, K, P } = convGeometry(this.spec), c = patchChunk(this.spec, B);
    return [CKK * B * P, K * B * P, K, training ? CKK * c * P : 0];
  }

  scratchFloats(B: number, training: boolean): number {
    return this.#lengths(B, training).reduce((t, n) => t + Arena.padded(n), 0);
  }

  bind(scratch: Float32Array, arena: Arena | undefined, maxBatch: number): void {
    // Each view starts 32-byte aligned, as the arena's buffers do.
    const [cols, tmp, bias, dcols] = this.#lengths(maxBatch, true).map((n, i, all) => {
      const from = all.slice(0, i).reduce((t, m) => t + Arena.padded(m), 0);
      // Empty where the scratch has no room: an evaluation workspace has no backward pass.
      return from + n <= scratch.length ? scratch.subarray(from, from + n) : new Float32Array(0);
    });
    this.#bufs = { cols, tmp, bias, dcols };
    this.#arena = arena;
    this.#maxBatch = maxBatch;
    this.#patchesOf = [undefined, 0];
  }

  /** The scratch views, in buffers of the layer's own when no workspace bound it or B is larger. */
  #buffers(B: number) {
    if (B > this.#maxBatch || !this.#bufs) {
      this.bind(new Float32Array(this.scratchFloats(B, true)), undefined, B);
    }
    return this.#bufs!;
  }

  forward(input: Float32Array, B: number, _ones: Float32Array, a: Float32Array): void {
    const g = convGeometry(this.spec), { CKK, K, P } = g, BP = B * P, bufs = this.#buffers(B);
    const { cols, tmp, bias } = bufs, arena = this.#arena, blas = getBlas();
    for (let b0 = 0, c = patchChunk(this.spec, B); b0 < B; b0 += c) {
      const n = Math.min(c, B - b0);
      const block = cols.subarray(CKK * b0 * P, CKK * (b0 + n) * P);
      im2colIn(arena, input.subarray(b0 * this.inputs, (b0 + n) * this.inputs), n, g, block);
      // tmp[:, b0·P, (b0+n)·P): (K, n·P) = W (K, CKK) · block (CKK, n·P)
      blas.sgemm(
        false,
        false,
        K,
        n * P,
        CKK,
        1,
        this.weight.data,
        CKK,
        block,
        n * P,
        0,
        tmp.subarray(b0 * P),
        BP,
      );
    }
    // a: (B, K, P) from tmp (K, B, P), plus the channel's bias
    if (this.hasBias) bias.set(this.bias);
    else bias.fill(0);
    toBatchMajorIn(arena, tmp, a, bias, K, B, P);
    this.#patchesOf = [input, B];
  }

  backward(delta: Float32Array, B: number, out: Float32Array, weight?: Float32Array): void {
    const g = convGeometry(this.spec), { CKK, K, P } = g, BP = B * P, c = patchChunk(this.spec, B);
    let { tmp, dcols } = this.#buffers(B);
    // An evaluation workspace has no room for them: buffers of the layer's own, made once.
    if (dcols.length < CKK * c * P) dcols = this.#bufs!.dcols = new Float32Array(CKK * c * P);
    // tmp: δ (K, B·P), reordered from (B, K·P)
    toChannelMajorIn(this.#arena, delta, tmp, K, B, P);
    for (let b0 = 0; b0 < B; b0 += c) {
      const n = Math.min(c, B - b0);
      // dcols: (CKK, n·P) = Wᵀ (CKK, K) · δ[:, b0·P, (b0+n)·P); those samples' out = col2im(dcols)
      getBlas().sgemm(
        true,
        false,
        CKK,
        n * P,
        K,
        1,
        weight ?? this.weight.data,
        CKK,
        tmp.subarray(b0 * P),
        BP,
        0,
        dcols,
        n * P,
      );
      col2imIn(this.#arena, dcols, n, g, out.subarray(b0 * this.inputs, (b0 + n) * this.inputs));
    }
  }

  gradients(input: Float32Array, delta: Float32Array, B: number, scale: number): void {
    const g = convGeometry(this.spec), { CKK, K, P } = g, BP = B * P;
    const { cols, tmp, bias } = this.#buffers(B), arena = this.#arena;
    // A training step's gradients follow its forward pass on the same input: its patches are
    // still in the buffer then (checked by buffer and batch size); else they are made again.
    const [seen, seenB] = this.#patchesOf, made = seen === input && seenB === B;
    toChannelMajorIn(arena, delta, tmp, K, B, P);
    // ∂W: (K, CKK) = Σ over chunks δ[:, chunk] (K, n·P) · blockᵀ (n·P, CKK); ∂b = row sums of δ
    for (let b0 = 0, c = patchChunk(this.spec, B); b0 < B; b0 += c) {
      const n = Math.min(c, B - b0);
      const block = cols.subarray(CKK * b0 * P, CKK * (b0 + n) * P);
      if (!made) {
        im2colIn(arena, input.subarray(b0 * this.inputs, (b0 + n) * this.inputs), n, g, block);
      }
      getBlas().sgemm(
        false,
        true,
        K,
        CKK,
        n * P,
        scale,
        tmp.subarray(b0 * P),
        BP,
        block,
        n * P,
        b0 === 0 ? 0 : 1,
        this.#gw,
        CKK,
      );
    }
    rowSumsIn(arena, tmp, bias, K, BP, scale);
    this.#gb.set(bias);
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
 * import { assertEquals } from "@std/assert";
 * import { CONV } from "./conv2d.ts";
 * assertEquals(CONV.weightShape!({ inputs: 16, outputs: 8, spec: { in: [1, 4, 4], out: [2, 2, 2], kernel: 3 } }), [2, 9]);
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
