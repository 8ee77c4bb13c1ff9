// The mnist task's options: what `deno task mnist --help` lists, and the settings they make.
import { type Rule, RULES } from "../../mod.ts";
import {
  type Activation,
  ACTIVATIONS,
  FEEDBACK_INITS,
  FEEDBACK_POINTS,
  type FeedbackInit,
  type FeedbackPoint,
  type Init,
  INITS,
  type Loss,
  LOSSES,
} from "../model/mod.ts";
import { MNIST_PRESETS, Optimizer, type OptimizerName, OPTIMIZERS } from "../train/mod.ts";
import type { MnistSettings } from "../experiments/mnist_run.ts";
import {
  checkedInt,
  FLUSH_SUBNORMALS_OPTION,
  OUTPUT_OPTIONS,
  type Parsed,
  UsageError,
} from "./options.ts";
import { reportOptions } from "../report/report.ts";

export const MNIST_SPEC = {
  name: "mnist",
  summary:
    "Trains a net on MNIST with each rule asked for, and reports the errors per epoch. By default\n" +
    "the 784–800–10 net (tanh hidden, sigmoid output, binary cross-entropy) with DFA and backprop;\n" +
    "--arch, --hidden, --rule and --preset choose others.",
  usage: "deno task mnist [options]",
  options: [
    {
      name: "preset",
      kind: "choice",
      choices: Object.keys(MNIST_PRESETS),
      default: "nokland",
      help: "the notebook's settings (seed) or Nøkland 2016's",
    },
    {
      name: "rule",
      kind: "string",
      default: "dfa,bp",
      help: `training rules, comma-separated: ${RULES.join(", ")}`,
    },
    {
      name: "hidden",
      kind: "string",
      help: "hidden layer widths, comma-separated (default: 800)",
    },
    {
      name: "arch",
      kind: "string",
      help:
        "layers instead of --hidden: e.g. conv:6x5x5:p2,pool:2,fc:120 or fc:800x2,dropout:0.2; " +
        "lenet5 for LeNet-5",
    },
    {
      name: "activation",
      kind: "choice",
      choices: ACTIVATIONS,
      default: "tanh",
      help: "hidden activation",
    },
    { name: "epochs", kind: "integer", min: 1, help: "most epochs (preset: 100)" },
    { name: "batch", kind: "integer", min: 1, help: "batch size (preset: seed 200, nokland 64)" },
    { name: "lr", kind: "number", positive: true, help: "learning rate (preset: 1e-4)" },
    {
      name: "optimizer",
      kind: "choice",
      choices: OPTIMIZERS,
      help: "the optimiser (preset: seed sgd, nokland rmsprop)",
    },
    {
      name: "rho",
      kind: "number",
      min: 0,
      help: "RMSprop's decay of its squared-gradient average, below 1 (preset: nokland 0.99)",
    },
    { name: "weight-decay", kind: "number", min: 0, default: 0, help: "L2 weight decay" },
    {
      name: "loss",
      kind: "choice",
      choices: LOSSES,
      default: "bce",
      help: "outputs and loss: bce (sigmoid, binary cross-entropy), ce (softmax), mse",
    },
    {
      name: "shift",
      kind: "integer",
      min: 0,
      max: 27,
      default: 0,
      help: "move each training image by up to N random pixels (data augmentation)",
    },
    {
      name: "lr-drops",
      kind: "string",
      help: "epochs after which the learning rate is divided by 10, comma-separated (e.g. 50,75)",
    },
    {
      name: "feedback-at",
      kind: "choice",
      choices: FEEDBACK_POINTS,
      default: "layer",
      help: "where DFA/cDFA/DRTP feedback enters: every layer's output, or each block's (after " +
        "its pooling and dropout, as Nøkland's dfa-torch)",
    },
    {
      name: "init",
      kind: "choice",
      choices: INITS,
      help: "every layer's forward weights (default: the preset's)",
    },
    {
      name: "feedback-init",
      kind: "choice",
      choices: FEEDBACK_INITS,
      help: "feedback matrices (preset)",
    },
    {
      name: "tolerance",
      kind: "number",
      min: 0,
      help: "stop when the training error changes less than this",
    },
    { name: "seed", kind: "integer", default: 1, help: "random seed" },
    {
      name: "train-samples",
      kind: "integer",
      min: 1,
      help: "use only the first N training images",
    },
    { name: "test-samples", kind: "integer", min: 1, help: "use only the first N test images" },
    {
      name: "validation",
      kind: "integer",
      min: 1,
      help: "hold out N training images (seeded); each net ends at the epoch best on them",
    },
    {
      name: "patience",
      kind: "integer",
      min: 1,
      help: "with --validation, stop after N epochs without a new best (default: never)",
    },
    {
      name: "data",
      kind: "string",
      default: "data/mnist.npz",
      help: "mnist.npz from create-dataset (else the shipped MNIST)",
    },
    {
      name: "alignment-every",
      kind: "integer",
      min: 0,
      default: 1,
      help: "measure DFA/FA alignment every N epochs (0: never)",
    },
    {
      name: "max-gb",
      kind: "number",
      positive: true,
      default: 1,
      help: "the most memory the net's parameters, and then a batch's activations, may take",
    },
    { name: "save", kind: "string", help: "save each trained net as PREFIX-RULE.npz" },
    {
      name: "checkpoint-dir",
      kind: "string",
      help:
        "save each rule's run after every epoch as DIR/RULE.npz, and resume from it when run again",
    },
    FLUSH_SUBNORMALS_OPTION,
    ...reportOptions("mnist"),
    ...OUTPUT_OPTIONS,
  ],
} as const;

