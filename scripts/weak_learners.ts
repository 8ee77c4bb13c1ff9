// Step 2 of the workflow: N DFA nets that share an initialisation (or, with --diff, do not) but
// each have their own feedback matrix; their linear outputs stacked into two .npz files.
import {
  type LearnerSummary,
  MAX_LEARNERS,
  runWeakLearners,
  shardRange,
  WEAK_LEARNER_DEFAULTS,
} from "../src/stacking/mod.ts";
import {
  checkedInt,
  cliArgs,
  noMoreArguments,
  OUTPUT_OPTIONS,
  parse,
  run,
  UsageError,
} from "../src/cli/options.ts";
import { fallbackFor } from "../src/data/shipped.ts";
import { pct, secs } from "../src/report/format.ts";

const D = WEAK_LEARNER_DEFAULTS;
const spec = {
  name: "weak-learners",
  summary:
    "Trains N weak learners (784–800–10 tanh/sigmoid nets, DFA, plain SGD) that share one N(0, 1)\n" +
    "initialisation (--diff: each its own) and each draw their own feedback matrix, and writes their\n" +
    "linear outputs to DIR/train_linouts.npz (train_linear_outputs, (10·N, 60000)) and\n" +
    "DIR/test_linouts.npz (test_linear_outputs, (10·N, 10000)); diff- before the names with --diff.\n" +
    "Learners are saved as they finish: a killed run resumes where it stopped.",
  usage: "deno task weak-learners N [options]",
  options: [
    { name: "diff", kind: "boolean", help: "each learner has its own initialisation" },
    { name: "epochs", kind: "integer", min: 1, default: D.epochs, help: "most epochs a learner" },
    { name: "lr", kind: "number", positive: true, default: D.lr, help: "SGD learning rate" },
    { name: "batch", kind: "integer", min: 1, default: D.batch, help: "batch size" },
    {
      name: "tolerance",
      kind: "number",
      min: 0,
      default: D.tolerance,
      help: "stop a learner when its training error changes less",
    },
    { name: "hidden", kind: "integer", min: 1, default: D.hidden, help: "hidden units" },
    { name: "seed", kind: "integer", default: D.seed, help: "random seed" },
    {
      name: "workers",
      kind: "integer",
      min: 1,
      default: 1,
      help: "worker threads (1: OpenBLAS already spreads each product over all cores)",
    },
    {
      name: "shard",
      kind: "string",
      help: "K/M: train only shard K of M (merge with merge-linouts)",
    },
    {
      name: "data",
      kind: "string",
      default: "data/mnist.npz",
      help: "MNIST from create-dataset (else the shipped copy)",
    },
    { name: "out-dir", kind: "string", default: "data", help: "where the outputs go" },
    {
      name: "train-samples",
      kind: "integer",
      min: 1,
      help: "use only the first N training images",
    },
    { name: "test-samples", kind: "integer", min: 1, help: "use only the first N test images" },
    { name: "keep-parts", kind: "boolean", help: "keep the per-learner files after stacking" },
    ...OUTPUT_OPTIONS,
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args, 1);
  if (args.positional[0] === undefined) {
    throw new UsageError("N, the number of weak learners, is missing");
  }
  const n = checkedInt("N (the number of weak learners)", args.positional[0], 1, MAX_LEARNERS);
  const shardText = args.optional("shard");
  let shard: [number, number] | undefined;
  if (shardText !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardText);
    if (!m) throw new UsageError(`--shard must be K/M: ${shardText}`);
    shard = [Number(m[1]), Number(m[2])];
    try {
      shardRange(n, ...shard);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const data = args.get("data"), quiet = args.flag("quiet");
  const line = (s: LearnerSummary, resumed: boolean) =>
    !quiet && console.log(
      `learner ${String(s.index + 1).padStart(String(n).length)}/${n}: train error ${
        pct(s.trainError)
      }, test error ${pct(s.testError)}, ${s.epochs} epoch${s.epochs === 1 ? "" : "s"}, ${
        secs(s.seconds)
      }${resumed ? " (already done)" : ""}`,
    );
  const r = await runWeakLearners(
    {
      config: {
        seed: args.int("seed"),
        diff: args.flag("diff"),
        hidden: args.int("hidden"),
        epochs: args.int("epochs"),
        lr: args.number("lr"),
        batch: args.int("batch"),
        tolerance: args.number("tolerance"),
      },
      data,
      fallbackIdxDir: fallbackFor(data),
      trainSamples: args.optionalInt("train-samples"),
      testSamples: args.optionalInt("test-samples"),
      outDir: args.get("out-dir"),
    },
    n,
    { workers: args.int("workers"), shard, keepParts: args.flag("keep-parts"), onLearner: line },
  );
  console.log(
    r.learners.length
      ? `${r.learners.length} weak learners: mean test error ${pct(r.meanTestError)}, best ${
        pct(r.bestTestError)
      }; wrote ${r.files.join(" and ")} in ${secs(r.seconds)}`
      : `No learners in this shard (more shards than learners); wrote ${r.files.join(" and ")}`,
  );
  if (args.flag("json")) console.log(JSON.stringify(r));
});
