/**
 * A network: layers composed in order, a hidden activation between them, an output layer and
 * loss, and a training rule with its fixed feedback matrices. Activations are batch-major: a
 * layer's output is (batch, width). For layer k (0-based):
 *
 *   forward   a_k = h_{k−1}·W_kᵀ + 1·b_kᵀ,  h_k = f(a_k)     (the output layer uses the loss's f)
 *   error     e = ŷ − y                                       (batch, classes)
 *   backward  δ_k = signal_k ⊙ f′(a_k), the signal by the rule (rules/): BP δ_{k+1}·W_{k+1},
 *             FA δ_{k+1}·F_{k+1}, DFA e·B_k
 *   gradients each layer's, from its δ and input (layers/)
 *
 * The network does not know what its layers are or how its rule works: it asks them.
 *
 * @module
 */

import type { Activation } from "../kernels/activations.ts";
import { activateIn, multiplyDerivativeIn } from "../kernels/activation_kernels.ts";
import { Arena } from "../kernels/arena.ts";
import { checkDataset, type Dataset } from "../data/dataset.ts";
import { countErrors, type Loss, lossAndError, outputActivate } from "./loss.ts";
import { Matrix } from "../tensor/matrix.ts";
import type { Layer, LayerInit } from "./layers/layer.ts";
import { LAYER_KINDS } from "./layers/registry.ts";
import { type NetworkConfig, networkConfig, type NetworkOptions } from "./network_config.ts";
import { checkValues } from "./shapes.ts";
import { createNetwork } from "./network_factory.ts";
import type { Param } from "./param.ts";
import { FEEDBACK_RULES, type Rule } from "./rules/registry.ts";
import { Workspace } from "./workspace.ts";
import { DEFAULT_MAX_BYTES } from "./memory.ts";
import { passesDown, type RuleState, ruleState, sendSignal } from "./signals.ts";

/**
 * A network of layers with its feedback matrices.
 *
 * @example Build, predict
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network } from "../../mod.ts";
 * const net = Network.create({ sizes: [4, 8, 3], rule: "dfa", seed: 1 });
 * assertEquals(net.predict(new Matrix(1, 4)).cols, 3);
 * assertEquals(net.params.map((p) => p.name), [ "W1", "b1", "W2", "b2" ]);
 * ```
 */
export class Network {
  /** The architecture. */
  readonly config: Readonly<NetworkConfig>;
  /** The layers, input side first. */
  readonly layers: readonly Layer[];
  /** Per hidden layer, the rule's fixed matrix: DFA B_k (classes, n_{k+1}); FA F_{k+1}; BP none. */
  readonly feedback: readonly Matrix[];
  /** Every layer's trainable parameters, in order. */
  readonly params: readonly Param[];
  /** Holds the parameters, their gradients and the optimisers' state, for the SIMD kernels. */
  readonly arena: Arena;
  /** What the rule keeps between batches (scratch for backward weights, a generator). */
  readonly ruleState: RuleState;
  /** The most bytes a workspace of it may take (`NetworkOptions.maxBytes`; raise it for more). */
  maxBytes: number = DEFAULT_MAX_BYTES;
  #evalWs?: Workspace;
  #bound?: Workspace;

  /**
   * A network from given values (copied into its arena); see {@linkcode Network.create} to draw
   * new ones and `loadNetwork` to read saved ones.
   *
   * @param config The architecture.
   * @param layers Each layer's values.
   * @param feedback The rule's matrices, one per hidden layer (none for BP).
   * @throws {RangeError} When a shape disagrees with the architecture.
   */
  constructor(config: NetworkConfig, layers: readonly LayerInit[], feedback: readonly Matrix[]) {
    const c = this.config = networkConfig(config);
    const inits = checkValues(c, layers, feedback);
    const kinds = inits.map((_, k) => LAYER_KINDS[c.layers[k]]);
    this.arena = new Arena(inits.reduce((t, init, k) => t + kinds[k].arenaFloats(init), 0));
    this.layers = inits.map((init, k) => kinds[k].build(init, this.arena));
    this.params = this.layers.flatMap((l) => l.params);
    this.feedback = feedback;
    this.ruleState = ruleState(this.layers, c.rule);
  }

  /**
   * A new network, its values drawn from a seed.
   *
   * @param options Architecture, rule and initialisation.
   * @returns The network.
   */
  static create(options: NetworkOptions): Network {
    return createNetwork(options);
  }

