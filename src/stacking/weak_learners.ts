/**
 * Step 2 of the stacking workflow: N weak learners trained (resuming from finished parts), and
 * their outputs written as the run's two stacked files, or as one shard's file.
 *
 * @module
 */

import {
  LINOUT_KEYS,
  linoutPaths,
  shardPath,
  shardRange,
  writeLinouts,
  writeShard,
} from "./outputs.ts";
import { trainLearners } from "./pool.ts";
import { type LearnerSummary, partsDir, readPart, runIdentity, type RunOptions } from "./run.ts";

/**
 * How to run the learners.
 *
 * @example
 * ```ts
 * import type { WeakLearnersOptions } from "../../mod.ts";
 * const options: WeakLearnersOptions = { shard: [2, 8] };
 * console.log(options.shard); // [2, 8]
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
 * import type { WeakLearnersResult } from "../../mod.ts";
 * const r: WeakLearnersResult = { n: 1, learners: [], meanTestError: 0.2, bestTestError: 0.2, files: [], seconds: 1 };
 * console.log(r.meanTestError); // 0.2
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

/**
 * Trains the run's learners that have no finished part yet and writes the stacked outputs (or,
 * with `shard`, that shard's file).
 *
 * @example
 * ```ts ignore
 * import { runWeakLearners, WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * const r = await runWeakLearners({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "data/mnist.npz", outDir: "data" }, 50);
 * console.log(r.files); // ["data/train_linouts.npz", "data/test_linouts.npz"]
 * ```
 *
 * @param o The run.
 * @param n Learners in all.
 * @param options Workers, shard, parts and progress.
 * @returns The learners' errors and the files written.
 * @throws {RangeError} When the shard does not exist.
 */
export async function runWeakLearners(
  o: RunOptions,
  n: number,
  options: WeakLearnersOptions = {},
): Promise<WeakLearnersResult> {
  const t0 = performance.now(), { shard, onLearner } = options;
  const [start, end] = shard ? shardRange(n, shard[0], shard[1]) : [0, n];
  const summaries = new Map<number, LearnerSummary>(), todo: number[] = [];
  for (let i = start; i < end; i++) {
    const p = readPart(o, i);
    if (p) summaries.set(i, p);
    else todo.push(i);
  }
  for (const s of summaries.values()) onLearner?.(s, true);
  const workers = Math.min(options.workers ?? 1, Math.max(1, todo.length));
  await trainLearners(o, todo, workers, (s) => {
    summaries.set(s.index, s);
    onLearner?.(s, false);
  });
  const learners = [...summaries.values()].sort((a, b) => a.index - b.index);
  const parts = learners.map((s) => readPart(o, s.index)!.arrays);
  const outputs = (key: string) => parts.map((p) => p[key].data as Float32Array);
  const classes = parts[0]?.[LINOUT_KEYS.train].shape[0] ?? 0;
  Deno.mkdirSync(o.outDir, { recursive: true });
  let files: string[];
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
    files = [path];
  } else {
    const paths = linoutPaths(o.outDir, o.config.diff);
    writeLinouts(paths, outputs(LINOUT_KEYS.train), outputs(LINOUT_KEYS.test), classes);
    files = [paths.train, paths.test];
    if (!options.keepParts) Deno.removeSync(partsDir(o), { recursive: true });
  }
  const errors = learners.map((s) => s.testError);
  return {
    n,
    learners,
    meanTestError: errors.reduce((a, b) => a + b, 0) / errors.length,
    bestTestError: Math.min(...errors),
    files,
    seconds: (performance.now() - t0) / 1000,
  };
}
