/**
 * dfa: neural networks trained with Direct Feedback Alignment (Nøkland 2016), feedback alignment
 * and backpropagation on the CPU, with OpenBLAS doing the matrix products through Deno's FFI.
 *
 * This module is the stable API: networks of layers and their rules, training, data, and the
 * stacking workflow. The rest lives under subpaths: `./io` (NumPy `.npy`/`.npz`, IDX, zip),
 * `./kernels` (the SIMD kernel arena), `./native` (the OpenBLAS binding), `./stacking` (the run's
 * files, shards and parts) and `./testing` (the naive double-precision reference).
 *
 * @example Train a small net with DFA
 * ```ts
 * import { Matrix, Network, rowArgmax, train } from "./mod.ts";
 * const x = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = Matrix.from([[1, 0], [0, 1], [0, 1], [1, 0]]);
 * const net = Network.create({ sizes: [2, 16, 2], rule: "dfa", init: "xavier", seed: 2 });
 * const r = train(net, { x, y, labels: rowArgmax(y) }, { epochs: 5, batchSize: 4, optimizer: { name: "adam", lr: 0.01 } });
 * console.log(r.epochs.length); // 5
 * ```
 *
 * @module
 */

// The model: a network of layers, a rule, and how to make, save and load one.
export { Network } from "./src/model/network.ts";
export { createNetwork } from "./src/model/network_factory.ts";
export { type Architecture, LENET5, parseArchitecture } from "./src/model/architecture.ts";
export {
  FEEDBACK_POINTS,
  type FeedbackPoint,
  type NetworkConfig,
  networkConfig,
  type NetworkOptions,
} from "./src/model/network_config.ts";
export { checkValues, feedbackShape, feedbackShapes, weightShapes } from "./src/model/shapes.ts";
export {
  loadNetwork,
  networkFromArrays,
  networkToArrays,
  saveNetwork,
} from "./src/model/serialize.ts";
export type { Layer, LayerFactory, LayerInit, LayerSpec } from "./src/model/layers/layer.ts";
export { DenseLayer } from "./src/model/layers/dense.ts";
export { RdLayer } from "./src/model/layers/rd.ts";
export { CONV, ConvLayer } from "./src/model/layers/conv2d.ts";
export { col2im, im2col, type PatchGeometry } from "./src/kernels/spatial.ts";
export { AVGPOOL, MAXPOOL, PoolLayer } from "./src/model/layers/pool.ts";
export { DROPOUT, DropoutLayer } from "./src/model/layers/dropout.ts";
export {
  passesDown,
  type RuleState,
  ruleState,
  sendSignal,
  type SignalSource,
} from "./src/model/signals.ts";
export { LAYER_KINDS, type LayerKind } from "./src/model/layers/registry.ts";
export type { FeedbackRule, SignalArgs } from "./src/model/rules/rule.ts";
export { FEEDBACK_RULES, type Rule, RULES } from "./src/model/rules/registry.ts";
export { BRSF, FRSF, USF } from "./src/model/rules/sign_concordant.ts";
export { DRTP } from "./src/model/rules/drtp.ts";
export type { Param } from "./src/model/param.ts";
export { type BatchResult, Workspace } from "./src/model/workspace.ts";
export { checkMemory, DEFAULT_MAX_BYTES, LAYER_BYTES, parameterBytes } from "./src/model/memory.ts";
export { type Activation, ACTIVATIONS } from "./src/kernels/activations.ts";
export { countErrors, type Loss, lossAndError, LOSSES } from "./src/model/loss.ts";
export {
  FEEDBACK_INITS,
  type FeedbackInit,
  type Init,
  initialize,
  initializeFeedback,
  INITS,
} from "./src/model/init.ts";

// Training.
export {
  checkTrainOptions,
  type EpochStats,
  train,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
} from "./src/train/train.ts";
export { type StepOptions, trainStep } from "./src/train/step.ts";
export { EarlyStopping, type EarlyStoppingState } from "./src/train/early_stopping.ts";
export {
  Optimizer,
  type OptimizerName,
  type OptimizerOptions,
  OPTIMIZERS,
  type OptimizerState,
} from "./src/train/optimizers.ts";
export {
  checkCheckpoint,
  checkpointEpoch,
  checkpointHistory,
  loadCheckpoint,
  networkGenerators,
  saveCheckpoint,
  type TrainCheckpoint,
} from "./src/train/checkpoint.ts";
export { alignment, type LayerAlignment } from "./src/train/alignment.ts";
export { forwardProducts, matrixAlignment, weightAlignment } from "./src/train/weight_alignment.ts";
export { MNIST_PRESETS, type MnistPreset, presetInit } from "./src/train/presets.ts";

// Tensors and the BLAS.
export { Matrix } from "./src/tensor/matrix.ts";
export { Rng, type RngState } from "./src/tensor/random.ts";
export { gemm, type GemmOptions, matmul } from "./src/tensor/gemm.ts";
export type { Blas } from "./src/native/blas.ts";
export { type BlasOptions, getBlas } from "./src/native/get_blas.ts";

// Data.
export {
  checkDataset,
  type Dataset,
  datasetFromColumns,
  type DatasetSplits,
  firstSamples,
  loadMnistNpz,
  requireKeys,
  rowArgmax,
  toFloat32,
  transposeInto,
} from "./src/data/dataset.ts";
export { BatchSource } from "./src/data/batches.ts";
export { holdOut } from "./src/data/split.ts";
export { type Augment, randomShifts } from "./src/data/augment.ts";
export {
  createMnistNpz,
  loadMnistIdx,
  loadMnistKeras,
  loadMnistSplits,
  mnistArrays,
  type MnistRaw,
} from "./src/data/mnist.ts";
export { DataFormatError, type DType, type NdArray, ndarray } from "./src/io/ndarray.ts";
export { loadNpy, loadNpz, type NpzArrays, saveNpy, saveNpz } from "./src/io/npz.ts";

// The stacking workflow: weak learners, their stacked outputs, the models on top.
export {
  trainWeakLearner,
  WEAK_LEARNER_DEFAULTS,
  type WeakLearnerConfig,
  type WeakLearnerResult,
} from "./src/stacking/weak_learner.ts";
export { type LearnerSummary, type RunOptions } from "./src/stacking/run.ts";
export {
  runWeakLearners,
  type WeakLearnersOptions,
  type WeakLearnersResult,
} from "./src/stacking/weak_learners.ts";
export { LINOUT_KEYS, linoutPaths } from "./src/stacking/outputs.ts";
export { mergeLinouts } from "./src/stacking/merge.ts";
export {
  STACKED_DEFAULTS,
  stackedModel,
  type StackedModelOptions,
  type StackedModelResult,
} from "./src/stacking/stacked_model.ts";
export {
  checkLinouts,
  type Linouts,
  linoutsAsRows,
  linoutsShape,
  standardize,
} from "./src/stacking/stacked_inputs.ts";
