/**
 * A dataset from an `.npz` file in the original numpy project's layout: features by samples,
 * float64 or float32, as its `create-dataset` wrote MNIST (`mnist.npz`: x_train, y_train, x_test,
 * y_test).
 *
 * @module
 */

import { Matrix } from "../tensor/matrix.ts";
import { DataFormatError, type NdArray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays } from "../io/npz.ts";
import { type Dataset, type DatasetSplits, rowArgmax, transposeInto } from "./dataset.ts";

/**
 * A float32 copy of a numeric array, as a Float32Array (no copy when it already is one).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toFloat32 } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * assertEquals(toFloat32(ndarray("uint8", [2], new Uint8Array([3, 255]))), new Float32Array([3, 255]));
 * ```
 */
export function toFloat32(a: NdArray): Float32Array {
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    return Float32Array.from(a.data, Number);
  }
  return Float32Array.from(a.data);
}

/**
 * The batch-major dataset from features-by-samples arrays: `x` (features, samples) and `y`
 * (classes, samples), the layout of the original `mnist.npz` and of the linear-output files.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { datasetFromColumns } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const x = ndarray("float32", [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
 * const y = ndarray("float32", [2, 3], new Float32Array([1, 0, 1, 0, 1, 0]));
 * const d = datasetFromColumns(x, y);
 * assertEquals(d.x.toArray(), [[1, 4], [2, 5], [3, 6]]);
 * assertEquals(Array.from(d.labels), [0, 1, 0]);
 * ```
 *
 * @param x Inputs, (features, samples).
 * @param y Targets, (classes, samples).
 * @returns The dataset, (samples, features) and (samples, classes).
 * @throws {DataFormatError} When the arrays are not 2-D or their sample counts differ.
 */
export function datasetFromColumns(x: NdArray, y: NdArray): Dataset {
  if (x.shape.length !== 2 || y.shape.length !== 2) {
    throw new DataFormatError(
      `Cannot build a dataset: x and y must be 2-D: (${x.shape.join(", ")}) and (${
        y.shape.join(", ")
      })`,
    );
  }
  const [f, n] = x.shape, [c, ny] = y.shape;
  if (n !== ny) {
    throw new DataFormatError(`Cannot build a dataset: x has ${n} samples and y ${ny}`);
  }
  const xm = new Matrix(n, f), ym = new Matrix(n, c);
  transposeInto(toFloat32(x), f, n, xm.data);
  transposeInto(toFloat32(y), c, n, ym.data);
  return { x: xm, y: ym, labels: rowArgmax(ym) };
}

/**
 * Takes `keys` from loaded arrays, or throws naming the file and the first missing key.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { requireKeys } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const arrays = { x: ndarray("uint8", [1], new Uint8Array(1)) };
 * const [x] = requireKeys(arrays, "a.npz", ["x"]);
 * assertEquals(x.shape, [1]);
 * ```
 *
 * @param arrays The loaded arrays.
 * @param path The file they came from, for the message.
 * @param keys The keys needed.
 * @returns The arrays in the order of `keys`.
 * @throws {DataFormatError} When a key is missing.
 */
export function requireKeys(arrays: NpzArrays, path: string, keys: readonly string[]): NdArray[] {
  return keys.map((k) => {
    if (!(k in arrays)) {
      throw new DataFormatError(
        `Cannot use ${path}: it has no '${k}' (it has ${
          Object.keys(arrays).join(", ") || "nothing"
        })`,
      );
    }
    return arrays[k];
  });
}

/**
 * Loads an `mnist.npz` in the original layout (`X_train` (784, 60000), `y_train` (10, 60000),
 * `X_test`, `y_test`) as batch-major training and test sets.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadMnistNpz } from "../../mod.ts";
 * import { ndarray, saveNpz } from "../io/mod.ts";
 * const path = `${await Deno.makeTempDir()}/mnist.npz`;
 * const x = ndarray("float32", [4, 2], new Float32Array(8)), y = ndarray("float32", [3, 2], new Float32Array([1, 0, 0, 1, 0, 0]));
 * saveNpz(path, { X_train: x, y_train: y, X_test: x, y_test: y });
 * const { train } = loadMnistNpz(path);
 * assertEquals(train.x.rows, 2);
 * assertEquals(train.x.cols, 4);
 * assertEquals(train.labels, new Uint8Array([0, 1]));
 * ```
 *
 * @param path The file.
 * @returns The two sets.
 * @throws {DataFormatError} When the file is corrupt, lacks a key or has mismatched shapes.
 */
export function loadMnistNpz(path: string): DatasetSplits {
  const arrays = loadNpz(path);
  const [xTrain, yTrain, xTest, yTest] = requireKeys(arrays, path, [
    "X_train",
    "y_train",
    "X_test",
    "y_test",
  ]);
  try {
    return { train: datasetFromColumns(xTrain, yTrain), test: datasetFromColumns(xTest, yTest) };
  } catch (error) {
    if (error instanceof DataFormatError) {
      throw new DataFormatError(`Cannot use ${path}: ${error.message.replace(/^Cannot /, "")}`);
    }
    throw error;
  }
}