  /** Layer widths, input first. */
  get sizes(): readonly number[] {
    return this.config.sizes;
  }

  /** One activation per hidden layer. */
  get hidden(): readonly Activation[] {
    return this.config.hidden;
  }

  /** Output layer and loss. */
  get loss(): Loss {
    return this.config.loss;
  }

  /** The training rule. */
  get rule(): Rule {
    return this.config.rule;
  }

  /** Number of layers. */
  get depth(): number {
    return this.layers.length;
  }

  /**
   * Buffers for batches of up to `maxBatch` samples.
   *
   * @param maxBatch The largest batch.
   * @param training Whether it runs backward passes too (false: evaluation only, less scratch).
   * @returns The workspace.
   */
  workspace(maxBatch: number, training = true): Workspace {
    const scratch = this.layers.map((l) => l.scratchFloats?.(maxBatch, training) ?? 0);
    return new Workspace(this.sizes, maxBatch, scratch, this.maxBytes);
  }

  /**
   * The inputs as the first layer takes them: a layer that works in workspace scratch (a
   * convolution) runs its SIMD kernels only on inputs in the workspace's arena, so they are copied
   * into `ws.x`; any other layer reads them where they are.
   *
   * @param ws The workspace of the pass.
   * @param x The batch's inputs.
   * @param n How many values of `x` the batch takes (default all).
   * @returns `x`, or `ws.x` when they were copied there.
   */
  stageInputs(ws: Workspace, x: Float32Array, n: number = x.length): Float32Array {
    if (!this.layers[0].scratchFloats || ws.arena.holds(x)) return x;
    ws.x.set(x.subarray(0, n));
    return ws.x;
  }

  /** Hands every layer its scratch in `ws`, when another workspace ran last. */
  #bind(ws: Workspace): void {
    if (this.#bound === ws) return;
    this.layers.forEach((l, k) => l.bind?.(ws.scratch[k], ws.arena, ws.maxBatch));
    this.#bound = ws;
  }

  /**
   * The forward pass of `B` samples: every layer's output into `ws.h`.
   *
   * @param ws The buffers.
   * @param B Samples in the batch.
   * @param x Inputs (B, n₀); default `ws.x`.
   * @param raw Leave the output layer's pre-activations (the "linear outputs") instead of ŷ.
   * @param training A training step's pass (dropout draws a mask) rather than evaluation.
   * @returns The output buffer `ws.h[last]` (its first B rows).
   */
  forward(
    ws: Workspace,
    B: number,
    x: Float32Array = ws.x,
    raw = false,
    training = false,
  ): Float32Array {
    const L = this.depth;
    this.#bind(ws);
    let input = x;
    this.layers.forEach((layer, k) => {
      const a = ws.h[k]; // a: (B, n_{k+1})
      layer.forward(input, B, ws.ones, a, training);
      if (k < L - 1) activateIn(ws.arena, this.hidden[k], a, B * layer.outputs);
      else if (!raw && this.loss === "bce") activateIn(ws.arena, "sigmoid", a, B * layer.outputs);
      else if (!raw) outputActivate(this.loss, a, B, layer.outputs);
      input = a;
    });
    return ws.h[L - 1];
  }

  /**
   * The hidden δs, by this network's rule (or `rule`), for the output error in `ws.delta[last]`.
   *
   * @param ws The buffers, after {@linkcode Network.forward} and the output error.
   * @param B Samples in the batch.
   * @param rule Override of the rule: `"bp"` is always possible.
   * @throws {RangeError} When `rule` needs feedback matrices this network does not have.
   */
  backward(ws: Workspace, B: number, rule: Rule = this.rule): void {
    if (rule !== "bp" && rule !== this.rule) {
      throw new RangeError(
        `Cannot run ${rule} on a ${this.rule} network: its feedback matrices are for ${this.rule}`,
      );
    }
    this.#bind(ws);
    const { layers } = this, deltas = ws.delta, direct = FEEDBACK_RULES[rule].direct;
    for (let k = this.depth - 2; k >= 0; k--) {
      const out = deltas[k]; // δ_k: (B, n_{k+1})
      sendSignal(this, rule, { deltas, k, B, out, target: ws.y });
      multiplyDerivativeIn(ws.arena, this.hidden[k], ws.h[k], out, B * layers[k].outputs);
      // Dropped units get no direct update (a signal through the dropout has its mask already).
      if (direct && !passesDown(this, rule, k)) layers[k + 1].maskBelow?.(out, B);
    }
  }

