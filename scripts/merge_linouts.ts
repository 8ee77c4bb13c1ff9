// Joins the shard files of `weak-learners N --shard K/M` into the two files a single run writes.
import { mergeLinouts } from "../src/stacking/mod.ts";
import { cliArgs, parse, UsageError } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";

const spec = {
  name: "merge-linouts",
  summary:
    "Merges the shard files written by `weak-learners N --shard K/M` (or diff-weak-learners) into\n" +
    "DIR/train_linouts.npz and DIR/test_linouts.npz (diff- before the names for diff runs): the same\n" +
    "files, byte for byte, as one run of all N learners.",
  usage: "deno task merge-linouts SHARD_FILE... [options]",
  options: [
    { name: "out-dir", kind: "string", default: "data", help: "where the merged files go" },
  ],
} as const;

await run(spec.name, () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (args.positional.length === 0) throw new UsageError("name the shard files to merge");
  const out = mergeLinouts(args.positional, args.get("out-dir"));
  console.log(`Merged ${args.positional.length} shard files into ${out.join(" and ")}`);
});
