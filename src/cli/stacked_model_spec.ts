// The stacked-model task's options (rd-stacked-model: --layer rd), and the model's settings they
// make: the weak learners' output files found and checked against MNIST's labels.
import { checkLinouts, linoutsShape } from "../stacking/stacked_inputs.ts";
import { LINOUT_KEYS } from "../stacking/outputs.ts";
import { type OptimizerName, OPTIMIZERS } from "../train/optimizers.ts";
import type { StackedModelOptions } from "../stacking/stacked_model.ts";
import { checkedInt, OUTPUT_OPTIONS, type Parsed, UsageError } from "./options.ts";
import { loadMnistLabels } from "../data/shipped.ts";

export const STACKED_MODEL_SPEC = {
  name: "stacked-model",
  summary:
    "Trains a model on the stacked linear outputs of N weak learners (TRAIN: train_linear_outputs,\n" +
    "TEST: test_linear_outputs, (10·N, samples)) against MNIST's labels, and prints its test error.\n" +
    "--layer dense: a dense sigmoid layer 10·N → 10; --layer rd: the RD layer, D1 and D2 trainable\n" +
    "diagonals, R fixed: y = softmax(D2·R·D1·x + b) (--update original: σ(D2·R·D1·x), no bias). Both by\n" +
    "default: standardized inputs, the exact gradients of the batch-mean loss, Adam, early stopping on\n" +
    "a held-out tenth of the training set (the best epoch's parameters kept). --update original: the\n" +
    "original program's recipe, its outputs and error counts from a double-precision sigmoid as NumPy\n" +
    "computes them, raw inputs — dense: N(0,1) weights and bias, SGD lr 1e-4 on batch sums, batch 200,\n" +
    "100 epochs; rd: D1 by the batch mean, D2 by the first sample of each batch, SGD lr 1e-3, batch\n" +
    "200, its stopping rule (at most 200 epochs).",
  usage: "deno task stacked-model N TRAIN TEST [options]   (rd-stacked-model: --layer rd)\n" +
    "TRAIN and TEST: paths, or bare names of files in data/ (train_linouts.npz test_linouts.npz)",
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
      help: "training rule (dfa: rd only; the error reaches D1 through R with random row signs)",
    },
    {
      name: "rd-feedback",
      kind: "choice",
      choices: ["signs", "aligned", "random"],
      default: "signs",
      help: "--rule dfa: R with random row signs, R itself, or a random matrix",
    },
    {
      name: "epochs",
      kind: "integer",
      min: 1,
      help: "most epochs (100; original: dense 100, rd 200)",
    },
    {
      name: "lr",
      kind: "number",
      positive: true,
      help: "learning rate (1e-3; original: dense 1e-4, rd 1e-3)",
    },
    { name: "optimizer", kind: "choice", choices: OPTIMIZERS, help: "the optimiser (adam)" },
    {
      name: "update",
      kind: "choice",
      choices: ["exact", "original"],
      default: "exact",
      help: "the exact gradients, or the original program's recipe (dense and rd)",
    },
    {
      name: "validation",
      kind: "number",
      min: 0,
      max: 0.5,
      help: "share of the training set held out for early stopping (0.1; original 0)",
    },
    {
      name: "patience",
      kind: "integer",
      min: 1,
      default: 10,
      help: "epochs without a better validation error",
    },
    { name: "batch", kind: "integer", min: 1, help: "batch size (dense 200, rd 50; original 200)" },
    {
      name: "loss",
      kind: "choice",
      choices: ["bce", "ce"],
      help: "sigmoid outputs and binary cross-entropy (dense), or softmax and cross-entropy (rd)",
    },
    {
      name: "tolerance",
      kind: "number",
      help: "stop when the training error changes less (original: rd 1e-7)",
    },
    {
      name: "init",
      kind: "choice",
      choices: ["normal", "uniform", "xavier"],
      help: "weights (dense; normal) or diagonals (rd; uniform, original normal)",
    },
    {
      name: "inputs",
      kind: "choice",
      choices: ["auto", "standardized", "raw"],
      default: "auto",
      help: "standardized by the training statistics, or raw; auto: standardized (original: raw)",
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

/**
 * A file named on the command line: as given when it exists; else, for a bare name, the file of
 * that name in data/ (where weak-learners writes), so that the original's commands work verbatim.
 */
function findData(name: string): string {
  const exists = (p: string) => {
    try {
      return Deno.statSync(p) !== undefined;
    } catch {
      return false;
    }
  };
  if (exists(name) || name.includes("/")) return name;
  if (exists(`data/${name}`)) return `data/${name}`;
  throw new UsageError(`cannot find ${name}: looked for ./${name} and data/${name}`);
}

/**
 * The stacked model's settings from parsed stacked-model options (without its callbacks): the
 * outputs stay in their files, which the model reads a block at a time (no second copy).
 *
 * @throws {UsageError} When the arguments are missing or the files do not fit N and the labels.
 */
export function stackedModelSettings(
  args: Parsed,
): Omit<StackedModelOptions, "onBatch" | "onEpoch"> {
  if (args.positional.length !== 3) {
    throw new UsageError(`expected N TRAIN TEST, got ${args.positional.length} arguments`);
  }
  const [nText, trainName, testName] = args.positional;
  const layer = args.choice<"dense" | "rd">("layer"), rule = args.choice<"bp" | "dfa">("rule");
  const update = args.choice<"exact" | "original">("update"), seed = args.int("seed");
  if (update === "original" && rule !== "bp") {
    throw new UsageError(
      "--update original trains by the gradients, as the original: drop --rule dfa",
    );
  }
  if (update === "original" && (seed < 0 || seed > 0xffffffff)) {
    throw new UsageError(
      `--seed must be in [0, 2^32 - 1] with --update original (NumPy's seeds): ${seed}`,
    );
  }
  const trainFile = findData(trainName), testFile = findData(testName);
  const n = checkedInt("N (the number of weak learners)", nText, 1);
  if (layer === "dense" && rule !== "bp") {
    throw new UsageError("--rule dfa is for the RD layer: a dense layer alone has no hidden layer");
  }
  const labels = loadMnistLabels(args.get("mnist"));
  const load = (file: string, key: string, count: number) => {
    const a = { path: file, key }, shape = [...linoutsShape(a)];
    try {
      checkLinouts({ shape }, n, labels.classes, count, `${file}: ${key}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return a;
  };
  const inputs = args.choice<"auto" | "standardized" | "raw">("inputs");
  return {
    n,
    train: load(trainFile, LINOUT_KEYS.train, labels.train.length),
    test: load(testFile, LINOUT_KEYS.test, labels.test.length),
    labels,
    layer,
    rule,
    epochs: args.optionalInt("epochs"),
    lr: args.optionalNumber("lr"),
    batch: args.optionalInt("batch"),
    tolerance: args.optionalNumber("tolerance"),
    optimizer: args.optional("optimizer") as OptimizerName | undefined,
    update,
    validation: args.optionalNumber("validation"),
    patience: args.int("patience"),
    rdFeedback: args.choice<"signs" | "aligned" | "random">("rd-feedback"),
    seed,
    init: args.optional("init") as "normal" | "uniform" | "xavier" | undefined,
    loss: args.optional("loss") as "bce" | "ce" | undefined,
    standardize: inputs === "auto" ? undefined : inputs === "standardized",
  };
}
