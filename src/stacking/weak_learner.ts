/**
 * Stacking DFA nets: weak learners that share an initialisation (or not) but each draw their own
 * random feedback matrix, their linear (pre-sigmoid) outputs stacked learner after learner, and
 * the split of N learners into shards for many machines.
 *
 * @module
 */

import type { BatchSource } from "../data/batches.ts";
import type { DatasetSplits } from "../data/dataset.ts";
import { Network } from "../model/network.ts";
import { train } from "../train/train.ts";
import { transposeInto } from "../data/dataset.ts";

/**
 * How every weak learner of a run is trained (the original's defaults in brackets).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS, type WeakLearnerConfig } from "./mod.ts";
 * const config: WeakLearnerConfig = { ...WEAK_LEARNER_DEFAULTS, diff: true };
 * assertEquals(config.epochs, 1);
 * assertEquals(config.lr, 0.001);
 * ```
 */
export interface WeakLearnerConfig {
  /** Seed of the run: every learner's seeds derive from it. */
  seed: number;
  /** Each learner has its own initialisation (`diff-weak-learners`) [false]. */
  diff: boolean;
  /** Hidden tanh units [800]. */
  hidden: number;
  /** Most epochs per learner [1]. */
  epochs: number;
  /** SGD learning rate on batch sums [1e-3]. */
  lr: number;
  /** Batch size [200]. */
  batch: number;
  /** Stop a learner when its training error changes by no more than this [1e-3]. */
  tolerance: number;
}

/**
 * The original's defaults.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * assertEquals(WEAK_LEARNER_DEFAULTS.batch, 200);
 * assertEquals(WEAK_LEARNER_DEFAULTS.hidden, 800);
 * ```
 */
export const WEAK_LEARNER_DEFAULTS: Omit<WeakLearnerConfig, "diff"> = {
  seed: 1234,
  hidden: 800,
  epochs: 1,
  lr: 1e-3,
  batch: 200,
  tolerance: 1e-3,
};

/**
 * What one weak learner produced.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { WeakLearnerResult } from "./mod.ts";
 * const r: WeakLearnerResult = { index: 0, classes: 10, train: new Float32Array(10), test: new Float32Array(10), trainError: 0.3, testError: 0.2, epochs: 1 };
 * assertEquals(r.testError, 0.2);
 * ```
 */
export interface WeakLearnerResult {
  /** Which learner (0-based). */
  index: number;
  /** Classes: rows of its outputs. */
  classes: number;
  /** Its linear outputs on the training set, (classes, samples), samples in their original order. */
  train: Float32Array;
  /** Its linear outputs on the test set, (classes, samples). */
  test: Float32Array;
  /** Its training error in its last epoch. */
  trainError: number;
  /** Its test error. */
  testError: number;
  /** Epochs it trained. */
  epochs: number;
}

/**
 * A seed for learner `index`'s stream `stream` (0 init, 1 feedback, 2 shuffling), decorrelated
 * from its neighbours' by a multiplicative hash.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { learnerSeed } from "./mod.ts";
 * assertEquals(learnerSeed(1234, 0, 1) !== learnerSeed(1234, 1, 1), true); // each learner its own feedback
 * ```
 *
 * @param seed The run's seed.
 * @param index The learner.
 * @param stream Which random stream.
 * @returns A safe integer.
 */
export function learnerSeed(seed: number, index: number, stream: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(index + 1, 0xc2b2ae35) ^
    Math.imul(stream + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) + Math.floor(seed / 4294967296) * 4294967296;
}

/**
 * Trains weak learner `index`: a 784–800–10 tanh/sigmoid net with DFA and plain SGD. With
 * `diff` false every learner starts from the run's one N(0, 1) initialisation; each has its own
 * feedback matrix and shuffling.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * import { trainWeakLearner, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0], [1, 1], [0, 0]]), y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
 * const data = { x, y, labels: rowArgmax(y) };
 * const r = trainWeakLearner(0, { ...WEAK_LEARNER_DEFAULTS, hidden: 8, batch: 2, diff: false }, { train: data, test: data });
 * assertEquals(r.train.length, 8); // (classes, samples) linear outputs
 * ```
 *
 * @param index The learner (0-based).
 * @param config The run's settings.
 * @param data MNIST (or any classification data).
 * @param source The training set made ready for batches once for all the learners (its 8-bit
 *   inputs encoded once); by default each learner makes its own.
 * @returns Its linear outputs and errors.
 */
export function trainWeakLearner(
  index: number,
  config: WeakLearnerConfig,
  data: DatasetSplits,
  source?: BatchSource,
): WeakLearnerResult {
  const { train: tr, test } = data, C = tr.y.cols;
  const net = Network.create({
    sizes: [tr.x.cols, config.hidden, C],
    hidden: "tanh",
    loss: "bce",
    rule: "dfa",
    init: "normal",
    biasInit: "normal",
    feedbackInit: "normal",
    seed: config.diff ? learnerSeed(config.seed, index, 0) : config.seed,
    feedbackSeed: learnerSeed(config.seed, index, 1),
  });
  if (source && source.data !== tr) {
    throw new RangeError("Cannot train a weak learner: the batch source holds other data");
  }
  const result = train(net, source ?? tr, {
    epochs: config.epochs,
    batchSize: config.batch,
    optimizer: { name: "sgd", lr: config.lr },
    seed: learnerSeed(config.seed, index, 2),
    tolerance: config.tolerance,
    dropLast: true,
  });
  const columns = (x: typeof tr.x) => {
    const out = net.predict(x, true); // (samples, classes), pre-sigmoid
    const t = new Float32Array(out.size);
    transposeInto(out.data, out.rows, out.cols, t);
    return t;
  };
  return {
    index,
    classes: C,
    train: columns(tr.x),
    test: columns(test.x),
    trainError: result.epochs.at(-1)?.trainError ?? NaN,
    testError: net.evaluate(test).error,
    epochs: result.epochs.length,
  };
}
