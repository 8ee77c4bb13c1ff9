/**
 * The training loop: epochs of shuffled mini-batches, evaluation after each epoch, the original's
 * stopping tolerance, alignment diagnostics, and a clear error when the loss diverges.
 *
 * @module
 */

import { BatchSource } from "../data/batches.ts";
import { checkDataset, type Dataset } from "../data/dataset.ts";
import { alignment } from "./alignment.ts";
import type { Network } from "../model/network.ts";
import { Optimizer } from "./optimizers.ts";
import { Rng } from "../tensor/random.ts";
import { trainStep } from "./step.ts";
import {
  checkTrainOptions,
  type EpochStats,
  type TrainOptions,
  type TrainResult,
} from "./train_options.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { networkGenerators } from "./checkpoint.ts";
import { getBlas } from "../native/get_blas.ts";

export { checkTrainOptions } from "./train_options.ts";
export type { EpochStats, TrainOptions, TrainResult } from "./train_options.ts";

/**
 * Thrown when training produces a non-finite loss; callers catch it to report the divergence.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train, TrainingDivergedError } from "../../mod.ts";
 * const x = Matrix.from([[1, 2], [3, 4]]), y = Matrix.from([[1, 0], [0, 1]]);
 * const net = Network.create({ sizes: [2, 4, 2], loss: "mse", hidden: "linear", seed: 1 });
 * const error = assertThrows(
 *   () => train(net, { x, y, labels: rowArgmax(y) }, { epochs: 100, batchSize: 2, optimizer: { name: "sgd", lr: 100 } }),
 *   TrainingDivergedError,
 * );
 * assertEquals(error.epoch >= 1, true);
 * ```
 */
export class TrainingDivergedError extends Error {
  /** The epoch (1-based) in which the loss stopped being finite. */
  readonly epoch: number;
  /** The batch (1-based) within that epoch. */
  readonly batch: number;

