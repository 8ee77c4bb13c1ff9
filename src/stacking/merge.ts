/**
 * Joining the shard files of one run into the two stacked files a single run writes, byte for
 * byte.
 *
 * @module
 */

import { DataFormatError } from "../io/ndarray.ts";
import { npyBody } from "../io/npy.ts";
import { npzRowBlocks, saveNpzPieces } from "../io/npz_stream.ts";
import { LINOUT_KEYS, linoutPaths } from "./outputs.ts";
import { readShardInfo } from "./shard_file.ts";

/** The settings in which two run identities (JSON) differ, as "key a vs b, …". */
function differences(a: string, b: string): string {
  const flat = (o: unknown, prefix = ""): [string, unknown][] =>
    o && typeof o === "object"
      ? Object.entries(o).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k))
      : [[prefix, o]];
  const x = new Map(flat(JSON.parse(a))), y = new Map(flat(JSON.parse(b)));
  return [...new Set([...x.keys(), ...y.keys()])]
    .filter((k) => x.get(k) !== y.get(k))
    .map((k) => `${k} ${JSON.stringify(x.get(k))} vs ${JSON.stringify(y.get(k))}`)
    .join(", ");
}

/**
 * Merges shard files (in any order) into the run's `train_linouts.npz` and `test_linouts.npz`
 * (`diff-` before the names for a diff run) in `outDir`. It streams: one shard's outputs are in
 * memory at a time.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz } from "../io/mod.ts";
 * import { LINOUT_KEYS, mergeLinouts, writeShard } from "./mod.ts";
 * const shard = (k: number) => ({ n: 2, learners: new Int32Array([k]), errors: new Float64Array(4), classes: 10, train: new Float32Array(20).fill(k), test: new Float32Array(10), identity: `{"diff":false}` });
 * const dir = await Deno.makeTempDir();
 * writeShard(`${dir}/b.npz`, shard(1));
 * writeShard(`${dir}/a.npz`, shard(0));
 * const [train] = mergeLinouts([`${dir}/b.npz`, `${dir}/a.npz`], dir);
 * const stacked = loadNpz(train)[LINOUT_KEYS.train];
 * assertEquals([stacked.shape, stacked.data[0], stacked.data[39]], [[20, 2], 0, 1]); // learner 0, then 1
 * ```
 *
 * @param files The shard files.
 * @param outDir Where the merged files go.
 * @returns The two files written.
 * @throws {RangeError} When no file is given.
 * @throws {DataFormatError} When the shards come from different runs, overlap or leave a learner out.
 */
export function mergeLinouts(files: readonly string[], outDir: string): string[] {
  if (files.length === 0) throw new RangeError("Cannot merge: name the shard files to merge");
  const shards = files.map((f) => ({ f, s: readShardInfo(f) }));
  const { f: firstFile, s: first } = shards[0], n = first.n;
  const owner = new Map<number, string>();
  let classes = 0, samples: number[] = [];
  for (const { f, s } of shards) {
    if (s.identity !== first.identity || s.n !== n) {
      throw new DataFormatError(
        `Cannot merge ${f}: it comes from another run than ${firstFile}: ${
          differences(s.identity, first.identity) || `N ${s.n}, not ${n}`
        }`,
      );
    }
    if (!s.learners.length) continue;
    if (classes && s.classes !== classes) {
      throw new DataFormatError(
        `Cannot merge ${f}: ${s.classes} classes a learner, not ${classes}`,
      );
    }
    if (samples.length && s.samples.some((v, i) => v !== samples[i])) {
      throw new DataFormatError(
        `Cannot merge ${f}: outputs for ${s.samples.join(" and ")} samples, not ${
          samples.join(" and ")
        }`,
      );
    }
    classes ||= s.classes, samples = s.samples;
    for (const i of s.learners) {
      if (!(i >= 0 && i < n)) {
        throw new DataFormatError(`Cannot merge ${f}: learner ${i} is outside the run's ${n}`);
      }
      if (owner.has(i)) {
        throw new DataFormatError(`Cannot merge ${f}: learner ${i} is in two shards`);
      }
      owner.set(i, f);
    }
  }
  if (owner.size < n) { // the first learner missing is at most the count of those found
    let first = 0;
    while (owner.has(first)) first++;
    throw new DataFormatError(
      `Cannot merge: ${n - owner.size} of ${n} learners are in no shard (first: ${first}); ` +
        "is a shard file missing?",
    );
  }
  // The merged array is the shards' arrays one after another, in the order of their learners.
  const order = shards.filter(({ s }) => s.learners.length)
    .sort((a, b) => a.s.learners[0] - b.s.learners[0]);
  const flat = order.flatMap(({ s }) => [...s.learners]);
  const out = flat.findIndex((learner, i) => learner !== i);
  if (out >= 0) {
    throw new DataFormatError(
      `Cannot merge ${owner.get(flat[out])}: its learners are not a contiguous run (learner ${
        flat[out]
      } where ${out} belongs)`,
    );
  }
  // Each shard's outputs are read when their turn comes, a block at a time into one buffer.
  const pieces = (key: string): Iterable<Uint8Array> => ({
    *[Symbol.iterator]() {
      for (const { f } of order) {
        for (const { rows } of npzRowBlocks(f, key, 8 << 20)) yield npyBody(rows);
      }
    },
  });
  Deno.mkdirSync(outDir, { recursive: true });
  const paths = linoutPaths(outDir, JSON.parse(first.identity).diff);
  (["train", "test"] as const).forEach((part, i) =>
    saveNpzPieces(paths[part], {
      [LINOUT_KEYS[part]]: {
        dtype: "float32",
        shape: [classes * n, samples[i]],
        pieces: pieces(LINOUT_KEYS[part]),
      },
    })
  );
  return [paths.train, paths.test];
}
