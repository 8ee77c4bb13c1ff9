/**
 * Joining the shard files of one run into the two stacked files a single run writes, byte for
 * byte.
 *
 * @module
 */

import { DataFormatError } from "../io/ndarray.ts";
import { linoutPaths, readShard, writeLinouts } from "./outputs.ts";

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
 * (`diff-` before the names for a diff run) in `outDir`.
 *
 * @example
 * ```ts ignore
 * import { mergeLinouts } from "../../mod.ts";
 * mergeLinouts(["data/linouts-shard-1-of-2.npz", "data/linouts-shard-2-of-2.npz"], "data");
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
  const shards = files.map((f) => ({ f, s: readShard(f) }));
  const { f: firstFile, s: first } = shards[0], n = first.n;
  const train: Float32Array[] = new Array(n), test: Float32Array[] = new Array(n);
  let classes = 0;
  for (const { f, s } of shards) {
    if (s.identity !== first.identity || s.n !== n) {
      throw new DataFormatError(
        `Cannot merge ${f}: it comes from another run than ${firstFile}: ${
          differences(s.identity, first.identity) || `N ${s.n}, not ${n}`
        }`,
      );
    }
    if (s.learners.length && classes && s.classes !== classes) {
      throw new DataFormatError(
        `Cannot merge ${f}: ${s.classes} classes a learner, not ${classes}`,
      );
    }
    classes ||= s.classes;
    const perTrain = s.train.length / s.learners.length,
      perTest = s.test.length / s.learners.length;
    s.learners.forEach((i, j) => {
      if (!(i >= 0 && i < n)) {
        throw new DataFormatError(`Cannot merge ${f}: learner ${i} is outside the run's ${n}`);
      }
      if (train[i]) throw new DataFormatError(`Cannot merge ${f}: learner ${i} is in two shards`);
      train[i] = s.train.subarray(j * perTrain, (j + 1) * perTrain);
      test[i] = s.test.subarray(j * perTest, (j + 1) * perTest);
    });
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !train[i]);
  if (missing.length) {
    throw new DataFormatError(
      `Cannot merge: ${missing.length} of ${n} learners are in no shard (first: ${
        missing[0]
      }); is a shard file missing?`,
    );
  }
  Deno.mkdirSync(outDir, { recursive: true });
  const paths = linoutPaths(outDir, JSON.parse(first.identity).diff);
  writeLinouts(paths, train, test, classes);
  return [paths.train, paths.test];
}