  /**
   * Creates the error.
   *
   * @param epoch The epoch.
   * @param batch The batch.
   * @param loss The loss seen.
   */
  constructor(epoch: number, batch: number, loss: number) {
    super(
      `Cannot continue training: the loss diverged at epoch ${epoch}, batch ${batch}: ${loss} ` +
        `(try a smaller learning rate)`,
    );
    this.name = "TrainingDivergedError";
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * Trains a network on a dataset.
 *
 * @example Learn XOR-like labels with DFA
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, train } from "../../mod.ts";
 * const x = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = Matrix.from([[1, 0], [0, 1], [0, 1], [1, 0]]);
 * const data = { x, y, labels: new Uint8Array([0, 1, 1, 0]) };
 * const net = Network.create({ sizes: [2, 16, 2], init: "xavier", seed: 2 });
 * const result = train(net, data, { epochs: 5, batchSize: 4, optimizer: { name: "adam", lr: 0.01 } });
 * assertEquals(result.epochs.length, 5);
 * ```
 *
 * @param net The network, updated in place.
 * @param data The training set, or a {@linkcode BatchSource} of it made beforehand (to share
 *   the one-off encoding of 8-bit inputs among several trainings).
 * @param options Epochs, batch size, optimiser and the rest.
 * @returns Per-epoch statistics.
 * @throws {TrainingDivergedError} When the loss stops being finite.
 * @throws {TypeError} When an option has the wrong type (see {@linkcode checkTrainOptions}).
 * @throws {RangeError} When an option is out of range, or the checkpoint to resume from does not
 *   fit this network, set-up or budget of epochs.
 */
export function train(
  net: Network,
  data: Dataset | BatchSource,
  options: TrainOptions,
): TrainResult {
  checkTrainOptions(options);
  const { epochs, batchSize } = options;
  const source = data instanceof BatchSource ? data : undefined;
  data = source?.data ?? (data as Dataset);
  const n = data.x.rows, C = net.sizes[net.depth];
  if (
    data.x.cols !== net.sizes[0] || data.y.cols !== C || data.y.rows !== n ||
    data.labels.length !== n
  ) {
    throw new RangeError(
      `Cannot train a ${
        net.sizes.join("–")
      } network on ${n}×${data.x.cols} inputs and ${data.y.rows}×${data.y.cols} targets`,
    );
  }
  const batches = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  if (batches === 0) {
    throw new RangeError(
      n === 0
        ? "Cannot train: the training set is empty"
        : `Cannot train: batches of ${batchSize} with the last partial batch dropped leave none ` +
          `of the ${n} training samples`,
    );
  }
  if (!source?.bytes) checkDataset(data, "the training set"); // bytes are k/255: finite
  if (options.test) checkDataset(options.test, "the test set");
  const optimizer = options.optimizer instanceof Optimizer
    ? options.optimizer
    : new Optimizer(options.optimizer);
  const rng = new Rng(options.seed ?? 0);
  const ws = net.workspace(Math.min(batchSize, Math.max(1, n)));
  if (source && source.maxBatch < ws.maxBatch) {
    throw new RangeError(
      `Cannot train with batches of ${batchSize}: the batch source holds at most ${source.maxBatch}`,
    );
  }
  const feed = source ?? new BatchSource(data, ws.maxBatch), order = feed.order;
  const result: TrainResult = { epochs: [], converged: false };
  if (options.validation) checkDataset(options.validation, "the validation set");
  const early = options.validation &&
    new EarlyStopping(net, options.validation, options.patience ?? 10);
  let previousError = NaN, errorMean = 1, first = 1;
  const generators = networkGenerators(net), augmentRng = options.augment?.rng;
  const resume = options.resume;
  if (resume) {
    const fail = (why: string) => new RangeError(`Cannot resume training: ${why}`);
    if (resume.epoch > epochs) {
      throw fail(`the checkpoint is past the ${epochs} epochs asked for: epoch ${resume.epoch}`);
    }
    if (resume.generators.length !== generators.length) {
      throw fail(`the network has ${generators.length} generators: ${resume.generators.length}`);
    }
    if (!resume.augment !== !augmentRng) {
      throw fail(`the checkpoint ${resume.augment ? "has" : "lacks"} an augmentation's generator`);
    }
    if (!resume.early !== !early) {
      throw fail(`the checkpoint ${resume.early ? "has" : "lacks"} early stopping's state`);
    }
    optimizer.setStateOf(net.params, resume.optimizer, net.arena); // where a step puts it
    if (resume.early) early?.setState(resume.early);
    rng.setState(resume.shuffle);
    generators.forEach((g, i) => g.setState(resume.generators[i]));
    if (resume.augment) augmentRng?.setState(resume.augment);
    ({ previousError, errorMean } = resume);
    result.epochs.push(...resume.history);
    first = resume.epoch + 1;
  }
  const baseLr = optimizer.options.lr;
  try {
    // With getBlas({ flushSubnormals }), each step and evaluation runs flushed (not the callbacks).
    const blas = getBlas();
    for (let epoch = first; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      const drops = options.lrDrops?.filter((d) => d < epoch).length ?? 0;
      optimizer.options.lr = baseLr * 0.1 ** drops;
      for (let i = 0; i < n; i++) order[i] = i;
      rng.shuffle(order);
      const stats: EpochStats = { epoch, loss: 0, trainError: 0, seconds: 0 };
      if (options.alignmentEvery && (epoch - 1) % options.alignmentEvery === 0 && net.depth > 1) {
        const x = feed.fill(0, ws.maxBatch, ws);
        if (x !== ws.x) ws.x.set(x.subarray(0, ws.x.length));
        stats.alignment = blas.flushed(() => alignment(net, ws, ws.maxBatch));
      }
      let loss = 0, errors = 0, seen = 0;
      for (let b = 0; b < batches; b++) {
        const start = b * batchSize, B = Math.min(batchSize, n - start);
        const x = feed.fill(start, B, ws);
        options.augment?.(x, B);
        const r = blas.flushed(() =>
          trainStep(net, ws, B, optimizer, { scale: options.reduction === "mean" ? 1 / B : 1, x })
        );
        if (!Number.isFinite(r.loss)) throw new TrainingDivergedError(epoch, b + 1, r.loss);
        loss += r.loss;
        errors += r.errors;
        seen += B;
        options.onBatch?.(b + 1, batches, epoch);
      }
      stats.loss = loss / seen;
      stats.trainError = errors / seen;
      if (options.test) {
        const t = blas.flushed(() => net.evaluate(options.test!));
        stats.testError = t.error;
        stats.testLoss = t.loss;
      }
      const check = blas.flushed(() => early?.after(epoch)); // evaluates the held-out images
      stats.validationError = check?.error;
      stats.seconds = (performance.now() - t0) / 1000;
      result.epochs.push(stats);
      options.onEpoch?.(stats);
      if (check?.stop) break;
      errorMean = 0.75 * errorMean + 0.25 * stats.trainError;
      if (
        (options.tolerance !== undefined &&
          Math.abs(stats.trainError - previousError) <= options.tolerance) ||
        errorMean <= (options.stopAtTrainError ?? -1)
      ) {
        result.converged = true;
        break;
      }
      previousError = stats.trainError;
      options.onCheckpoint?.({
        epoch,
        history: result.epochs.slice(),
        errorMean,
        previousError,
        shuffle: rng.state(),
        generators: generators.map((g) => g.state()),
        augment: augmentRng?.state(),
        optimizer: optimizer.stateOf(net.params),
        early: early?.state(),
      });
    }
    if (early) {
      early.restore();
      result.bestEpoch = early.bestEpoch;
    }
  } finally {
    optimizer.options.lr = baseLr; // a given optimiser leaves as it came, even on a throw
  }
  return result;
}
