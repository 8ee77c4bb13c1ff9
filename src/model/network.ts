/**
 * Fully connected networks trained by backpropagation (BP), feedback alignment (FA) or direct
 * feedback alignment (DFA). Activations are batch-major: a layer's output is (batch, width).
 *
 * For layer k (0-based) with input h₋ (batch, n_k) and weights W_k (n_{k+1}, n_k):
 *
 *   forward   a_k = h₋·W_kᵀ + 1·b_kᵀ,  h_k = f(a_k)          (the output layer uses the loss's f)
 *   error     e = ŷ − y                                       (batch, classes)
 *   BP        δ_k = (δ_{k+1}·W_{k+1}) ⊙ f′(a_k)
 *   FA        δ_k = (δ_{k+1}·F_{k+1}) ⊙ f′(a_k)              F_{k+1} fixed, shaped like W_{k+1}
 *   DFA       δ_k = (e·B_k) ⊙ f′(a_k)                         B_k fixed, (classes, n_{k+1})
 *   gradient  ∂W_k = δ_kᵀ·h₋,  ∂b_k = δ_kᵀ·1                  summed over the batch
 *
 * An RD layer has W_k = D2·R·D1 with R fixed and only the diagonals d1, d2 trained: with
 * M = δ_kᵀ·h₋, ∂d2_j = Σ_i M_ji R_ji d1_i and ∂d1_i = Σ_j M_ji R_ji d2_j (under DFA, D1 gets e
 * through its own random matrix instead).
 *
 * @module
 */

import type { Activation } from "./activations.ts";
import { Kernels } from "../kernels/kernels.ts";
import { getBlas } from "../native/blas.ts";
import { type FeedbackInit, type Init, initialize, initializeFeedback } from "./init.ts";
import { countErrors, type Loss, lossAndError, outputActivate } from "./loss.ts";
import { Matrix } from "../tensor/matrix.ts";
import { DataFormatError, type NdArray, ndarray } from "../io/npy.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import type { Optimizer } from "../train/optimizers.ts";
import { Rng } from "../tensor/random.ts";
import { type BatchResult, Workspace } from "../train/workspace.ts";
import type { Dataset } from "../data/dataset.ts";

/**
 * How the output error reaches the hidden layers.
 *
 * @example
 * ```ts
 * import { Network, type Rule } from "../../mod.ts";
 * const rule: Rule = "fa";
 * console.log(Network.create({ sizes: [2, 3, 2], rule }).feedback[0].rows); // 2
 * ```
 */
export type Rule = "bp" | "fa" | "dfa";

/**
 * The rules dfa knows, for validating user input.
 *
 * @example
 * ```ts
 * import { RULES } from "../../mod.ts";
 * console.log(RULES); // ["bp", "fa", "dfa"]
 * ```
 */
export const RULES: readonly Rule[] = ["bp", "fa", "dfa"];

/**
 * A layer's kind: `"dense"`, a full weight matrix; `"rd"`, y = D2·R·D1·x with D1 and D2
 * trainable diagonals and R a fixed random matrix (parameters n_in + n_out instead of n_in·n_out).
 *
 * @example
 * ```ts
 * import { type LayerKind, Network } from "../../mod.ts";
 * const layers: LayerKind[] = ["rd"];
 * console.log(Network.create({ sizes: [50, 10], layers }).rd[0]?.d1.length); // 50
 * ```
 */
export type LayerKind = "dense" | "rd";

/**
 * The trainable diagonals of an RD layer (its fixed R is the layer's entry in `weights`).
 *
 * @example
 * ```ts
 * import { Network, type RdParams } from "../../mod.ts";
 * const rd: RdParams = Network.create({ sizes: [6, 2], layers: ["rd"], rule: "dfa" }).rd[0]!;
 * console.log(rd.d2.length, rd.feedback?.cols); // 2 6
 * ```
 */
export interface RdParams {
  /** D1's diagonal: n_in. */
  d1: Float32Array;
  /** D2's diagonal: n_out. */
  d2: Float32Array;
  /** Under DFA, the random matrix (classes, n_in) that carries e to D1 in place of Rᵀ·D2. */
  feedback?: Matrix;
}

/**
 * How to build a {@linkcode Network}.
 *
 * @example
 * ```ts
 * import { Network, type NetworkOptions } from "../../mod.ts";
 * const options: NetworkOptions = { sizes: [784, 800, 10], rule: "dfa", init: "zeros", feedbackInit: "uniform" };
 * console.log(Network.create(options).depth); // 2
 * ```
 */
