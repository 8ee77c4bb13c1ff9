/**
 * Step 3 of the stacking workflow: a model on top of the weak learners' stacked linear outputs —
 * a dense sigmoid layer, or an RD layer (y = σ(D2·R·D1·x), D1 and D2 trained, R fixed).
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { Matrix } from "../tensor/matrix.ts";
import type { Init } from "../model/init.ts";
import type { Loss } from "../model/loss.ts";
import type { OptimizerName } from "../train/optimizers.ts";
import { holdOut } from "../data/split.ts";
import { drawOriginalInit, trainOriginal } from "./original_train.ts";
import { NumpyRandomState } from "../tensor/numpy_random.ts";
import { originalTestError } from "./original_dense.ts";
import {
  checkLinouts,
  type Linouts,
  linoutsAsRows,
  linoutsShape,
  standardize,
} from "./stacked_inputs.ts";
import { prepareRdDfa, warmUp } from "./rd_dfa.ts";
import { Network } from "../model/network.ts";
import { type EpochStats, train } from "../train/train.ts";

/**
 * How to train a stacked model (defaults: the original's).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { StackedModelOptions } from "./mod.ts";
 * const keys: (keyof StackedModelOptions)[] = ["n", "train", "test", "labels", "layer", "rule", "batch", "seed"];
 * assertEquals(keys.length, 8);
 * ```
 */
export interface StackedModelOptions {
  /** Weak learners stacked. */
  n: number;
  /** Their outputs on the training set, (classes · n, samples), or the file that holds them. */
  train: Linouts;
  /** Their outputs on the test set. */
  test: Linouts;
  /** The training and test labels (at least as many as samples), and the number of classes. */
  labels: { train: Uint8Array; test: Uint8Array; classes: number };
  /** `"dense"`: a sigmoid layer classes·n → classes; `"rd"`: an RD layer, no bias. */
  layer: "dense" | "rd";
  /** `"bp"`, or `"dfa"` (RD only: D1 gets the error through a random matrix). */
  rule: "bp" | "dfa";
  /** Most epochs. */
  epochs?: number;
  /** The optimiser's learning rate (its default: see {@linkcode STACKED_DEFAULTS}). */
  lr?: number;
  /** The optimiser. */
  optimizer?: OptimizerName;
  /**
   * `"exact"`: the defaults (exact gradients of the batch-mean loss, Adam, early stopping);
   * `"original"`: the original program's recipe (outputs and error counts from a float64 sigmoid)
   * — dense: SGD lr 1e-4 on batch sums, raw inputs, 100 epochs; RD: D1 by the batch mean and D2 by
   * the first sample of each batch, SGD lr 1e-3, raw inputs, its stopping rule; the parameters and
   * each epoch's permutation drawn from NumPy's legacy generator seeded with `seed`, in the
   * original's order (the original's seed is 1234). By the gradients only (`rule: "bp"`).
   */
  update?: "exact" | "original";
  /**
   * Under `rule: "dfa"` (RD): the matrix that carries the output error to D1 — `"signs"`, R with
   * each class's row multiplied by a random sign (the default: D2 learns the signs, and DFA then
   * trains D1 as well as backprop does); `"aligned"`, R itself; `"random"`, a random matrix of its
   * own (D1 learns next to nothing: measured in the README).
   */
  rdFeedback?: "random" | "aligned" | "signs";
  /** Under `rule: "dfa"` (RD): epochs of exact backprop before DFA takes over. Default 0. */
  warmup?: number;
  /** A trained bias (default: dense yes; rd as the defaults say; original no). */
  bias?: boolean;
  /** Share of the training samples held out for early stopping (0: none). */
  validation?: number;
  /** Epochs without a better validation error before stopping. */
  patience?: number;
  /** Batch size (dense 200, rd 50; the original's 200). */
  batch?: number;
  /** Stop when the training error changes less (the original's rule; default: never). */
  tolerance?: number;
  /** Seed of the initialisation and the shuffling. */
  seed: number;
  /** Weights (dense) or diagonals (rd). Default: dense `"normal"`, rd `"uniform"`. */
  init?: Init;
  /**
   * The output layer and its loss: `"bce"`, sigmoid outputs and binary cross-entropy (the
   * original's; the dense default); `"ce"`, softmax and cross-entropy (the RD default).
   */
  loss?: Loss;
  /** Standardize the inputs by the training statistics (default: dense yes, rd no). */
  standardize?: boolean;
  /** Called after each batch. */
  onBatch?: (done: number, total: number, epoch: number) => void;
  /** Called after each epoch. */
  onEpoch?: (stats: EpochStats) => void;
}