  /**
   * Every parameter's gradient (into its `grad`) from the δs in `ws.delta`.
   *
   * @param ws The buffers, after {@linkcode Network.backward}.
   * @param B Samples in the batch.
   * @param options `x`, the inputs (default `ws.x`); `rule`, the rule the δs came from (an RD
   *   layer's D1 signal depends on it; default the network's); `scale`, multiplying the gradients
   *   (1 for the summed loss, the default; 1/B for the batch mean).
   */
  gradients(
    ws: Workspace,
    B: number,
    options: { x?: Float32Array; rule?: Rule; scale?: number } = {},
  ): void {
    const { x = ws.x, rule = this.rule, scale = 1 } = options;
    this.#bind(ws);
    const e = FEEDBACK_RULES[rule].direct ? ws.delta[this.depth - 1] : undefined;
    this.layers.forEach((layer, k) =>
      layer.gradients(k === 0 ? x : ws.h[k - 1], ws.delta[k], B, scale, ws.ones, e)
    );
  }

  /**
   * The evaluation workspace: chunks of 1 000 samples, fewer where the layers' scratch (a
   * convolution's patches, C·k² floats a position) would pass 32 MiB or all would pass maxBytes.
   */
  #evalWorkspace(): Workspace {
    if (this.#evalWs) return this.#evalWs;
    const perSample = this.layers.reduce((t, l) => t + (l.scratchFloats?.(1, false) ?? 0), 0);
    const floats = this.sizes.reduce((t, n) => t + 2 * n, perSample + 1); // with activations
    const most = Math.min(1000, 0.225 * this.maxBytes / floats, 2 ** 23 / Math.max(1, perSample));
    return this.#evalWs = this.workspace(Math.max(1, Math.floor(most)), false);
  }

  /**
   * Runs `x` through the network in chunks.
   *
   * @param x Inputs (samples, n₀).
   * @param raw Return the output layer's pre-activations instead of ŷ.
   * @returns Outputs (samples, classes).
   * @throws {RangeError} When `x` has the wrong width.
   */
  predict(x: Matrix, raw = false): Matrix {
    const n0 = this.sizes[0], C = this.sizes[this.depth];
    if (x.cols !== n0) {
      throw new RangeError(`Cannot run the network on ${x.cols} features: it takes ${n0}`);
    }
    const out = new Matrix(x.rows, C), ws = this.#evalWorkspace();
    for (let s = 0; s < x.rows; s += ws.maxBatch) {
      const B = Math.min(ws.maxBatch, x.rows - s);
      const y = this.forward(
        ws,
        B,
        this.stageInputs(ws, x.data.subarray(s * n0, (s + B) * n0)),
        raw,
      );
      out.data.set(y.subarray(0, B * C), s * C);
    }
    return out;
  }

  /**
   * Mean loss per sample and error rate on a dataset.
   *
   * @param data The samples, targets and labels.
   * @returns The mean loss and the fraction misclassified.
   * @throws {RangeError} When the data's widths differ from the network's.
   */
  evaluate(data: Dataset): { loss: number; error: number } {
    const n0 = this.sizes[0], C = this.sizes[this.depth], n = data.x.rows;
    if (data.x.cols !== n0 || data.y.cols !== C) {
      throw new RangeError(
        `Cannot evaluate on ${data.x.cols} features and ${data.y.cols} classes: the network takes ${n0} and ${C}`,
      );
    }
    if (n === 0) throw new RangeError("Cannot evaluate on an empty dataset");
    checkDataset(data, "the evaluation set");
    const ws = this.#evalWorkspace(), e = ws.delta[this.depth - 1];
    let loss = 0, errors = 0;
    for (let s = 0; s < n; s += ws.maxBatch) {
      const B = Math.min(ws.maxBatch, n - s);
      const yHat = this.forward(
        ws,
        B,
        this.stageInputs(ws, data.x.data.subarray(s * n0, (s + B) * n0)),
      );
      loss += lossAndError(this.loss, yHat, data.y.data.subarray(s * C), e, B * C);
      errors += countErrors(yHat, data.labels.subarray(s, s + B), B, C);
    }
    return { loss: loss / n, error: errors / n };
  }
}