export interface NetworkOptions {
  /** Layer widths, input first and output last: `[784, 800, 10]`. */
  sizes: readonly number[];
  /** Hidden activation, one for all or one per hidden layer. Default `"tanh"`. */
  hidden?: Activation | readonly Activation[];
  /** Output layer and loss. Default `"bce"` (sigmoid, binary cross-entropy). */
  loss?: Loss;
  /** Training rule. Default `"dfa"`. */
  rule?: Rule;
  /** Forward weight initialisation. Default `"normal"` (N(0, 1), the original's). */
  init?: Init;
  /** Bias initialisation. Default `"zeros"`. */
  biasInit?: Init;
  /** Layers have biases. Default true. */
  bias?: boolean;
  /** Feedback matrix initialisation (FA, DFA). Default `"normal"`. */
  feedbackInit?: FeedbackInit;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
  /** Seed of the feedback matrices, when they should not follow from `seed`. */
  feedbackSeed?: number;
  /** One kind per weight layer. Default all `"dense"`. */
  layers?: readonly LayerKind[];
}

/**
 * What a network is, apart from its numbers: saved with it.
 *
 * @example
 * ```ts
 * import { Network, type NetworkConfig } from "../../mod.ts";
 * const config: NetworkConfig = Network.create({ sizes: [3, 2] }).config;
 * console.log(config.rule, config.layers); // "dfa" ["dense"]
 * ```
 */
export interface NetworkConfig {
  /** Layer widths. */
  sizes: number[];
  /** One activation per hidden layer. */
  hidden: Activation[];
  /** Output layer and loss. */
  loss: Loss;
  /** Training rule. */
  rule: Rule;
  /** Whether layers have biases. */
  bias: boolean;
  /** One kind per weight layer. */
  layers: LayerKind[];
}

function checkOptions(o: NetworkOptions): NetworkConfig {
  const sizes = [...o.sizes];
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(
      `Cannot build a network: sizes must be two or more positive integers: [${sizes}]`,
    );
  }
  const hiddenCount = sizes.length - 2;
  const hidden = typeof o.hidden === "string" || o.hidden === undefined
    ? new Array<Activation>(hiddenCount).fill(o.hidden ?? "tanh")
    : [...o.hidden];
  if (hidden.length !== hiddenCount) {
    throw new RangeError(
      `Cannot build a network: ${hiddenCount} hidden layers need ${hiddenCount} activations: ${hidden.length}`,
    );
  }
  const layers = o.layers ? [...o.layers] : new Array<LayerKind>(sizes.length - 1).fill("dense");
  if (layers.length !== sizes.length - 1 || layers.some((l) => l !== "dense" && l !== "rd")) {
    throw new RangeError(
      `Cannot build a network: ${
        sizes.length - 1
      } layers need as many kinds, dense or rd: [${layers}]`,
    );
  }
  const rule = o.rule ?? "dfa";
  if (rule === "fa" && layers.includes("rd")) {
    throw new RangeError("Cannot build an FA network with RD layers: train them with bp or dfa");
  }
  return { sizes, hidden, loss: o.loss ?? "bce", rule, bias: o.bias ?? true, layers };
}

/**
 * A fully connected network with its feedback matrices.
 *
 * @example Build, train a step, predict
 * ```ts
 * import { Matrix, Network, Optimizer, Workspace } from "../../mod.ts";
 * const net = Network.create({ sizes: [4, 8, 3], rule: "dfa", seed: 1 });
 * const ws = new Workspace(net.sizes, 2);
 * ws.x.set([1, 0, 0, 1, 0, 1, 1, 0]);
 * ws.y.set([1, 0, 0, 0, 0, 1]);
 * ws.labels.set([0, 2]);
 * net.trainBatch(ws, 2, new Optimizer({ name: "sgd", lr: 0.1 }));
 * console.log(net.predict(new Matrix(1, 4)).cols); // 3
 * ```
 */
