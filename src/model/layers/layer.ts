/**
 * What every layer kind provides: a forward/backward pair over batch-major activations, the
 * gradients of its parameters, its parameters listed by name, and its arrays for saving. A new
 * kind is a file with a {@linkcode LayerFactory} and one line in `registry.ts`.
 *
 * @module
 */

import type { Arena } from "../../kernels/arena.ts";
import type { FeedbackInit, Init } from "../init.ts";
import type { NdArray } from "../../io/ndarray.ts";
import type { Matrix } from "../../tensor/matrix.ts";
import type { Param } from "../param.ts";
import type { Rng } from "../../tensor/random.ts";

/**
 * A layer of a network: a = input·W_effᵀ + 1·bᵀ, where W_eff (outputs, inputs) is the layer's
 * effective matrix (a dense layer's W; an RD layer's D2·R·D1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../../mod.ts";
 * import type { Layer } from "../mod.ts";
 * const layer: Layer = Network.create({ sizes: [4, 3] }).layers[0];
 * assertEquals(layer.kind, "dense");
 * assertEquals(layer.inputs, 4);
 * assertEquals(layer.outputs, 3);
 * assertEquals(layer.params.map((p) => p.name), [ "W1", "b1" ]);
 * ```
 */
export interface Layer {
  /** The kind's name in the registry: `"dense"`, `"rd"`. */
  readonly kind: string;
  /** Its position in the network, 0-based (its saved arrays are numbered from 1). */
  readonly index: number;
  /** Input width n_in. */
  readonly inputs: number;
  /** Output width n_out. */
  readonly outputs: number;
  /** Whether the bias is trained (else it stays zero). */
  readonly hasBias: boolean;
  /** b: (outputs). */
  readonly bias: Float32Array;
  /** The trainable parameters with their gradient buffers. */
  readonly params: readonly Param[];
  /** What the layer draws from while training (dropout's masks); absent when it draws nothing. */
  readonly rng?: Rng;
  /**
   * The forward pass: a (B, outputs) = input (B, inputs) · W_effᵀ + 1·bᵀ (a convolution or a
   * pooling for those kinds; dropout masks only when `training`).
   *
   * @param input (B, inputs).
   * @param B Samples.
   * @param ones At least B ones.
   * @param a Receives the pre-activations.
   * @param training A training step's forward pass (dropout draws its mask), not evaluation.
   */
  forward(
    input: Float32Array,
    B: number,
    ones: Float32Array,
    a: Float32Array,
    training?: boolean,
  ): void;
  /**
   * Backprop's signal to the layer below: out (B, inputs) = δ (B, outputs) · W_eff.
   *
   * @param delta The layer's δ.
   * @param B Samples.
   * @param out Receives the signal.
   * @param weight Backward weights to use instead of the layer's own, shaped like them (feedback
   *   alignment and the sign-concordant rules); ignored by layers without weights.
   */
  backward(delta: Float32Array, B: number, out: Float32Array, weight?: Float32Array): void;
  /**
   * Under a direct rule, what this layer does to the direct signal of the layer below it (dropout:
   * the dropped units get no update); absent where it does nothing.
   */
  maskBelow?(delta: Float32Array, B: number): void;
  /**
   * Writes every parameter's gradient from the layer's δ and input: ∂W = scale·δᵀ·input, and so on.
   *
   * @param input (B, inputs).
   * @param delta (B, outputs).
   * @param B Samples.
   * @param scale Multiplies the gradients (1: summed loss; 1/B: batch mean).
   * @param ones At least B ones.
   * @param error Under a direct rule (DFA), the output error e (B, classes), for parameters that
   *   get it through a feedback matrix of their own (an RD layer's D1); else undefined.
   */
  gradients(
    input: Float32Array,
    delta: Float32Array,
    B: number,
    scale: number,
    ones: Float32Array,
    error?: Float32Array,
  ): void;
  /**
   * Plain SGD fused into the gradient products (W ← W − lr·δᵀ·input): no gradient buffer. Absent
   * where a layer has no such shortcut; the step then takes gradients and the optimiser.
   */
  sgdStep?(
    input: Float32Array,
    delta: Float32Array,
    B: number,
    lr: number,
    ones: Float32Array,
  ): void;
  /**
   * The layer's forward weights, (rows, cols) as {@linkcode LayerFactory.weightShape} says: a
   * dense layer's W, a convolution's kernels; the shape of FA's feedback. Absent for an RD layer.
   */
  readonly weight?: Matrix;
  /** The layer's arrays by their saved names (`W1`, `b1`, `D1_1`, …): views, not copies. */
  arrays(): Record<string, NdArray>;
  /**
   * Floats of workspace scratch the layer works in for batches of up to `B` samples (a
   * convolution's patches, max pooling's winners); absent where it needs none. Without the backward
   * pass (`training` false) a layer may ask for less.
   */
  scratchFloats?(B: number, training: boolean): number;
  /**
   * Hands the layer its scratch in the workspace about to run (its network calls this before a
   * pass on another workspace): the SIMD kernels run when the scratch and the batch buffers share
   * that workspace's arena. A layer never bound works in buffers of its own, by the scalar kernels.
   *
   * @param scratch `scratchFloats(maxBatch, training)` floats, 32-byte aligned.
   * @param arena The workspace's arena.
   * @param maxBatch The largest batch of the workspace.
   */
  bind?(scratch: Float32Array, arena: Arena, maxBatch: number): void;
}