/**
 * The defaults of each stacked model: `dense` and `rd` (exact gradients of the batch-mean loss,
 * Adam, early stopping on a held-out tenth of the training set), and the original program's
 * recipes, `dense-original` (SGD on batch sums, raw inputs) and `original` (its RD update).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { STACKED_DEFAULTS } from "./mod.ts";
 * assertEquals(STACKED_DEFAULTS.original.lr, 0.001);
 * assertEquals(STACKED_DEFAULTS.original.epochs, 200);
 * ```
 */
export const STACKED_DEFAULTS: Record<"dense" | "rd" | "original" | "dense-original", {
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  reduction: "sum" | "mean";
  standardize: boolean;
  validation: number;
  init: Init;
  bias: boolean;
  batch: number;
  loss: Loss;
}> = {
  dense: {
    optimizer: "adam",
    lr: 1e-3,
    epochs: 100,
    reduction: "mean",
    standardize: true,
    validation: 0.1,
    init: "normal",
    bias: true,
    batch: 200,
    loss: "bce",
  },
  rd: {
    optimizer: "adam",
    lr: 1e-3,
    epochs: 100,
    reduction: "mean",
    standardize: true,
    validation: 0.1,
    init: "uniform",
    bias: true,
    batch: 50,
    loss: "ce",
  },
  "dense-original": {
    optimizer: "sgd",
    lr: 1e-4,
    epochs: 100,
    reduction: "sum",
    standardize: false,
    validation: 0,
    init: "normal",
    bias: true,
    batch: 200,
    loss: "bce",
  },
  original: {
    optimizer: "sgd",
    lr: 1e-3,
    epochs: 200,
    reduction: "mean",
    standardize: false,
    validation: 0,
    init: "normal",
    bias: false,
    batch: 200,
    loss: "bce",
  },
};

/**
 * What a stacked model reached.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { StackedModelResult } from "./mod.ts";
 * const r: Pick<StackedModelResult, "testError" | "parameters"> = { testError: 0.1, parameters: 510 };
 * assertEquals(r.parameters, 510);
 * ```
 */
export interface StackedModelResult {
  /** `"dense"` or `"rd"`. */
  layer: "dense" | "rd";
  /** The rule. */
  rule: "bp" | "dfa";
  /** Weak learners stacked. */
  n: number;
  /** Test error. */
  testError: number;
  /** Training error in the last epoch. */
  trainError: number;
  /** Epochs run. */
  epochs: number;
  /** Trainable parameters. */
  parameters: number;
  /** `"standardized"` or `"raw"`. */
  inputs: "standardized" | "raw";
  /** `"exact"` or `"original"`. */
  update: "exact" | "original";
  /** The epoch whose parameters the model ended with (the best on the held-out samples). */
  bestEpoch: number;
  /** Each epoch's loss and errors (`validationError` on the held-out samples). */
  history: EpochStats[];
  /** Seconds. */
  seconds: number;
}

/**
 * Trains a dense or RD model on the stacked outputs and measures its test error.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "../io/mod.ts";
 * import { stackedModel } from "./mod.ts";
 * const out = (s: number) => ndarray("float32", [4, s], Float32Array.from({ length: 4 * s }, (_, i) => (i % 3) - 1));
 * const labels = { train: new Uint8Array(6).fill(1), test: new Uint8Array(2), classes: 2 };
 * const r = stackedModel({ n: 2, train: out(6), test: out(2), labels, layer: "rd", rule: "bp", batch: 3, seed: 1, epochs: 2 });
 * assertEquals(r.parameters, 8);
 * assertEquals(r.epochs, 2); // d1, d2 and a bias
 * ```
 *
 * @param o The outputs, labels and settings.
 * @returns The errors and what was trained.
 * @throws {RangeError} When the outputs do not fit N and the labels, or the original's recipe is
 *   asked with `rule: "dfa"` or a seed outside NumPy's [0, 2³² − 1].
 */