export class Network {
  /** Layer widths. */
  readonly sizes: number[];
  /** One activation per hidden layer. */
  readonly hidden: Activation[];
  /** Output layer and loss. */
  readonly loss: Loss;
  /** Training rule. */
  readonly rule: Rule;
  /** Whether layers have biases. */
  readonly bias: boolean;
  /** Each layer's kind. */
  readonly layers: LayerKind[];
  /** W_k: (n_{k+1}, n_k); for an RD layer, its fixed random R. */
  readonly weights: Matrix[];
  /** Per layer: an RD layer's trainable diagonals, undefined for a dense layer. */
  readonly rd: (RdParams | undefined)[];
  /** b_k: n_{k+1} (zeros, never updated, without biases). */
  readonly biases: Float32Array[];
  /** Per hidden layer: DFA B_k (classes, n_{k+1}); FA F_{k+1} (n_{k+2}, n_{k+1}); BP none. */
  readonly feedback: Matrix[];
  /** Holds the parameters, their gradients and the optimisers' state, for the SIMD kernels. */
  readonly arena: Kernels;
  #grads?: Gradients;
  /** Per RD layer: its effective matrix D2·R·D1 and gradient scratch (nOut, nIn); DFA (C, nIn). */
  #rdScratch: ({ w: Float32Array; m: Float32Array; m2?: Float32Array } | undefined)[];
  #evalWs?: Workspace;

