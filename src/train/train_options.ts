/**
 * What {@linkcode train} takes and gives: its options, each epoch's statistics and the outcome.
 *
 * @module
 */

import type { Augment } from "../data/augment.ts";
import type { Dataset } from "../data/dataset.ts";
import type { LayerAlignment } from "./alignment.ts";
import { Optimizer, type OptimizerOptions } from "./optimizers.ts";
import type { TrainCheckpoint } from "./checkpoint.ts";
import { checkCheckpoint } from "./checkpoint_check.ts";

/**
 * What happened in one epoch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type EpochStats, Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1]]);
 * const seen: EpochStats[] = [];
 * train(Network.create({ sizes: [2, 2] }), { x: Matrix.from([[1, 0], [0, 1]]), y, labels: rowArgmax(y) }, {
 *   epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 }, onEpoch: (s) => seen.push(s),
 * });
 * assertEquals(seen.map((s) => s.epoch), [1, 2]);
 * ```
 */
export interface EpochStats {
  /** 1-based. */
  epoch: number;
  /** Mean training loss per sample over the epoch's batches. */
  loss: number;
  /** Fraction of training samples misclassified during the epoch (before each batch's update). */
  trainError: number;
  /** Fraction of test samples misclassified after the epoch (when a test set is given). */
  testError?: number;
  /** Mean test loss per sample (when a test set is given). */
  testLoss?: number;
  /** Fraction of validation samples misclassified after the epoch (with `validation`). */
  validationError?: number;
  /** Seconds the epoch took, evaluation included. */
  seconds: number;
  /** Per hidden layer, at the start of the epoch (when asked for). */
  alignment?: LayerAlignment[];
}

/**
 * How to train.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { TrainOptions } from "../../mod.ts";
 * const options: TrainOptions = { epochs: 100, batchSize: 64, optimizer: { name: "rmsprop", lr: 1e-4 }, seed: 1 };
 * assertEquals(options.batchSize, 64);
 * ```
 */
export interface TrainOptions {
  /** The most epochs to run. */
  epochs: number;
  /** Samples per batch. */
  batchSize: number;
  /** The optimiser, or its settings. */
  optimizer: Optimizer | OptimizerOptions;
  /** Epochs after which the learning rate is divided by 10 (a step schedule: `[50, 75]`). */
  lrDrops?: readonly number[];
  /** Seed of the shuffling. Default 0. */
  seed?: number;
  /** Evaluated after every epoch. */
  test?: Dataset;
  /**
   * Stop when the training error changes by no more than this between epochs (the original's
   * rule). Default: never stop early.
   */
  tolerance?: number;
  /**
   * Stop once the running mean of the training error, 0.75·previous + 0.25·the epoch's (from 1),
   * is at or below this: Nøkland's dfa-torch stops at 1e-4. Default: never.
   */
  stopAtTrainError?: number;
  /**
   * Gradients of the batch's summed loss (`"sum"`, the original's, so the learning rate scales with
   * the batch size) or of its mean (`"mean"`). Default `"sum"`.
   */
  reduction?: "sum" | "mean";
  /** Drop the last partial batch of each epoch, as the original did. Default false. */
  dropLast?: boolean;
  /** Measure alignment every this many epochs (0: never). Default 0. */
  alignmentEvery?: number;
  /**
   * Held-out samples evaluated after every epoch for early stopping: the best epoch's parameters
   * are kept and put back at the end.
   */
  validation?: Dataset;
  /** With `validation`, stop after this many epochs without a new best. Default 10. */
  patience?: number;
  /** Changes each training batch's inputs in place before its step (e.g. `randomShifts`). */
  augment?: Augment;
  /** Called after each epoch. */
  onEpoch?: (stats: EpochStats) => void;
  /**
   * Continue a run from this checkpoint (taken by `onCheckpoint`, or read by `loadCheckpoint`,
   * which also puts the network's values back): the epochs after it are those an unbroken run
   * would have had, bit for bit, given the same options.
   */
  resume?: TrainCheckpoint;
  /**
   * Called after each epoch, except one after which a rule stopped training, with everything
   * needed to go on from there (the last epoch's included: a later run may train longer); its
   * arrays are views, valid until training goes on, so save them at once (`saveCheckpoint`).
   */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void;
  /** Called after each batch with the batches done and the total in the epoch. */
  onBatch?: (done: number, total: number, epoch: number) => void;
}

/**
 * The outcome of {@linkcode train}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train, type TrainResult } from "../../mod.ts";
 * const y = Matrix.from([[1, 0]]);
 * const r: TrainResult = train(Network.create({ sizes: [1, 2] }), { x: Matrix.from([[1]]), y, labels: rowArgmax(y) }, {
 *   epochs: 3, batchSize: 1, optimizer: { name: "sgd", lr: 0.1 }, tolerance: 0,
 * });
 * assertEquals(r.converged, true);
 * assertEquals(r.epochs.length, 2);
 * ```
 */
