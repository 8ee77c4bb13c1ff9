/**
 * Data: datasets and their splits, MNIST from `.npz`, IDX or Keras's file, the batches a training
 * run draws (float or 8-bit), a held-out validation split and random shifts for augmentation.
 *
 * @example Hold out a validation set
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix } from "../tensor/mod.ts";
 * import { holdOut, rowArgmax } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
 * const { train, validation } = holdOut({ x: Matrix.from([[1], [2], [3], [4]]), y, labels: rowArgmax(y) }, 0.25, 0);
 * assertEquals([train.x.rows, validation.x.rows], [3, 1]);
 * ```
 *
 * @module
 */

export {
  checkDataset,
  type Dataset,
  type DatasetSplits,
  firstSamples,
  rowArgmax,
  transposeInto,
} from "./dataset.ts";
export { datasetFromColumns, loadMnistNpz, requireKeys, toFloat32 } from "./npz_dataset.ts";
export { BatchSource } from "./batches.ts";
export { holdOut } from "./split.ts";
export { type Augment, randomShifts } from "./augment.ts";
export {
  createMnistNpz,
  loadMnistIdx,
  loadMnistKeras,
  loadMnistSplits,
  mnistArrays,
  type MnistRaw,
} from "./mnist.ts";
