/**
 * dfa: neural networks trained with Direct Feedback Alignment (Nøkland 2016), feedback alignment,
 * backpropagation and five more rules on the CPU, with OpenBLAS doing the matrix products through
 * Deno's FFI.
 *
 * This module is the core: a {@linkcode Network} of layer kinds and a rule, both chosen by name
 * ({@linkcode LAYER_KINDS}, {@linkcode FEEDBACK_RULES}), {@linkcode train}, MNIST and the
 * datasets it trains on, saving and loading, the BLAS, and the errors a caller catches. The rest
 * lives under subpaths: `./model` (every layer kind and rule as a constant, shapes, signals,
 * workspaces, losses, initialisations), `./train` (steps, optimisers, early stopping, checkpoints,
 * alignment, presets), `./data`, `./tensor`, `./io` (NumPy `.npy`/`.npz`, IDX, zip), `./kernels`
 * (the SIMD kernel arena), `./native` (the OpenBLAS binding), `./stacking` (weak learners and the
 * stacked models), `./experiments` (the published tables and their recipes), `./cluster` (Slurm),
 * `./report` (charts and HTML reports) and `./testing` (the naive double-precision reference).
 *
 * @example Train a small net with DFA
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "./mod.ts";
 * const x = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = Matrix.from([[1, 0], [0, 1], [0, 1], [1, 0]]);
 * const net = Network.create({ sizes: [2, 16, 2], rule: "dfa", init: "xavier", seed: 2 });
 * const r = train(net, { x, y, labels: rowArgmax(y) }, { epochs: 5, batchSize: 4, optimizer: { name: "adam", lr: 0.01 } });
 * assertEquals(r.epochs.length, 5);
 * ```
 *
 * @module
 */

// The model: a network of layer kinds trained by a rule, both by name; saving and loading it.
export { Network } from "./src/model/network.ts";
export type { NetworkOptions } from "./src/model/network_config.ts";
export { LAYER_KINDS, type LayerKind } from "./src/model/layers/registry.ts";
export { FEEDBACK_RULES, type Rule, RULE_NAMES, RULES } from "./src/model/rules/registry.ts";
export { type Architecture, LENET5, parseArchitecture } from "./src/model/architecture.ts";
export type { Activation } from "./src/kernels/activations.ts";
export type { Loss } from "./src/model/loss.ts";
export type { FeedbackInit, Init } from "./src/model/init.ts";
export type { LayerSpec } from "./src/model/layers/layer.ts";
export { loadNetwork, saveNetwork } from "./src/model/serialize.ts";

// Training.
export {
  type EpochStats,
  train,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
} from "./src/train/train.ts";
export type { OptimizerOptions } from "./src/train/optimizers.ts";

// Data.
export { Matrix } from "./src/tensor/matrix.ts";
export { type Dataset, type DatasetSplits, rowArgmax } from "./src/data/dataset.ts";
export { loadMnistNpz } from "./src/data/npz_dataset.ts";
export { loadMnistSplits } from "./src/data/mnist.ts";
export { holdOut } from "./src/data/split.ts";
export { DataFormatError } from "./src/io/ndarray.ts";

// The BLAS.
export type { Blas } from "./src/native/blas.ts";
export { type BlasOptions, getBlas } from "./src/native/get_blas.ts";