export interface TrainResult {
  /** One entry per epoch run. */
  epochs: EpochStats[];
  /** Whether training stopped on the tolerance or the training error before the last epoch. */
  converged: boolean;
  /** With `validation`: the epoch whose parameters the network ends with. */
  bestEpoch?: number;
}

/** How a value looks in an error message: strings quoted, arrays and objects as JSON. */
function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (v !== null && typeof v === "object") {
    try {
      return JSON.stringify(v).slice(0, 80);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/**
 * Validates {@linkcode TrainOptions} before any work: every option that is given has its type and
 * range, an optimiser's settings included, and a checkpoint to resume from is whole.
 *
 * @example
 * ```ts
 * import { checkTrainOptions } from "./train_options.ts";
 * import { assertThrows } from "@std/assert";
 * checkTrainOptions({ epochs: 3, batchSize: 8, optimizer: { name: "sgd", lr: 0.1 } });
 * assertThrows(() => checkTrainOptions({ epochs: 3, batchSize: 8, optimizer: { name: "sgd", lr: 0.1 }, tolerance: -1 }), RangeError, "tolerance");
 * ```
 *
 * @param o The options.
 * @throws {TypeError} When an option has the wrong type (a string for a number, a number for a
 *   list or a callback); the message names the option.
 * @throws {RangeError} When an option is out of range or not one of its names; the message names
 *   the option.
 */
export function checkTrainOptions(o: TrainOptions): void {
  if (o === null || typeof o !== "object") {
    throw new TypeError(`Cannot train: the options must be an object: ${shown(o)}`);
  }
  const fail = (name: string, must: string, v: unknown, type = typeof v === "number") =>
    new (type ? RangeError : TypeError)(`Cannot train: ${name} must be ${must}: ${shown(v)}`);
  const int = (name: string, v: unknown, min: number, required = false) => {
    if (v === undefined && !required) return;
    if (typeof v !== "number") throw fail(name, `an integer ≥ ${min}`, v, false);
    if (!Number.isSafeInteger(v) || v < min) throw fail(name, `an integer ≥ ${min}`, v);
  };
  int("epochs", o.epochs, 0, true);
  int("batchSize", o.batchSize, 1, true);
  if (!(o.optimizer instanceof Optimizer)) {
    if (o.optimizer === null || typeof o.optimizer !== "object") {
      throw fail("optimizer", "an Optimizer or its settings", o.optimizer, false);
    }
    new Optimizer(o.optimizer); // checks the name and every setting
  }
  if (o.lrDrops !== undefined) {
    if (!Array.isArray(o.lrDrops)) throw fail("lrDrops", "a list of epochs", o.lrDrops, false);
    o.lrDrops.forEach((d, i) => int(`lrDrops[${i}]`, d, 1, true));
  }
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) {
    throw fail("seed", "a safe integer", o.seed);
  }
  const number = (name: string, v: unknown, lo: number, hi: number) => {
    if (v === undefined) return;
    const range = `a number in [${lo}, ${hi === Infinity ? "∞" : hi}]`;
    if (typeof v !== "number") throw fail(name, range, v, false);
    if (!(v >= lo && v <= hi) || Number.isNaN(v) || v === Infinity) throw fail(name, range, v);
  };
  number("tolerance", o.tolerance, 0, Infinity);
  number("stopAtTrainError", o.stopAtTrainError, 0, 1);
  if (o.reduction !== undefined && o.reduction !== "sum" && o.reduction !== "mean") {
    throw fail("reduction", '"sum" or "mean"', o.reduction, typeof o.reduction === "string");
  }
  if (o.dropLast !== undefined && typeof o.dropLast !== "boolean") {
    throw fail("dropLast", "true or false", o.dropLast, false);
  }
  int("alignmentEvery", o.alignmentEvery, 0);
  int("patience", o.patience, 1);
  for (const name of ["augment", "onEpoch", "onCheckpoint", "onBatch"] as const) {
    const v = o[name];
    if (v !== undefined && typeof v !== "function") throw fail(name, "a function", v, false);
  }
  for (const name of ["test", "validation"] as const) {
    const v = o[name];
    if (v !== undefined && (v === null || typeof v !== "object")) {
      throw fail(name, "a dataset", v, false);
    }
  }
  if (o.resume !== undefined) {
    checkCheckpoint(o.resume, (why) => new RangeError(`Cannot train: resume ${why}`));
  }
}
