/**
 * The files of a stacking run, their names and keys defined once: the stacked linear outputs
 * (`train_linouts.npz`, `test_linouts.npz`, `diff-` before the names for learners with their own
 * initialisations), and the name of a shard's file (`linouts-shard-K-of-M.npz`; what it holds:
 * shard_file.ts).
 * Learner i's outputs are rows classes·i … classes·i + classes − 1, as the original's `np.vstack`.
 *
 * @module
 */

import { type NdArray, ndarray } from "../io/ndarray.ts";
import { type PiecewiseArray, saveNpzPieces } from "../io/npz_stream.ts";

/**
 * The keys of the linear outputs in the stacked files (and in shard and part files).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LINOUT_KEYS } from "./mod.ts";
 * assertEquals(LINOUT_KEYS.train, "train_linear_outputs");
 * ```
 */
export const LINOUT_KEYS = { train: "train_linear_outputs", test: "test_linear_outputs" } as const;

/**
 * Where a run's stacked outputs go.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linoutPaths } from "./mod.ts";
 * assertEquals(linoutPaths("data", true).test, "data/diff-test_linouts.npz");
 * ```
 *
 * @param outDir The output directory.
 * @param diff Learners with their own initialisations.
 * @returns The two paths.
 */
export function linoutPaths(outDir: string, diff: boolean): { train: string; test: string } {
  const prefix = diff ? "diff-" : "";
  return {
    train: `${outDir}/${prefix}train_linouts.npz`,
    test: `${outDir}/${prefix}test_linouts.npz`,
  };
}

/**
 * Where shard `k` of `m` writes its learners' outputs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shardPath } from "./mod.ts";
 * assertEquals(shardPath("data", false, 2, 8), "data/linouts-shard-2-of-8.npz");
 * ```
 *
 * @param outDir The output directory.
 * @param diff Learners with their own initialisations.
 * @param k The shard, 1-based.
 * @param m Shards in all.
 * @returns The path.
 */
export function shardPath(outDir: string, diff: boolean, k: number, m: number): string {
  return `${outDir}/${diff ? "diff-" : ""}linouts-shard-${k}-of-${m}.npz`;
}

/**
 * The learners `[start, end)` that shard `k` of `m` trains out of `n`: contiguous, nearly equal.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shardRange } from "./mod.ts";
 * assertEquals(shardRange(50, 2, 3), [16, 33]);
 * ```
 *
 * @param n Learners in all.
 * @param k The shard, 1-based.
 * @param m Shards in all.
 * @returns Its first learner and one past its last.
 * @throws {RangeError} Unless 1 ≤ k ≤ m.
 */
export function shardRange(n: number, k: number, m: number): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(m) || m < 1 || k < 1 || k > m) {
    throw new RangeError(`Cannot take shard ${k} of ${m}: need 1 ≤ K ≤ M`);
  }
  return [Math.floor(((k - 1) * n) / m), Math.floor((k * n) / m)];
}

/**
 * Stacks the learners' outputs learner after learner: rows classes·i … classes·i + classes − 1
 * are learner i's.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { stackOutputs } from "./mod.ts";
 * const s = stackOutputs([new Float32Array(20), new Float32Array(20)], 10);
 * assertEquals(s.shape, [20, 2]);
 * ```
 *
 * @param parts Each learner's outputs, (classes, samples), in learner order.
 * @param classes Rows per learner.
 * @returns The (classes · learners, samples) array.
 * @throws {RangeError} When the learners' outputs differ in size.
 */
export function stackOutputs(parts: Float32Array[], classes: number): NdArray<"float32"> {
  const per = partSize(parts), out = new Float32Array(per * parts.length);
  parts.forEach((p, i) => out.set(p, i * per));
  return ndarray("float32", [classes * parts.length, per / classes], out);
}

/** The size every learner's outputs share; a RangeError naming the first that differs. */
function partSize(parts: Float32Array[]): number {
  const per = parts[0]?.length ?? 0;
  parts.forEach((p, i) => {
    if (p.length !== per) {
      throw new RangeError(`Cannot stack learner ${i}: ${p.length} values, not ${per}`);
    }
  });
  return per;
}

/**
 * Writes the stacked outputs of learners 0 … n − 1 to a run's two files (atomically).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz } from "../io/mod.ts";
 * import { LINOUT_KEYS, linoutPaths, writeLinouts } from "./mod.ts";
 * const paths = linoutPaths(await Deno.makeTempDir(), false);
 * writeLinouts(paths, [new Float32Array(20)], [new Float32Array(10)], 10); // one learner, 2 and 1 samples
 * assertEquals(loadNpz(paths.train)[LINOUT_KEYS.train].shape, [10, 2]);
 * ```
 *
 * @param paths The two files.
 * @param train Each learner's training-set outputs, (classes, samples).
 * @param test Each learner's test-set outputs.
 * @param classes Rows per learner.
 */
export function writeLinouts(
  paths: { train: string; test: string },
  train: Float32Array[],
  test: Float32Array[],
  classes: number,
): void {
  // The stacked file is the learners' outputs one after another: written without joining them.
  const piecewise = (parts: Float32Array[]): PiecewiseArray => {
    const per = partSize(parts);
    return {
      dtype: "float32",
      shape: [classes * parts.length, classes ? per / classes : 0],
      pieces: parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)),
    };
  };
  saveNpzPieces(paths.train, { [LINOUT_KEYS.train]: piecewise(train) });
  saveNpzPieces(paths.test, { [LINOUT_KEYS.test]: piecewise(test) });
}
