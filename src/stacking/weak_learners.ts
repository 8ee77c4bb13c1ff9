/**
 * Step 2 of the stacking workflow: N weak learners trained (resuming from finished parts), and
 * their outputs written as the run's two stacked files, or as one shard's file.
 *
 * @module
 */

import { LINOUT_KEYS, linoutPaths, shardPath, shardRange, writeLinouts } from "./outputs.ts";
import { writeShard } from "./shard_file.ts";
import { trainLearners } from "./pool.ts";
import { finishedParts, partsDir, readPart } from "./parts.ts";
import { blasSettings, type LearnerSummary, runIdentity, type RunOptions } from "./run.ts";
import { lockDirectory } from "../io/lock.ts";

/**
 * The most learners a run takes: 100 000 learners' stacked training outputs are already 24 GB a
 * class (240 GB for MNIST).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MAX_LEARNERS } from "./weak_learners.ts";
 * assertEquals(MAX_LEARNERS, 100000);
 * ```
 */
export const MAX_LEARNERS = 100_000;

/**
 * How to run the learners.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { WeakLearnersOptions } from "./mod.ts";
 * const options: WeakLearnersOptions = { shard: [2, 8] };
 * assertEquals(options.shard, [2, 8]);
 * ```
 */
export interface WeakLearnersOptions {
  /** Worker threads (default 1: OpenBLAS already spreads each product over every core). */
  workers?: number;
  /** Train only shard K of M, `[K, M]`, and write the shard's file (merge with `mergeLinouts`). */
  shard?: [number, number];
  /** Keep the per-learner part files after stacking. */
  keepParts?: boolean;
  /** Called for each learner as it finishes, or at the start for those already done. */
  onLearner?: (s: LearnerSummary, resumed: boolean) => void;
}

/**
 * What a run of weak learners produced.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { WeakLearnersResult } from "./mod.ts";
 * const r: WeakLearnersResult = { n: 1, learners: [], meanTestError: 0.2, bestTestError: 0.2, files: [], seconds: 1 };
 * assertEquals(r.meanTestError, 0.2);
 * ```
 */
export interface WeakLearnersResult {
  /** Learners in the run. */
  n: number;
  /** This process's learners (the shard's, with `shard`). */
  learners: LearnerSummary[];
  /** Mean of their test errors. */
  meanTestError: number;
  /** The best of their test errors. */
  bestTestError: number;
  /** The files written. */
  files: string[];
  /** Seconds in all. */
  seconds: number;
}

/** The files a weak-learners run writes in its output directory (its lock cleans up after them). */
const OWN_FILES =
  /^(?:(?:diff-)?(?:train|test)_linouts|(?:diff-)?linouts-shard-\d+-of-\d+|parts\/(?:diff-)?weak-learners-[0-9a-f]+\/learner-\d+)\.npz$/;

/**
 * Trains the run's learners that have no finished part yet and writes the stacked outputs (or,
 * with `shard`, that shard's file).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runWeakLearners, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // a tiny MNIST: four 2×2 images, labels 0 to 3, as IDX files
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(16).keys()]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]));
 * }
 * const run = { config: { ...WEAK_LEARNER_DEFAULTS, hidden: 3, batch: 2, diff: false }, data: `${dir}/mnist.npz`, fallbackIdxDir: dir, outDir: dir };
 * const r = await runWeakLearners(run, 3);
 * assertEquals(r.learners.length, 3);
 * assertEquals(r.files, [`${dir}/train_linouts.npz`, `${dir}/test_linouts.npz`]);
 * ```
 *
 * @param o The run.
 * @param n Learners in all.
 * @param options Workers, shard, parts and progress.
 * @returns The learners' errors and the files written.
 * @throws {RangeError} When N is out of range or the shard does not exist.
 * @throws {Deno.errors.Busy} When another run is using the output directory.
 */
export async function runWeakLearners(
  o: RunOptions,
  n: number,
  options: WeakLearnersOptions = {},
): Promise<WeakLearnersResult> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LEARNERS) {
    throw new RangeError(
      `Cannot run weak learners: N must be an integer in [1, ${MAX_LEARNERS}]: ${n}`,
    );
  }
  const t0 = performance.now(), { shard, onLearner } = options;
  const requested = options.workers ?? 1;
  o = { ...o, blas: o.blas ?? blasSettings() }; // part of the run's identity
  const [start, end] = shard ? shardRange(n, shard[0], shard[1]) : [0, n];
  // One run at a time in the output directory (which must be writable before any training).
  const lock = lockDirectory(o.outDir, (path) => OWN_FILES.test(path));
  try {
    const summaries = new Map<number, LearnerSummary>(), todo: number[] = [];
    const saved = finishedParts(o);
    for (let i = start; i < end; i++) {
      const p = saved.has(i) ? readPart(o, i) : undefined;
      if (p) summaries.set(i, p);
      else todo.push(i);
    }
    for (const s of summaries.values()) onLearner?.(s, true);
    const workers = Math.min(requested, Math.max(1, todo.length));
    await trainLearners(o, todo, workers, (s) => {
      summaries.set(s.index, s);
      onLearner?.(s, false);
    });
    const learners = [...summaries.values()].sort((a, b) => a.index - b.index);
    const files = writeOutputs(o, n, learners, shard, options.keepParts ?? false);
    const errors = learners.map((s) => s.testError);
    return {
      n,
      learners,
      meanTestError: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : NaN,
      bestTestError: errors.length ? Math.min(...errors) : NaN,
      files,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    lock.release();
  }
}

/** Writes the shard's file, or the run's two stacked files (then drops the parts). */
function writeOutputs(
  o: RunOptions,
  n: number,
  learners: LearnerSummary[],
  shard: [number, number] | undefined,
  keepParts: boolean,
): string[] {
  const parts = learners.map((s) => readPart(o, s.index)!.arrays);
  const outputs = (key: string) => parts.map((p) => p[key].data as Float32Array);
  const classes = parts[0]?.[LINOUT_KEYS.train].shape[0] ?? 0;
  if (shard) {
    const path = shardPath(o.outDir, o.config.diff, shard[0], shard[1]);
    const flat = (k: string) => {
      const rows = outputs(k), out = new Float32Array(rows.reduce((t, r) => t + r.length, 0));
      rows.reduce((at, r) => (out.set(r, at), at + r.length), 0);
      return out;
    };
    writeShard(path, {
      n,
      learners: Int32Array.from(learners, (s) => s.index),
      errors: Float64Array.from(
        learners.flatMap((s) => [s.trainError, s.testError, s.epochs, s.seconds]),
      ),
      classes,
      train: flat(LINOUT_KEYS.train),
      test: flat(LINOUT_KEYS.test),
      identity: runIdentity(o),
    });
    return [path];
  }
  const paths = linoutPaths(o.outDir, o.config.diff);
  writeLinouts(paths, outputs(LINOUT_KEYS.train), outputs(LINOUT_KEYS.test), classes);
  if (!keepParts) Deno.removeSync(partsDir(o), { recursive: true });
  return [paths.train, paths.test];
}
