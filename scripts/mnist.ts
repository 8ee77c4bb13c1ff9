// MNIST with DFA and backprop: the 784–800–10 tanh/sigmoid net of dfa-mnist.ipynb and Nøkland 2016.
import {
  type Activation,
  ACTIVATIONS,
  type EpochStats,
  FEEDBACK_INITS,
  type FeedbackInit,
  type Init,
  INITS,
  Network,
  type OptimizerName,
  OPTIMIZERS,
  type Rule,
  RULES,
  saveNetwork,
  train,
} from "../mod.ts";
import { checkedInt, parse, run, UsageError } from "./_cli.ts";
import { Progress } from "./_progress.ts";
import { firstSamples, loadMnist } from "./_data.ts";
import { lineChart, reportOptions, writeReport } from "./_report.ts";

interface Preset {
  init: Record<Rule, Init>;
  biasInit: Init;
  feedbackInit: FeedbackInit;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  epochs: number;
  dropLast: boolean;
}

const PRESETS: Record<string, Preset> = {
  // dfa-mnist.ipynb: N(0, 1) for everything, plain SGD on batch sums, the last partial batch dropped.
  seed: {
    init: { bp: "normal", fa: "normal", dfa: "normal" },
    biasInit: "normal",
    feedbackInit: "normal",
    optimizer: "sgd",
    lr: 1e-4,
    batch: 200,
    epochs: 100,
    dropLast: true,
  },
  // Nøkland 2016: zero forward weights for DFA/FA (Torch's default for BP), B ~ U(±1/√800), RMSprop.
  nokland: {
    init: { bp: "uniform", fa: "zeros", dfa: "zeros" },
    biasInit: "zeros",
    feedbackInit: "uniform",
    optimizer: "rmsprop",
    lr: 1e-4,
    batch: 64,
    epochs: 100,
    dropLast: false,
  },
};

const spec = {
  name: "mnist",
  summary:
    "Trains the 784–800–10 MNIST net (tanh hidden, sigmoid output, binary cross-entropy) with DFA\n" +
    "and with backprop, and reports the errors per epoch.",
  usage: "deno task mnist [options]",
  options: [
    {
      name: "preset",
      kind: "string" as const,
      default: "nokland",
      help: "seed (the notebook) or nokland (Nøkland 2016)",
    },
    {
      name: "rule",
      kind: "string" as const,
      default: "dfa,bp",
      help: "training rules, comma-separated: dfa, fa, bp",
    },
    {
      name: "hidden",
      kind: "string" as const,
      default: "800",
      help: "hidden layer widths, comma-separated",
    },
    {
      name: "activation",
      kind: "string" as const,
      default: "tanh",
      help: `hidden activation: ${ACTIVATIONS.join(", ")}`,
    },
    { name: "epochs", kind: "string" as const, help: "most epochs (preset: 100)" },
    { name: "batch", kind: "string" as const, help: "batch size (preset: seed 200, nokland 64)" },
    { name: "lr", kind: "string" as const, help: "learning rate (preset: 1e-4)" },
    {
      name: "optimizer",
      kind: "string" as const,
      help: `${OPTIMIZERS.join(", ")} (preset: seed sgd, nokland rmsprop)`,
    },
    {
      name: "init",
      kind: "string" as const,
      help: `forward weights: ${INITS.join(", ")} (preset)`,
    },
    {
      name: "feedback-init",
      kind: "string" as const,
      help: `feedback matrices: ${FEEDBACK_INITS.join(", ")} (preset)`,
    },
    {
      name: "tolerance",
      kind: "string" as const,
      help: "stop when the training error changes less than this",
    },
    { name: "seed", kind: "string" as const, default: "1", help: "random seed" },
    {
      name: "train-samples",
      kind: "string" as const,
      help: "use only the first N training images",
    },
    { name: "test-samples", kind: "string" as const, help: "use only the first N test images" },
    {
      name: "data",
      kind: "string" as const,
      default: "data/mnist.npz",
      help: "mnist.npz from create-dataset (else the shipped MNIST)",
    },
    {
      name: "alignment-every",
      kind: "string" as const,
      default: "1",
      help: "measure DFA/FA alignment every N epochs (0: never)",
    },
    { name: "save", kind: "string" as const, help: "save each trained net as PREFIX-RULE.npz" },
    ...reportOptions("mnist"),
    { name: "json", kind: "boolean" as const, help: "print one JSON object as the last line" },
    { name: "quiet", kind: "boolean" as const, help: "no progress and no per-epoch lines" },
  ],
};

function pick<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new UsageError(`${what} must be one of ${allowed.join(", ")}: ${value}`);
  }
  return value as T;
}

const pct = (f: number | undefined) => f === undefined ? "–" : `${(100 * f).toFixed(2)} %`;

