/**
 * Joining the shard files of one run into the two stacked files a single run writes, byte for
 * byte.
 *
 * @module
 */

import { DataFormatError } from "../io/ndarray.ts";
import { linoutPaths, readShard, writeLinouts } from "./outputs.ts";

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
  for (const { f, s } of shards) {
    if (s.identity !== first.identity || s.n !== n) {
      throw new DataFormatError(
        `Cannot merge ${f}: it comes from another run than ${firstFile} (settings or N differ)`,
      );
    }
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
  const classes = shards.find(({ s }) => s.learners.length)?.s.classes ?? 0;
  writeLinouts(paths, train, test, classes);
  return [paths.train, paths.test];
}