export function stackedModel(o: StackedModelOptions): StackedModelResult {
  const t0 = performance.now(), C = o.labels.classes, rd = o.layer === "rd";
  if (!rd && o.rule !== "bp") {
    throw new RangeError("Cannot train a dense stacked model by DFA: it is one dense layer");
  }
  const original = o.update === "original";
  if (original && o.rule !== "bp") {
    throw new RangeError(
      "Cannot train the original's recipe by DFA: the original trains its stacked models by their gradients (rule bp)",
    );
  }
  const d = STACKED_DEFAULTS[original ? (rd ? "original" : "dense-original") : o.layer];
  const dataset = (a: Linouts, labels: Uint8Array, where: string): Dataset => {
    checkLinouts({ shape: [...linoutsShape(a)] }, o.n, C, labels.length, where);
    // Samples as rows, each with its one-hot label, for the first `samples` images (all, normally).
    const x = linoutsAsRows(a), y = new Matrix(x.rows, C);
    for (let s = 0; s < x.rows; s++) y.data[s * C + labels[s]] = 1;
    return { x, y, labels: labels.slice(0, x.rows) };
  };
  const all = dataset(o.train, o.labels.train, "the training outputs");
  const testSet = dataset(o.test, o.labels.test, "the test outputs");
  const standardized = o.standardize ?? d.standardize;
  if (standardized) standardize(all.x, [all.x, testSet.x]);
  const held = o.validation ?? d.validation;
  const { train: trainSet, validation } = held > 0
    ? holdOut(all, held, o.seed, { inPlace: true })
    : { train: all, validation: undefined };
  const net = Network.create({
    sizes: [C * o.n, C],
    layers: [o.layer],
    loss: o.loss ?? d.loss,
    rule: o.rule,
    init: o.init ?? d.init,
    bias: o.bias ?? d.bias,
    biasInit: "normal",
    feedbackInit: "normal",
    seed: o.seed,
  });
  const epochs = o.epochs ?? d.epochs, lr = o.lr ?? d.lr;
  if (o.rule === "dfa") prepareRdDfa(net, { rdFeedback: o.rdFeedback ?? "signs", seed: o.seed });
  const trainOptions = {
    batchSize: o.batch ?? d.batch,
    optimizer: { name: o.optimizer ?? d.optimizer, lr },
    seed: o.seed,
    dropLast: true,
    reduction: d.reduction,
  };
  if (o.rule === "dfa") warmUp(net, trainSet, o.warmup ?? 0, trainOptions);
  // The original's parameters and permutations: NumPy's stream of the same seed, draw for draw.
  const random = original ? new NumpyRandomState(o.seed) : undefined;
  if (random) drawOriginalInit(net, random);
  const result = random
    ? trainOriginal(net, trainSet, {
      ...trainOptions, // its batch size and seed
      random,
      epochs,
      lr,
      tolerance: o.tolerance ?? (rd ? 1e-7 : undefined),
      onEpoch: o.onEpoch,
    })
    : train(net, trainSet, {
      ...trainOptions,
      epochs,
      tolerance: o.tolerance,
      validation,
      patience: o.patience ?? 10,
      onBatch: o.onBatch,
      onEpoch: o.onEpoch,
    });
  return {
    layer: o.layer,
    rule: o.rule,
    update: original ? "original" : "exact",
    n: o.n,
    testError: original ? originalTestError(net, testSet) : net.evaluate(testSet).error,
    trainError: result.epochs.at(-1)?.trainError ?? NaN,
    epochs: result.epochs.length,
    bestEpoch: result.bestEpoch ?? result.epochs.length,
    parameters: net.params.reduce((t, p) => t + p.value.length, 0),
    inputs: standardized ? "standardized" : "raw",
    seconds: (performance.now() - t0) / 1000,
    history: result.epochs,
  };
}
