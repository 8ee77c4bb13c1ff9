/**
 * Training in full: {@linkcode train} and its options, one step of it, early stopping, the
 * optimisers, checkpoints a run resumes from, the alignment diagnostics, and the MNIST presets.
 *
 * @example One step of training
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../model/mod.ts";
 * import { Optimizer, trainStep } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * const ws = net.workspace(1);
 * ws.x.set([1, 0]);
 * ws.y.set([0, 1]);
 * ws.labels.set([1]);
 * const { loss } = trainStep(net, ws, 1, new Optimizer({ name: "sgd", lr: 0.1 }));
 * assertEquals(Number.isFinite(loss), true);
 * ```
 *
 * @module
 */

export {
  type EpochStats,
  train,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
} from "./train.ts";
export { type StepOptions, trainStep } from "./step.ts";
export { EarlyStopping, type EarlyStoppingState } from "./early_stopping.ts";
export {
  Optimizer,
  type OptimizerName,
  type OptimizerOptions,
  OPTIMIZERS,
  type OptimizerState,
} from "./optimizers.ts";
export { checkTrainOptions } from "./train_options.ts";
export {
  checkCheckpoint,
  checkpointEpoch,
  checkpointHistory,
  loadCheckpoint,
  networkGenerators,
  saveCheckpoint,
  type TrainCheckpoint,
} from "./checkpoint.ts";
export { alignment, type LayerAlignment } from "./alignment.ts";
export { forwardProducts, matrixAlignment, weightAlignment } from "./weight_alignment.ts";
export { MNIST_PRESETS, type MnistPreset, presetInit } from "./presets.ts";
