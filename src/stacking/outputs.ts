/**
 * The files of a stacking run, their names and keys defined once: the stacked linear outputs
 * (`train_linouts.npz`, `test_linouts.npz`, `diff-` before the names for learners with their own
 * initialisations), and a shard's file (`linouts-shard-K-of-M.npz`) that `mergeLinouts` joins.
 * Learner i's outputs are rows classes·i … classes·i + classes − 1, as the original's `np.vstack`.
 *
 * @module
 */

import { DataFormatError, type NdArray, ndarray } from "../io/ndarray.ts";
import { loadNpz, saveNpz } from "../io/npz.ts";
import { type PiecewiseArray, readNpzShapes, saveNpzPieces } from "../io/npz_stream.ts";
import { requireKeys } from "../data/dataset.ts";

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

/**
 * What a shard's file holds.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Shard } from "./mod.ts";
 * const keys: (keyof Shard)[] = ["n", "learners", "errors", "classes", "train", "test", "identity"];
 * assertEquals(keys.length, 7);
 * ```
 */
export interface Shard {
  /** Learners in the whole run. */
  n: number;
  /** The shard's learners, by index. */
  learners: Int32Array;
  /** Per learner: training error, test error, epochs, seconds. */
  errors: Float64Array;
  /** Rows per learner. */
  classes: number;
  /** The learners' training-set outputs, stacked: (classes · learners, samples). */
  train: Float32Array;
  /** Their test-set outputs. */
  test: Float32Array;
  /** The run's identity (what determines a learner's outputs), as JSON. */
  identity: string;
}

const text = (s: string) => {
  const b = new TextEncoder().encode(s);
  return ndarray("uint8", [b.length], b);
};

/**
 * Writes a shard's file (atomically).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readShardInfo, writeShard } from "./mod.ts";
 * const shard = (k: number) => ({ n: 2, learners: new Int32Array([k]), errors: new Float64Array(4), classes: 10, train: new Float32Array(20).fill(k), test: new Float32Array(10), identity: `{"diff":false}` });
 * const path = `${await Deno.makeTempDir()}/linouts-shard-1-of-2.npz`;
 * writeShard(path, shard(0));
 * assertEquals(readShardInfo(path).learners, new Int32Array([0]));
 * ```
 *
 * @param path The file.
 * @param s The shard.
 */
export function writeShard(path: string, s: Shard): void {
  // An empty shard (more shards than learners) is valid: (0, 0) outputs.
  const count = s.learners.length, rows = s.classes * count;
  const samples = (a: Float32Array) => (rows ? a.length / rows : 0);
  saveNpz(path, {
    learners: ndarray("int32", [count], s.learners),
    n: ndarray("int32", [1], Int32Array.of(s.n)),
    errors: ndarray("float64", [count, 4], s.errors),
    [LINOUT_KEYS.train]: ndarray("float32", [rows, samples(s.train)], s.train),
    [LINOUT_KEYS.test]: ndarray("float32", [rows, samples(s.test)], s.test),
    identity: text(s.identity),
  });
}

/**
 * A shard file's learners, run and shapes, without its outputs (which {@linkcode mergeLinouts}
 * streams block by block).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { ShardInfo } from "./mod.ts";
 * const keys: (keyof ShardInfo)[] = ["n", "learners", "classes", "samples", "identity"];
 * assertEquals(keys.length, 5);
 * ```
 */
export type ShardInfo = Pick<Shard, "n" | "learners" | "classes" | "identity"> & {
  /** Samples of the training and the test outputs. */
  samples: [number, number];
};

/**
 * Reads a shard file's learners, run and the shapes of its outputs, leaving the outputs unread.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readShardInfo, writeShard } from "./mod.ts";
 * const shard = (k: number) => ({ n: 2, learners: new Int32Array([k]), errors: new Float64Array(4), classes: 10, train: new Float32Array(20).fill(k), test: new Float32Array(10), identity: `{"diff":false}` });
 * const path = `${await Deno.makeTempDir()}/linouts-shard-2-of-2.npz`;
 * writeShard(path, shard(1));
 * assertEquals(readShardInfo(path), { n: 2, learners: new Int32Array([1]), classes: 10, identity: `{"diff":false}`, samples: [2, 1] });
 * ```
 *
 * @param path The file.
 * @returns What it holds, but the outputs.
 * @throws {DataFormatError} When a key is missing, the shapes disagree, the learners' count is not
 *   a positive int32 or the run's identity not a JSON object.
 */
export function readShardInfo(path: string): ShardInfo {
  const small = loadNpz(path, ["learners", "n", "identity"]);
  const [learners, n, identity] = requireKeys(small, path, ["learners", "n", "identity"]);
  const shapes = readNpzShapes(path);
  const [tr, te] = [LINOUT_KEYS.train, LINOUT_KEYS.test].map((k) => {
    const a = shapes[k];
    if (!a || a.dtype !== "float32" || a.shape.length !== 2) {
      throw new DataFormatError(`Cannot merge ${path}: no (rows, samples) float32 '${k}'`);
    }
    return a.shape;
  });
  if (learners.dtype !== "int32" || n.dtype !== "int32" || n.data.length !== 1) {
    throw new DataFormatError(`Cannot merge ${path}: 'learners' and 'n' must be int32`);
  }
  const total = (n.data as Int32Array)[0];
  if (!(total >= 1)) {
    throw new DataFormatError(
      `Cannot merge ${path}: 'n' must be the run's learners, ≥ 1: ${total}`,
    );
  }
  const id = new TextDecoder().decode(identity.data as Uint8Array);
  let parsed;
  try {
    parsed = JSON.parse(id);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DataFormatError(
      `Cannot merge ${path}: its identity is not a JSON object: ${id.slice(0, 80)}`,
    );
  }
  const count = learners.data.length, classes = count ? tr[0] / count : 0;
  if (!Number.isInteger(classes) || te[0] !== tr[0]) {
    throw new DataFormatError(
      `Cannot merge ${path}: ${count} learners but outputs of (${tr}) and (${te})`,
    );
  }
  return {
    learners: learners.data as Int32Array,
    n: total,
    identity: id,
    classes,
    samples: [tr[1], te[1]],
  };
}
