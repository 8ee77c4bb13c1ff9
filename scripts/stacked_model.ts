// Step 3 of the workflow: a model on top of the weak learners' linear outputs — a dense sigmoid
// layer (stacked-model) or an RD layer (rd-stacked-model).
import {
  checkLinouts,
  type EpochStats,
  LINOUT_KEYS,
  loadNpz,
  requireKeys,
  stackedModel,
} from "../mod.ts";
import { checkedInt, OUTPUT_OPTIONS, parse, run, UsageError } from "./_cli.ts";
import { loadMnistLabels } from "./_data.ts";
import { pct } from "./_format.ts";
import { Progress } from "./_progress.ts";

const spec = {
  name: "stacked-model",
  summary:
    "Trains a model on the stacked linear outputs of N weak learners (TRAIN: train_linear_outputs,\n" +
    "TEST: test_linear_outputs, (10·N, samples)) against MNIST's labels, and prints its test error.\n" +
    "--layer dense: a dense sigmoid layer 10·N → 10 (N(0, 1) init, SGD lr 1e-4, batch 200, 100 epochs)\n" +
    "on standardized inputs.\n" +
    "--layer rd: y = σ(D2·R·D1·x), D1 and D2 trainable diagonals, R fixed (SGD lr 1e-3 on the batch-mean\n" +
    "gradient, batch 200, up to 200 epochs, tolerance 1e-7), trained by exact backprop over the whole\n" +
    "batch or, with --rule dfa, by direct feedback to D1.",
  usage: "deno task stacked-model N TRAIN TEST [options]   (rd-stacked-model: --layer rd)",
  options: [
    {
      name: "layer",
      kind: "choice",
      choices: ["dense", "rd"],
      default: "dense",
      help: "the model",
    },
    {
      name: "rule",
      kind: "choice",
      choices: ["bp", "dfa"],
      default: "bp",
      help: "training rule (dfa: rd only)",
    },
    { name: "epochs", kind: "integer", min: 0, help: "most epochs (dense 100, rd 200)" },
    { name: "lr", kind: "number", positive: true, help: "SGD learning rate (dense 1e-4, rd 1e-3)" },
    { name: "batch", kind: "integer", min: 1, default: 200, help: "batch size" },
    {
      name: "tolerance",
      kind: "number",
      help: "stop when the training error changes less (rd 1e-7; negative: never)",
    },
    {
      name: "init",
      kind: "choice",
      choices: ["normal", "uniform", "xavier"],
      default: "normal",
      help: "weights (dense) or diagonals (rd)",
    },
    {
      name: "inputs",
      kind: "choice",
      choices: ["auto", "standardized", "raw"],
      default: "auto",
      help: "standardized by the training statistics, or raw; auto: dense standardized, rd raw",
    },
    { name: "seed", kind: "integer", default: 1234, help: "random seed" },
    {
      name: "mnist",
      kind: "string",
      default: "data/mnist.npz",
      help: "where the labels come from",
    },
    ...OUTPUT_OPTIONS,
  ],
} as const;

await run(spec.name, () => {
  const args = parse({ ...spec, options: [...spec.options] }, Deno.args);
  if (!args) return;
  if (args.positional.length !== 3) {
    throw new UsageError(`expected N TRAIN TEST, got ${args.positional.length} arguments`);
  }
  const [nText, trainFile, testFile] = args.positional;
  const n = checkedInt("N (the number of weak learners)", nText, 1);
  const layer = args.choice<"dense" | "rd">("layer"), rule = args.choice<"bp" | "dfa">("rule");
  if (layer === "dense" && rule !== "bp") {
    throw new UsageError("--rule dfa is for the RD layer: a dense layer alone has no hidden layer");
  }
  const quiet = args.flag("quiet"), labels = loadMnistLabels(args.get("mnist"));
  const load = (file: string, key: string, count: number) => {
    const [a] = requireKeys(loadNpz(file, [key]), file, [key]);
    try {
      checkLinouts(a, n, labels.classes, count, `${file}: ${key}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return a;
  };
  const progress = new Progress(quiet);
  const inputs = args.choice<"auto" | "standardized" | "raw">("inputs");
  const epochs = args.optionalInt("epochs");
  const r = stackedModel({
    n,
    train: load(trainFile, LINOUT_KEYS.train, labels.train.length),
    test: load(testFile, LINOUT_KEYS.test, labels.test.length),
    labels,
    layer,
    rule,
    epochs,
    lr: args.optionalNumber("lr"),
    batch: args.int("batch"),
    tolerance: args.optionalNumber("tolerance"),
    seed: args.int("seed"),
    init: args.choice<"normal" | "uniform" | "xavier">("init"),
    standardize: inputs === "auto" ? undefined : inputs === "standardized",
    onBatch: (done, total, epoch) => {
      if (done === 1) progress.start(`${layer} epoch ${epoch}${epochs ? `/${epochs}` : ""}`);
      progress.tick(done, total);
    },
    onEpoch: (s: EpochStats) => {
      progress.clear();
      if (!quiet) {
        console.log(
          `epoch ${String(s.epoch).padStart(3)}: loss ${s.loss.toFixed(4)}, training error ${
            pct(s.trainError)
          }`,
        );
      }
    },
  });
  console.log(`Test error: ${pct(r.testError)}`);
  if (args.flag("json")) console.log(JSON.stringify(r));
});
