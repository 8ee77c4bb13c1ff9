/**
 * A run's part files: one a learner, written as it finishes, so that a killed run resumes where it
 * stopped; in a directory named by the hash of the run's identity, each file carrying that
 * identity, so that no part of other settings is ever taken for one of this run.
 *
 * @module
 */

import { ndarray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import { LINOUT_KEYS } from "./outputs.ts";
import { type LearnerSummary, type RunData, runIdentity, type RunOptions } from "./run.ts";
import { trainWeakLearner, type WeakLearnerResult } from "./weak_learner.ts";

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
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * import { partsDir } from "./mod.ts";
 * assertEquals(partsDir({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "o" }).startsWith("o/parts/weak-learners-"), true);
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
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * import { partPath } from "./mod.ts";
 * assertEquals(partPath({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "o" }, 7).endsWith("/learner-00007.npz"), true);
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
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { finishedParts, loadRunData, partsDir, savePart, trainWeakLearner, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // a tiny MNIST: four 2×2 images, labels 0 to 3, as IDX files
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(16).keys()]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]));
 * }
 * const run = { config: { ...WEAK_LEARNER_DEFAULTS, hidden: 3, batch: 2, diff: false }, data: `${dir}/mnist.npz`, fallbackIdxDir: dir, outDir: dir };
 * Deno.mkdirSync(partsDir(run), { recursive: true }); // as trainLearners does
 * savePart(run, trainWeakLearner(2, run.config, loadRunData(run)), 1.5);
 * assertEquals(finishedParts(run), new Set([2]));
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
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * import { readPart } from "./mod.ts";
 * assertEquals(readPart({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "/nonexistent" }, 0), undefined);
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
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * import { finishedParts } from "./mod.ts";
 * assertEquals(finishedParts({ config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "d.npz", outDir: "/nonexistent" }).size, 0);
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
 * Trains learner `index` in this thread and saves its part.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { finishedParts, learnAndSave, loadRunData, partsDir, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // a tiny MNIST: four 2×2 images, labels 0 to 3, as IDX files
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(16).keys()]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]));
 * }
 * const run = { config: { ...WEAK_LEARNER_DEFAULTS, hidden: 3, batch: 2, diff: false }, data: `${dir}/mnist.npz`, fallbackIdxDir: dir, outDir: dir };
 * Deno.mkdirSync(partsDir(run), { recursive: true }); // as trainLearners does
 * assertEquals(learnAndSave(run, 0, loadRunData(run)).index, 0);
 * assertEquals(finishedParts(run), new Set([0]));
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
  data: RunData,
): LearnerSummary {
  const t0 = performance.now();
  const r = trainWeakLearner(index, o.config, data, data.source);
  const seconds = (performance.now() - t0) / 1000;
  savePart(o, r, seconds);
  return { index, trainError: r.trainError, testError: r.testError, epochs: r.epochs, seconds };
}
