/**
 * A shard's file: the learners one job of a split run trained, their errors and their linear
 * outputs, with the run's identity, which `mergeLinouts` checks and joins into the stacked files.
 *
 * @module
 */

import { DataFormatError, ndarray } from "../io/ndarray.ts";
import { loadNpz, saveNpz } from "../io/npz.ts";
import { readNpzShapes } from "../io/npz_stream.ts";
import { requireKeys } from "../data/npz_dataset.ts";
import { LINOUT_KEYS } from "./outputs.ts";

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