await run(spec.name, async () => {
  const args = parse(spec, Deno.args);
  if (!args) return;
  if (args.positional.length) throw new UsageError(`unexpected argument: ${args.positional[0]}`);
  const presetName = pick("--preset", args.get("preset"), Object.keys(PRESETS));
  const preset = PRESETS[presetName];
  const rules = args.get("rule").split(",").map((r) => pick("--rule", r.trim(), RULES));
  const hidden = args.get("hidden").split(",").map((h) => checkedInt("--hidden", h.trim(), 1));
  const activation = pick("--activation", args.get("activation"), ACTIVATIONS) as Activation;
  const epochs = args.optional("epochs") === undefined ? preset.epochs : args.int("epochs", 0);
  const batch = args.optional("batch") === undefined ? preset.batch : args.int("batch", 1);
  const lr = args.optional("lr") === undefined ? preset.lr : args.number("lr", Number.MIN_VALUE);
  const optimizer = pick("--optimizer", args.optional("optimizer") ?? preset.optimizer, OPTIMIZERS);
  const init = args.optional("init") && pick("--init", args.get("init"), INITS);
  const feedbackInit = pick(
    "--feedback-init",
    args.optional("feedback-init") ?? preset.feedbackInit,
    FEEDBACK_INITS,
  );
  const tolerance = args.optional("tolerance") === undefined
    ? undefined
    : args.number("tolerance", 0);
  const seed = args.int("seed", 0), alignmentEvery = args.int("alignment-every", 0);
  const quiet = args.flag("quiet"), json = args.flag("json"), save = args.optional("save");

  const t0 = performance.now();
  const data = loadMnist(args.get("data"));
  const limit = (name: string) => args.optional(name) === undefined ? undefined : args.int(name, 1);
  const trainSet = firstSamples(data.train, limit("train-samples"));
  const test = firstSamples(data.test, limit("test-samples"));
  if (!quiet) {
    console.log(
      `MNIST: ${trainSet.x.rows} training and ${test.x.rows} test images (${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s); ` +
        `preset ${presetName}: ${optimizer} lr ${lr}, batch ${batch}, up to ${epochs} epochs, seed ${seed}`,
    );
  }
  const progress = new Progress(quiet);
  const runs = [];
  for (const rule of rules) {
    const sizes = [trainSet.x.cols, ...hidden, trainSet.y.cols];
    const net = Network.create({
      sizes,
      hidden: activation,
      loss: "bce",
      rule,
      init: init || preset.init[rule],
      biasInit: preset.biasInit,
      feedbackInit,
      seed,
    });
    const started = performance.now();
    const result = train(net, trainSet, {
      epochs,
      batchSize: batch,
      optimizer: { name: optimizer, lr },
      seed,
      test,
      tolerance,
      dropLast: preset.dropLast,
      alignmentEvery: rule === "bp" ? 0 : alignmentEvery,
      onBatch: (done, total, epoch) => {
        if (done === 1) progress.start(`${rule} epoch ${epoch}/${epochs}`);
        progress.tick(done, total);
      },
      onEpoch: (s: EpochStats) => {
        progress.clear();
        if (quiet) return;
        const align = s.alignment?.map((a) =>
          `angle ${a.angle.toFixed(1)}°, criterion ${a.criterion.toFixed(3)}`
        ).join("; ");
        console.log(
          `${rule} epoch ${String(s.epoch).padStart(3)}: loss ${s.loss.toFixed(4)}, train error ${
            pct(s.train_error)
          }, ` +
            `test error ${pct(s.test_error)}, ${s.seconds.toFixed(1)} s${
              align ? `, ${align}` : ""
            }`,
        );
      },
    });
    const last = result.epochs.at(-1);
    const best = result.epochs.reduce(
      (b, e) => (e.test_error ?? 1) < (b?.test_error ?? 1) ? e : b,
      last,
    );
    if (save) saveNetwork(net, `${save}-${rule}.npz`);
    runs.push({
      rule,
      test_error: last?.test_error ?? NaN,
      best_test_error: best?.test_error ?? NaN,
      best_epoch: best?.epoch ?? 0,
      seconds: (performance.now() - started) / 1000,
      epochs: result.epochs,
    });
  }
  if (!quiet || !json) {
    console.log(
      `\n${"rule".padEnd(5)} ${"epochs".padStart(6)} ${"test error".padStart(10)} ${
        "best".padStart(8)
      } (epoch) ${"time".padStart(8)}`,
    );
    for (const r of runs) {
      console.log(
        `${r.rule.padEnd(5)} ${String(r.epochs.length).padStart(6)} ${
          pct(r.test_error).padStart(10)
        } ` +
          `${pct(r.best_test_error).padStart(8)} (${r.best_epoch}) ${
            r.seconds.toFixed(1).padStart(7)
          } s`,
      );
    }
  }
  if (args.flag("report")) {
    const errors = runs.flatMap((r) =>
      r.epochs.flatMap((e) => [
        { epoch: e.epoch, "error (%)": 100 * e.train_error, curve: `${r.rule} train` },
        { epoch: e.epoch, "error (%)": 100 * (e.test_error ?? NaN), curve: `${r.rule} test` },
      ])
    );
    const angles = runs.flatMap((r) =>
      r.epochs.flatMap((e) =>
        (e.alignment ?? []).filter((a) => Number.isFinite(a.angle)).map((a) => ({
          epoch: e.epoch,
          "angle (°)": a.angle,
          layer: `${r.rule} hidden ${a.layer}`,
        }))
      )
    );
    const charts = [
      lineChart(
        "errors",
        "Training and test error per epoch",
        errors,
        "epoch",
        "error (%)",
        "curve",
      ),
    ];
    if (angles.length) {
      charts.push(
        lineChart(
          "alignment",
          "Angle between the update and the backprop gradient",
          angles,
          "epoch",
          "angle (°)",
          "layer",
        ),
      );
    }
    const path = await writeReport(
      args.get("report-dir"),
      `MNIST, preset ${presetName}`,
      runs.map((r) => `${r.rule}: test error ${pct(r.test_error)} after ${r.epochs.length} epochs`),
      charts,
    );
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (json) {
    const [first] = runs;
    console.log(JSON.stringify({
      preset: presetName,
      rule: first.rule,
      test_error: first.test_error,
      epochs: first.epochs,
      runs,
    }));
  }
});