/**
 * The values a layer starts from: drawn by {@linkcode LayerFactory} at creation, or read from a
 * saved file. The network copies them into its arena.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix } from "../../../mod.ts";
 * import type { LayerInit } from "../mod.ts";
 * const init: LayerInit = { index: 0, inputs: 2, outputs: 1, classes: 1, hasBias: true, weight: new Matrix(1, 2), bias: new Float32Array(1), extra: {} };
 * assertEquals(init.weight.cols, 2);
 * ```
 */
export interface LayerInit {
  /** Position, 0-based. */
  index: number;
  /** Input width. */
  inputs: number;
  /** Output width. */
  outputs: number;
  /** The network's output width (classes): the rows of direct feedback matrices. */
  classes: number;
  /** Whether the bias is trained. */
  hasBias: boolean;
  /** The forward matrix (outputs, inputs): a dense layer's W, an RD layer's fixed R. */
  weight: Matrix;
  /** b. */
  bias: Float32Array;
  /** The kind's other arrays by name (an RD layer's `d1`, `d2` and DFA `feedback`). */
  extra: Record<string, Float32Array | Matrix>;
  /** The geometry of a spatial layer (convolution, pooling) or dropout's rate; else absent. */
  spec?: LayerSpec;
}

/**
 * What a layer kind needs beyond its widths: images as (channels, height, width), a kernel's
 * size, stride and padding, a pooling window, a dropout rate.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { LayerSpec } from "../../../mod.ts";
 * const conv: LayerSpec = { in: [1, 28, 28], out: [6, 24, 24], kernel: 5, stride: 1, pad: 0 };
 * assertEquals(conv.out[0], 6); // channels
 * ```
 */
export interface LayerSpec {
  /** Input image: channels, height, width. */
  in: [number, number, number];
  /** Output image. */
  out: [number, number, number];
  /** Kernel or pooling window (square). */
  kernel?: number;
  /** Stride. */
  stride?: number;
  /** Zero padding on each side. */
  pad?: number;
  /** Dropout's probability of dropping a unit. */
  rate?: number;
  /** Dropout's seed. */
  seed?: number;
}

/**
 * A layer kind: how to draw, build and load it. One per file, registered in `registry.ts`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LAYER_KINDS } from "../../../mod.ts";
 * import type { LayerFactory } from "../mod.ts";
 * const rd: LayerFactory = LAYER_KINDS.rd;
 * assertEquals(rd.directFeedback, true);
 * ```
 */
export interface LayerFactory {
  /** Whether, under a direct rule (DFA), the layer needs a (classes, inputs) feedback matrix. */
  readonly directFeedback: boolean;
  /** Whether the kind takes a {@linkcode LayerSpec} (spatial layers, dropout). */
  readonly spatial?: boolean;
  /** The forward matrix's shape (default (outputs, inputs)); (0, 0) for a layer without one. */
  weightShape?(init: Pick<LayerInit, "inputs" | "outputs" | "spec">): [number, number];
  /** The bias's length (default: outputs; a convolution: its channels; 0 for none). */
  biasLength?(init: Pick<LayerInit, "inputs" | "outputs" | "spec">): number;
  /** Fan-in and fan-out for initialisation (default: inputs, outputs). */
  fans?(init: Pick<LayerInit, "inputs" | "outputs" | "spec">): [number, number];
  /** Floats the layer takes in its network's arena, padding included. */
  arenaFloats(init: LayerInit): number;
  /**
   * Draws the kind's own values, after every layer's forward matrix and bias have been drawn (an
   * RD layer: D1 and D2 by `scheme`, then R ~ N(0, 1) over `init.weight`).
   */
  draw?(init: LayerInit, rng: Rng, scheme: Init): void;
  /** Draws the (classes, inputs) direct feedback matrix, when {@linkcode directFeedback}. */
  drawFeedback?(init: LayerInit, rng: Rng, scheme: FeedbackInit): void;
  /**
   * Checks `init`'s shapes (and, under a direct rule, its feedback matrix).
   *
   * @returns What is wrong, or undefined.
   */
  check(init: LayerInit, direct: boolean): string | undefined;
  /** Reads the kind's extra arrays from a saved file (`get` throws on a missing key). */
  load(get: (key: string) => NdArray, init: LayerInit, direct: boolean): void;
  /** The layer, its values copied into `arena`. */
  build(init: LayerInit, arena: Arena): Layer;
}