function pick<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new UsageError(`${what} must be one of ${allowed.join(", ")}: ${value}`);
  }
  return value as T;
}

/**
 * The settings of parsed mnist options, the preset's defaults filled in.
 *
 * @throws {UsageError} When options contradict each other (--arch with --hidden, --rho ≥ 1).
 */
export function mnistSettings(args: Parsed): MnistSettings {
  const presetName = args.choice<keyof typeof MNIST_PRESETS>("preset");
  const preset = MNIST_PRESETS[presetName];
  const rules = args.get("rule").split(",").map((r) => pick("--rule", r.trim(), RULES as Rule[]));
  const arch = args.optional("arch"), hiddenText = args.optional("hidden");
  if (arch !== undefined && hiddenText !== undefined) {
    throw new UsageError("give --arch or --hidden, not both");
  }
  const hidden = (hiddenText ?? "800").split(",").map((h) => checkedInt("--hidden", h.trim(), 1));
  const activation = args.choice<Activation>("activation");
  const loss = args.get("loss") as Loss, feedbackAt = args.choice<FeedbackPoint>("feedback-at");
  const epochs = args.optionalInt("epochs") ?? preset.epochs;
  const batch = args.optionalInt("batch") ?? preset.batch;
  const lr = args.optionalNumber("lr") ?? preset.lr;
  const optimizer = (args.optional("optimizer") ?? preset.optimizer) as OptimizerName;
  const rho = args.optionalNumber("rho") ?? preset.rho;
  if (rho !== undefined && !(rho < 1)) throw new UsageError(`--rho must be below 1: ${rho}`);
  const weightDecay = args.number("weight-decay");
  const optimizerOptions = new Optimizer({ name: optimizer, lr, rho, weightDecay }).options;
  const init = args.optional("init") as Init | undefined;
  const feedbackInit = (args.optional("feedback-init") ?? preset.feedbackInit) as FeedbackInit;
  const tolerance = args.optionalNumber("tolerance"), shift = args.int("shift");
  const lrDrops = args.optional("lr-drops")?.split(",").map((d) =>
    checkedInt("--lr-drops", d.trim(), 1)
  );
  const seed = args.int("seed"), alignmentEvery = args.int("alignment-every");
  return {
    presetName,
    rules,
    arch,
    hidden,
    activation,
    loss,
    feedbackAt,
    epochs,
    batch,
    lr,
    optimizer,
    optimizerOptions,
    weightDecay,
    init,
    feedbackInit,
    tolerance,
    shift,
    lrDrops,
    seed,
    maxBytes: args.number("max-gb") * 1e9,
    alignmentEvery,
    flushSubnormals: args.flag("flush-subnormals"),
    data: args.get("data"),
    trainSamples: args.optionalInt("train-samples"),
    testSamples: args.optionalInt("test-samples"),
    validation: args.optionalInt("validation"),
    patience: args.optionalInt("patience"),
    checkpointDir: args.optional("checkpoint-dir"),
    save: args.optional("save"),
  };
}