  /**
   * A network from existing parameters (copied into its arena); see {@linkcode Network.create} to
   * build a new one.
   *
   * @param config The architecture.
   * @param weights W_k for each layer.
   * @param biases b_k for each layer.
   * @param feedback The feedback matrices (none for BP).
   * @param rd Each RD layer's diagonals (and DFA feedback); undefined for dense layers.
   * @throws {RangeError} When a shape disagrees with the architecture.
   */
  constructor(
    config: NetworkConfig,
    weights: Matrix[],
    biases: Float32Array[],
    feedback: Matrix[],
    rd: (RdParams | undefined)[] = [],
  ) {
    const c = checkOptions(config);
    const { sizes } = c;
    const L = sizes.length - 1, C = sizes[L];
    weights.forEach((w, k) => {
      if (w.rows !== sizes[k + 1] || w.cols !== sizes[k]) {
        throw new RangeError(
          `Cannot build a network: W${k + 1} must be ${sizes[k + 1]}×${
            sizes[k]
          }: ${w.rows}×${w.cols}`,
        );
      }
    });
    if (
      weights.length !== L || biases.length !== L ||
      biases.some((b, k) => b.length !== sizes[k + 1])
    ) {
      throw new RangeError(
        `Cannot build a network: ${L} layers need ${L} weight matrices and bias vectors`,
      );
    }
    const expected = c.rule === "bp"
      ? []
      : sizes.slice(1, L).map((n, k) => c.rule === "dfa" ? [C, n] : [sizes[k + 2], n]);
    if (
      feedback.length !== expected.length ||
      feedback.some((f, k) => f.rows !== expected[k][0] || f.cols !== expected[k][1])
    ) {
      throw new RangeError(
        `Cannot build a ${c.rule} network: feedback matrices must be ${
          expected.map(([r, q]) => `${r}×${q}`).join(", ") || "none"
        }: ` +
          `${feedback.map((f) => `${f.rows}×${f.cols}`).join(", ") || "none"}`,
      );
    }
    c.layers.forEach((kind, k) => {
      const r = rd[k];
      if (kind === "dense") return;
      if (
        !r || r.d1.length !== sizes[k] || r.d2.length !== sizes[k + 1] ||
        (c.rule === "dfa") !== (r.feedback !== undefined) ||
        (r.feedback && (r.feedback.rows !== C || r.feedback.cols !== sizes[k]))
      ) {
        throw new RangeError(
          `Cannot build a network: RD layer ${k + 1} needs d1 of ${sizes[k]}, d2 of ${
            sizes[k + 1]
          }${c.rule === "dfa" ? ` and a ${C}×${sizes[k]} feedback matrix` : ""}`,
        );
      }
    });
    this.sizes = c.sizes;
    this.hidden = c.hidden;
    this.loss = c.loss;
    this.rule = c.rule;
    this.bias = c.bias;
    this.layers = c.layers;
    // Parameters, gradients and up to two optimiser slots each share one arena.
    const params = weights.reduce((t, w) => t + Kernels.padded(w.size), 0) +
      biases.reduce((t, b) => t + Kernels.padded(b.length), 0) +
      rd.reduce(
        (t, r) => t + (r ? Kernels.padded(r.d1.length) + Kernels.padded(r.d2.length) : 0),
        0,
      );
    const arena = this.arena = new Kernels(4 * params);
    const copy = (a: Float32Array) => {
      const b = arena.alloc(a.length);
      b.set(a);
      return b;
    };
    this.weights = weights.map((w) => new Matrix(w.rows, w.cols, copy(w.data)));
    this.biases = biases.map(copy);
    this.feedback = feedback;
    this.#rdScratch = c.layers.map((kind, k) =>
      kind === "rd"
        ? {
          w: new Float32Array(sizes[k] * sizes[k + 1]),
          m: new Float32Array(sizes[k] * sizes[k + 1]),
          m2: c.rule === "dfa" ? new Float32Array(C * sizes[k]) : undefined,
        }
        : undefined
    );
    this.rd = c.layers.map((kind, k) =>
      kind === "rd"
        ? { d1: copy(rd[k]!.d1), d2: copy(rd[k]!.d2), feedback: rd[k]!.feedback }
        : undefined
    );
  }

  /** Gradient buffers, shaped like the parameters; allocated on first use. */
  get grads(): Gradients {
    this.#grads ??= {
      w: this.weights.map((w, k) => this.arena.alloc(this.layers[k] === "rd" ? 0 : w.size)),
      b: this.biases.map((b) => this.arena.alloc(b.length)),
      d1: this.rd.map((r) => this.arena.alloc(r ? r.d1.length : 0)),
      d2: this.rd.map((r) => this.arena.alloc(r ? r.d2.length : 0)),
    };
    return this.#grads;
  }

  /**
   * Buffers for batches of up to `maxBatch` samples, with this network's RD scratch.
   *
   * @param maxBatch The largest batch.
   * @returns The workspace.
   */
  workspace(maxBatch: number): Workspace {
    return new Workspace(this.sizes, maxBatch);
  }

  /**
   * A new network, initialised from a seed.
   *
   * @param options Architecture, rule and initialisation.
   * @returns The network.
   */
  static create(options: NetworkOptions): Network {
    const c = checkOptions(options);
    const rng = new Rng(options.seed ?? 0);
    const fbRng = options.feedbackSeed === undefined ? rng : new Rng(options.feedbackSeed);
    const { sizes } = c, L = sizes.length - 1;
    const weights = sizes.slice(1).map((n, k) => {
      const w = new Matrix(n, sizes[k]);
      initialize(options.init ?? "normal", w.data, sizes[k], n, rng);
      return w;
    });
    const biases = sizes.slice(1).map((n, k) =>
      c.bias
        ? initialize(options.biasInit ?? "zeros", new Float32Array(n), sizes[k], n, rng)
        : new Float32Array(n)
    );
    // RD layers: R ~ N(0, 1) (its entry in weights), diagonals by `init` (normal by default).
    const rd = c.layers.map((kind, k): RdParams | undefined => {
      if (kind !== "rd") return undefined;
      const init = options.init ?? "normal";
      return {
        d1: initialize(init, new Float32Array(sizes[k]), 1, 1, rng),
        d2: initialize(init, new Float32Array(sizes[k + 1]), 1, 1, rng),
      };
    });
    c.layers.forEach((kind, k) => kind === "rd" && rng.fillNormal(weights[k].data));
    const feedback = c.rule === "bp" ? [] : sizes.slice(1, L).map((n, k) => {
      const f = c.rule === "dfa" ? new Matrix(sizes[L], n) : new Matrix(sizes[k + 2], n);
      initializeFeedback(options.feedbackInit ?? "normal", f.data, n, fbRng);
      return f;
    });
    if (c.rule === "dfa") {
      rd.forEach((r, k) => {
        if (!r) return;
        r.feedback = new Matrix(sizes[L], sizes[k]);
        initializeFeedback(options.feedbackInit ?? "normal", r.feedback.data, sizes[k], fbRng);
      });
    }
    return new Network(c, weights, biases, feedback, rd);
  }

  /** The architecture, for saving. */
  get config(): NetworkConfig {
    return {
      sizes: [...this.sizes],
      hidden: [...this.hidden],
      loss: this.loss,
      rule: this.rule,
      bias: this.bias,
      layers: [...this.layers],
    };
  }

  /** Number of layers with weights. */
  get depth(): number {
    return this.weights.length;
  }

  /**
   * The forward pass of `B` samples in `ws.x` (or `x`): every layer's output into `ws.h`.
   *
   * @param ws The buffers.
   * @param B Samples in the batch.
   * @param x Inputs (B, n₀); default `ws.x`.
   * @param raw Leave the output layer's pre-activations (the "linear outputs") instead of ŷ.
   * @returns The output buffer `ws.h[last]` (its first B rows).
   */
  forwardBatch(ws: Workspace, B: number, x: Float32Array = ws.x, raw = false): Float32Array {
    const blas = getBlas(), { sizes } = this, L = this.depth;
    let input = x;
    for (let k = 0; k < L; k++) {
      const nIn = sizes[k], nOut = sizes[k + 1], a = ws.h[k], r = this.rd[k];
      // a: (B, nOut) = 1·b_kᵀ + input · Wᵀ, where W is W_k, or an RD layer's effective D2·R·D1.
      const w = r ? this.#effective(k) : this.weights[k].data;
      denseForward(blas, input, w, this.bias ? this.biases[k] : null, ws.ones, B, nIn, nOut, a);
      if (k < L - 1) ws.kernels.activate(this.hidden[k], a, B * nOut);
      else if (!raw && this.loss === "bce") ws.kernels.activate("sigmoid", a, B * nOut);
      else if (!raw) outputActivate(this.loss, a, B, nOut);
      input = a;
    }
    return ws.h[L - 1];
  }

  /**
   * The hidden δs for the output error in `ws.delta[last]`, by this network's rule (or `rule`).
   *
   * @param ws The buffers, after {@linkcode Network.forwardBatch} and the output error.
   * @param B Samples in the batch.
   * @param rule Override of the rule; `"bp"` is always possible.
   */
  backwardBatch(ws: Workspace, B: number, rule: Rule = this.rule): void {
    const blas = getBlas(), { sizes } = this, L = this.depth, C = sizes[L];
    if (rule !== "bp" && rule !== this.rule) {
      throw new RangeError(
        `Cannot run ${rule} on a ${this.rule} network: its feedback matrices are for ${this.rule}`,
      );
    }
    const e = ws.delta[L - 1];
    for (let k = L - 2; k >= 0; k--) {
      const n = sizes[k + 1], next = sizes[k + 2], d = ws.delta[k];
      if (rule === "dfa") {
        // δ_k: (B, n) = e (B, C) · B_k (C, n)
        blas.sgemm(false, false, B, n, C, 1, e, C, this.feedback[k].data, n, 0, d, n);
      } else if (this.rd[k + 1]) {
        // Through an RD layer (BP): δ_k = δ_{k+1} · D2·R·D1, its matrix from this forward pass
        const w = this.#rdScratch[k + 1]!.w;
        blas.sgemm(false, false, B, n, next, 1, ws.delta[k + 1], next, w, n, 0, d, n);
      } else {
        // δ_k: (B, n) = δ_{k+1} (B, next) · M (next, n), M = W_{k+1} (BP) or F_{k+1} (FA)
        const m = rule === "bp" ? this.weights[k + 1] : this.feedback[k];
        blas.sgemm(false, false, B, n, next, 1, ws.delta[k + 1], next, m.data, n, 0, d, n);
      }
      ws.kernels.multiplyDerivative(this.hidden[k], ws.h[k], d, B * n);
    }
  }

  /**
   * Gradients of the summed loss from the δs in `ws.delta` into {@linkcode Network.grads}.
   *
   * @param ws The buffers, after {@linkcode Network.backwardBatch}.
   * @param B Samples in the batch.
   * @param x Inputs; default `ws.x`.
   * @param rule The rule the δs came from (an RD layer's D1 signal depends on it); default the
   *   network's.
   * @param scale Multiplies the gradients: 1 for the summed loss, 1/B for the batch mean.
   */
  gradients(
    ws: Workspace,
    B: number,
    x: Float32Array = ws.x,
    rule: Rule = this.rule,
    scale = 1,
  ): void {
    for (let k = 0; k < this.depth; k++) this.#layerGradients(ws, B, x, k, rule, scale);
  }

  #layerGradients(
    ws: Workspace,
    B: number,
    x: Float32Array,
    k: number,
    rule: Rule,
    scale: number,
  ): void {
    const blas = getBlas(), g = this.grads, C = this.sizes[this.depth];
    const nIn = this.sizes[k], nOut = this.sizes[k + 1], input = k === 0 ? x : ws.h[k - 1];
    const delta = ws.delta[k], r = this.rd[k];
    // ∂b_k: (nOut) = δ_kᵀ (nOut, B) · 1 (B)
    blas.sgemv(true, B, nOut, scale, delta, nOut, ws.ones, 0, g.b[k]);
    if (!r) {
      // ∂W_k: (nOut, nIn) = δ_kᵀ (nOut, B) · input (B, nIn)
      blas.sgemm(true, false, nOut, nIn, B, scale, delta, nOut, input, nIn, 0, g.w[k], nIn);
      return;
    }
    // RD: with M = δᵀ·input (nOut, nIn), the gradient of the effective matrix,
    //   ∂d2_j = Σ_i M_ji R_ji d1_i,   ∂d1_i = Σ_j M_ji R_ji d2_j (BP);
    // under DFA, D1 gets e through B_RD instead: ∂d1_i = Σ_c B_ci (eᵀ·input)_ci.
    const { m, m2 } = this.#rdScratch[k]!, R = this.weights[k].data;
    blas.sgemm(true, false, nOut, nIn, B, scale, delta, nOut, input, nIn, 0, m, nIn);
    const gd1 = g.d1[k], gd2 = g.d2[k];
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let i = 0, o = j * nIn; i < nIn; i++) s += m[o + i] * R[o + i] * r.d1[i];
      gd2[j] = s;
    }
    if (rule === "dfa") {
      const e = ws.delta[this.depth - 1], F = r.feedback!.data;
      blas.sgemm(true, false, C, nIn, B, scale, e, C, input, nIn, 0, m2!, nIn);
      gd1.fill(0);
      for (let c = 0; c < C; c++) {
        for (let i = 0, o = c * nIn; i < nIn; i++) gd1[i] += F[o + i] * m2![o + i];
      }
    } else {
      gd1.fill(0);
      for (let j = 0; j < nOut; j++) {
        const d2 = r.d2[j];
        for (let i = 0, o = j * nIn; i < nIn; i++) gd1[i] += m[o + i] * R[o + i] * d2;
      }
    }
  }

  /** Layer k's effective matrix D2·R·D1 (nOut, nIn), computed into its scratch. */
  #effective(k: number): Float32Array {
    const r = this.rd[k]!, w = this.#rdScratch[k]!.w, R = this.weights[k].data;
    const nIn = this.sizes[k], nOut = this.sizes[k + 1];
    for (let j = 0; j < nOut; j++) {
      const d2 = r.d2[j];
      for (let i = 0, o = j * nIn; i < nIn; i++) w[o + i] = d2 * R[o + i] * r.d1[i];
    }
    return w;
  }

  /**
   * Updates the parameters from the δs in `ws.delta`. Plain SGD is fused into the gradient GEMMs
   * (W ← W − lr·δᵀ·h₋, no gradient buffer); other optimisers get the gradients first.
   *
   * @param ws The buffers, after {@linkcode Network.backwardBatch}.
   * @param B Samples in the batch.
   * @param optimizer The optimiser.
   * @param x Inputs; default `ws.x`.
   * @param scale Multiplies the gradients: 1 for the summed loss (the original's), 1/B for the mean.
   */
  applyUpdate(
    ws: Workspace,
    B: number,
    optimizer: Optimizer,
    x: Float32Array = ws.x,
    scale = 1,
  ): void {
    const blas = getBlas(), { sizes } = this;
    if (optimizer.isPlainSgd) {
      const lr = optimizer.options.lr * scale;
      for (let k = 0; k < this.depth; k++) {
        const nIn = sizes[k], nOut = sizes[k + 1], input = k === 0 ? x : ws.h[k - 1];
        if (this.rd[k]) {
          this.#layerGradients(ws, B, x, k, this.rule, scale);
          this.#updateLayer(k, optimizer);
          continue;
        }
        blas.sgemm(
          true,
          false,
          nOut,
          nIn,
          B,
          -lr,
          ws.delta[k],
          nOut,
          input,
          nIn,
          1,
          this.weights[k].data,
          nIn,
        );
        if (this.bias) {
          blas.sgemv(true, B, nOut, -lr, ws.delta[k], nOut, ws.ones, 1, this.biases[k]);
        }
      }
      return;
    }
    this.gradients(ws, B, x, this.rule, scale);
    for (let k = 0; k < this.depth; k++) this.#updateLayer(k, optimizer);
  }

  /** Applies the optimiser to layer k's parameters from {@linkcode Network.grads}. */
  #updateLayer(k: number, optimizer: Optimizer): void {
    const g = this.grads, r = this.rd[k];
    if (r) {
      optimizer.update(3 * k, r.d1, g.d1[k]);
      optimizer.update(3 * k + 2, r.d2, g.d2[k]);
    } else optimizer.update(3 * k, this.weights[k].data, g.w[k]);
    if (this.bias) optimizer.update(3 * k + 1, this.biases[k], g.b[k]);
  }

  /**
   * One training step on the batch in `ws.x` (or `x`), `ws.y`, `ws.labels`: forward, output error, the
   * rule's δs, update.
   *
   * @param ws The buffers holding the batch.
   * @param B Samples in the batch.
   * @param optimizer The optimiser.
   * @param scale Multiplies the gradients: 1 for the summed loss, 1/B for the batch mean.
   * @param x Inputs (B, n₀); default `ws.x`.
   * @returns The batch's summed loss and misclassification count (`ws.result`, reused).
   */
  trainBatch(
    ws: Workspace,
    B: number,
    optimizer: Optimizer,
    scale = 1,
    x: Float32Array = ws.x,
  ): BatchResult {
    const C = this.sizes[this.depth], result = ws.result;
    const yHat = this.forwardBatch(ws, B, x);
    result.loss = lossAndError(this.loss, yHat, ws.y, ws.delta[this.depth - 1], B * C);
    result.errors = countErrors(yHat, ws.labels, B, C);
    if (Number.isFinite(result.loss)) {
      this.backwardBatch(ws, B);
      this.applyUpdate(ws, B, optimizer, x, scale);
    }
    return result;
  }

  #evalWorkspace(): Workspace {
    return this.#evalWs ??= this.workspace(1000);
  }

  /**
   * Runs `x` through the network in chunks.
   *
   * @param x Inputs (samples, n₀).
   * @param raw Return the output layer's pre-activations instead of ŷ.
   * @returns Outputs (samples, classes).
   */
  predict(x: Matrix, raw = false): Matrix {
    if (x.cols !== this.sizes[0]) {
      throw new RangeError(
        `Cannot run the network on ${x.cols} features: it takes ${this.sizes[0]}`,
      );
    }
    const C = this.sizes[this.depth], out = new Matrix(x.rows, C), ws = this.#evalWorkspace();
    for (let s = 0; s < x.rows; s += ws.maxBatch) {
      const B = Math.min(ws.maxBatch, x.rows - s);
      const y = this.forwardBatch(ws, B, x.data.subarray(s * x.cols, (s + B) * x.cols), raw);
      out.data.set(y.subarray(0, B * C), s * C);
    }
    return out;
  }

  /**
   * Mean loss per sample and error rate on a dataset.
   *
   * @param data The samples, targets and labels.
   * @returns The mean loss and the fraction misclassified.
   */
  evaluate(data: Dataset): { loss: number; error: number } {
    const C = this.sizes[this.depth], n = data.x.rows, ws = this.#evalWorkspace();
    if (data.x.cols !== this.sizes[0] || data.y.cols !== C) {
      throw new RangeError(
        `Cannot evaluate on ${data.x.cols} features and ${data.y.cols} classes: the network takes ${
          this.sizes[0]
        } and ${C}`,
      );
    }
    let loss = 0, errors = 0;
    for (let s = 0; s < n; s += ws.maxBatch) {
      const B = Math.min(ws.maxBatch, n - s);
      const yHat = this.forwardBatch(
        ws,
        B,
        data.x.data.subarray(s * data.x.cols, (s + B) * data.x.cols),
      );
      loss += lossAndError(
        this.loss,
        yHat,
        data.y.data.subarray(s * C),
        ws.delta[this.depth - 1],
        B * C,
      );
      errors += countErrors(yHat, data.labels.subarray(s, s + B), B, C);
    }
    return { loss: loss / n, error: errors / n };
  }

  /**
   * The parameters and configuration as arrays: `W1…`, `b1…`, feedback `B1…`, RD layers'
   * diagonals `D1_k`, `D2_k` (and DFA feedback `BRk`; their R is `Wk`), and `config`
   * (the JSON configuration as uint8 bytes; in NumPy, `bytes(z["config"]).decode()`).
   *
   * @returns The arrays by name.
   */
  toArrays(): NpzArrays {
    const json = new TextEncoder().encode(JSON.stringify(this.config));
    const out: NpzArrays = { config: ndarray("uint8", [json.length], json) };
    this.weights.forEach((w, k) => out[`W${k + 1}`] = ndarray("float32", [w.rows, w.cols], w.data));
    this.biases.forEach((b, k) => out[`b${k + 1}`] = ndarray("float32", [b.length], b));
    this.feedback.forEach((f, k) =>
      out[`B${k + 1}`] = ndarray("float32", [f.rows, f.cols], f.data)
    );
    this.rd.forEach((r, k) => {
      if (!r) return;
      out[`D1_${k + 1}`] = ndarray("float32", [r.d1.length], r.d1);
      out[`D2_${k + 1}`] = ndarray("float32", [r.d2.length], r.d2);
      if (r.feedback) {
        out[`BR${k + 1}`] = ndarray("float32", [r.feedback.rows, r.feedback.cols], r.feedback.data);
      }
    });
    return out;
  }

  /**
   * A network from {@linkcode Network.toArrays}'s arrays.
   *
   * @param arrays The arrays.
   * @param where Where they came from, for error messages.
   * @returns The network.
   * @throws {DataFormatError} When an array is missing or misshapen.
   */
  static fromArrays(arrays: NpzArrays, where = "the arrays"): Network {
    const get = (k: string): NdArray => {
      const a = arrays[k];
      if (!a) throw new DataFormatError(`Cannot load a network from ${where}: '${k}' is missing`);
      return a;
    };
    const config = JSON.parse(
      new TextDecoder().decode(get("config").data as Uint8Array),
    ) as NetworkConfig;
    const L = config.sizes.length - 1;
    const mat = (k: string) => {
      const a = get(k);
      if (a.dtype !== "float32" || a.shape.length !== 2) {
        throw new DataFormatError(
          `Cannot load a network from ${where}: '${k}' must be a 2-D float32 array`,
        );
      }
      return new Matrix(a.shape[0], a.shape[1], a.data as Float32Array);
    };
    const weights = Array.from({ length: L }, (_, k) => mat(`W${k + 1}`));
    const biases = Array.from({ length: L }, (_, k) => get(`b${k + 1}`).data as Float32Array);
    const feedback = config.rule === "bp"
      ? []
      : Array.from({ length: L - 1 }, (_, k) => mat(`B${k + 1}`));
    config.layers ??= new Array(L).fill("dense");
    const rd = config.layers.map((kind, k): RdParams | undefined =>
      kind === "rd"
        ? {
          d1: get(`D1_${k + 1}`).data as Float32Array,
          d2: get(`D2_${k + 1}`).data as Float32Array,
          feedback: config.rule === "dfa" ? mat(`BR${k + 1}`) : undefined,
        }
        : undefined
    );
    try {
      return new Network(config, weights, biases, feedback, rd);
    } catch (error) {
      throw new DataFormatError(`Cannot load a network from ${where}: ${(error as Error).message}`);
    }
  }

  /**
   * Saves the network as an `.npz` file that NumPy opens.
   *
   * @param path The file.
   */
  save(path: string): void {
    saveNpz(path, this.toArrays());
  }

  /**
   * Loads a network saved by {@linkcode Network.save}.
   *
   * @param path The file.
   * @returns The network.
   */
  static load(path: string): Network {
    return Network.fromArrays(loadNpz(path), path);
  }
}

/**
 * The gradients of a network's parameters, layer by layer (empty where a layer lacks one).
 *
 * @example
 * ```ts
 * import { type Gradients, Network } from "../../mod.ts";
 * const g: Gradients = Network.create({ sizes: [3, 2] }).grads;
 * console.log(g.w[0].length, g.b[0].length); // 6 2
 * ```
 */
export interface Gradients {
  /** ∂W_k (dense layers). */
  w: Float32Array[];
  /** ∂b_k. */
  b: Float32Array[];
  /** ∂d1 (RD layers). */
  d1: Float32Array[];
  /** ∂d2 (RD layers). */
  d2: Float32Array[];
}

/** a: (B, nOut) = 1·bᵀ + input · Wᵀ, the bias broadcast by a rank-one GEMM. */
function denseForward(
  blas: ReturnType<typeof getBlas>,
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
