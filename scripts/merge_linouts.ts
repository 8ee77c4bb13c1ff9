// Joins the shard files of `weak-learners N --shard K/M` into the two files a single run writes.
import { DataFormatError, loadNpz, type NdArray, saveNpz, stackOutputs } from "../mod.ts";
import { parse, run, UsageError } from "./_cli.ts";

const spec = {
  name: "merge-linouts",
  summary:
    "Merges the shard files written by `weak-learners N --shard K/M` (or diff-weak-learners) into\n" +
    "DIR/train_linouts.npz and DIR/test_linouts.npz (diff- before the names for diff runs): the same\n" +
    "files, byte for byte, as one run of all N learners.",
  usage: "deno task merge-linouts SHARD_FILE... [options]",
  options: [
    {
      name: "out-dir",
      kind: "string" as const,
      default: "data",
      help: "where the merged files go",
    },
  ],
};

export function mergeLinouts(files: string[], outDir: string): string[] {
  if (files.length === 0) throw new UsageError("name the shard files to merge");
  const shards = files.map((f) => ({ f, a: loadNpz(f) }));
  const need = (f: string, a: Record<string, NdArray>, k: string) => {
    if (!a[k]) throw new DataFormatError(`Cannot merge ${f}: it has no '${k}' (not a shard file?)`);
    return a[k];
  };
  const identity = (f: string, a: Record<string, NdArray>) =>
    new TextDecoder().decode(need(f, a, "identity").data as Uint8Array);
  const first = shards[0],
    id = identity(first.f, first.a),
    n = (need(first.f, first.a, "n").data as Int32Array)[0];
  const train: Float32Array[] = new Array(n), test: Float32Array[] = new Array(n);
  for (const { f, a } of shards) {
    if (identity(f, a) !== id || (need(f, a, "n").data as Int32Array)[0] !== n) {
      throw new DataFormatError(
        `Cannot merge ${f}: it comes from another run than ${first.f} (settings or N differ)`,
      );
    }
    const learners = need(f, a, "learners").data as Int32Array;
    const tr = need(f, a, "train_linear_outputs"), te = need(f, a, "test_linear_outputs");
    const perTrain = 10 * tr.shape[1], perTest = 10 * te.shape[1];
    learners.forEach((i, j) => {
      if (train[i]) throw new DataFormatError(`Cannot merge ${f}: learner ${i} is in two shards`);
      train[i] = (tr.data as Float32Array).subarray(j * perTrain, (j + 1) * perTrain);
      test[i] = (te.data as Float32Array).subarray(j * perTest, (j + 1) * perTest);
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
  const prefix = JSON.parse(id).diff ? "diff-" : "";
  Deno.mkdirSync(outDir, { recursive: true });
  const trainPath = `${outDir}/${prefix}train_linouts.npz`,
    testPath = `${outDir}/${prefix}test_linouts.npz`;
  saveNpz(trainPath, { train_linear_outputs: stackOutputs(train, 10) });
  saveNpz(testPath, { test_linear_outputs: stackOutputs(test, 10) });
  return [trainPath, testPath];
}

if (import.meta.main) {
  await run(spec.name, () => {
    const args = parse(spec, Deno.args);
    if (!args) return;
    const out = mergeLinouts(args.positional, args.get("out-dir"));
    console.log(`Merged ${args.positional.length} shard files into ${out.join(" and ")}`);
  });
}
