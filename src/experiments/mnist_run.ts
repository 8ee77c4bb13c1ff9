// The mnist task's experiment: MNIST loaded (a validation share held out when asked), one net a
// rule built from the layers and the preset, each trained (resuming from its checkpoint when there
// is one), and what the task prints of it: the lines per epoch, the summary table, the JSON.
import type { Activation } from "../kernels/activations.ts";
import { type EpochStats, train } from "../train/train.ts";
import type { FeedbackInit, Init } from "../model/init.ts";
import type { FeedbackPoint, NetworkOptions } from "../model/network_config.ts";
import { firstSamples } from "../data/dataset.ts";
import { getBlas } from "../native/get_blas.ts";
import { holdOut } from "../data/split.ts";
import { LENET5, parseArchitecture } from "../model/architecture.ts";
import type { Loss } from "../model/loss.ts";
import { MNIST_PRESETS, presetInit } from "../train/presets.ts";
import { Network } from "../model/network.ts";
import type { OptimizerName, OptimizerOptions } from "../train/optimizers.ts";
import { randomShifts } from "../data/augment.ts";
import { type Rule, RULE_NAMES } from "../model/rules/registry.ts";
import { saveCheckpoint } from "../train/checkpoint.ts";
import { saveNetwork } from "../model/serialize.ts";
import { UsageError } from "../cli/options.ts";
import { loadMnist } from "../data/shipped.ts";
import { degrees, pct, secs } from "../report/format.ts";
import { describeNetwork, networkLayerNames } from "../report/layer_names.ts";
import { trainedTitle } from "../report/titles.ts";
import { lockCheckpoints, resumeFrom } from "./checkpoints.ts";

/** What the mnist task trains, its options read and the preset's defaults filled in. */
export interface MnistSettings {
  presetName: keyof typeof MNIST_PRESETS;
  rules: Rule[];
  /** The --arch text (lenet5 or layers), or undefined for dense layers of `hidden` widths. */
  arch?: string;
  hidden: number[];
  activation: Activation;
  loss: Loss;
  feedbackAt: FeedbackPoint;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: OptimizerName;
  /** The optimiser's settings, its defaults filled in (each net gets an optimiser of its own). */
  optimizerOptions: Required<OptimizerOptions>;
  weightDecay: number;
  /** Every layer's initialisation (undefined: the preset's, by rule). */
  init?: Init;
  feedbackInit: FeedbackInit;
  tolerance?: number;
  shift: number;
  lrDrops?: number[];
  seed: number;
  alignmentEvery: number;
  flushSubnormals: boolean;
  data: string;
  trainSamples?: number;
  testSamples?: number;
  validation?: number;
  patience?: number;
  checkpointDir?: string;
  /** Save each trained net as PREFIX-RULE.npz. */
  save?: string;
  /** The most bytes the net's parameters, and then a batch's activations, may take. */
  maxBytes?: number;
}

/** One rule's run, as the mnist task records it. */
export interface MnistRuleRun {
  rule: Rule;
  /** The net as it ends: with --validation, put back to the epoch best on the held-out images. */
  testError: number;
  validationEpoch?: number;
  init: Init;
  firstInit?: Init;
  bestTestError: number;
  bestEpoch: number;
  /** Seconds over every epoch (a resumed run's too). */
  seconds: number;
  epochs: EpochStats[];
}

/** The runs, and the settings that produced them as the JSON output records them. */
export interface MnistResult {
  presetName: string;
  options: Record<string, unknown>;
  runs: MnistRuleRun[];
  /** The layers trained (widths, kinds, specs, activation), as the report names them. */
  network: Pick<NetworkOptions, "sizes" | "hidden" | "layers" | "specs">;
  /** What was trained: the network, the rules, the optimiser and its learning rate. */
  title: string;
}

/** What the run reports as it goes: lines to print, and progress within an epoch. */
export interface MnistCallbacks {
  /** A line of output (none when quiet). */
  log?: (line: string) => void;
  /** Progress of the batches of an epoch. */
  progress?: {
    start(label: string): void;
    tick(done: number, total: number): void;
    clear(): void;
  };
}

/**
 * An epoch's line: errors, time and per layer (named as the report names it: conv1, pool1, fc1)
 * the update's angle to backprop's.
 */
function epochLine(rule: Rule, s: EpochStats, names: readonly string[]): string {
  const held = s.validationError === undefined ? "" : `, validation ${pct(s.validationError)}`;
  // Per layer: the update's angle to the BP gradient ("–" where there is none: a layer
  // without weights, as a pooling, or a zero gradient) and Nøkland's criterion.
  const align = s.alignment?.length
    ? "alignment " +
      s.alignment.map((a) =>
        `${names[a.layer - 1]} ${degrees(a.angle)} (${a.criterion.toFixed(3)})`
      ).join(", ")
    : "";
  return `${RULE_NAMES[rule]} epoch ${String(s.epoch).padStart(3)}: loss ${
    s.loss.toFixed(4)
  }, train error ${pct(s.trainError)}, ` +
    `test error ${pct(s.testError)}${held}, ${secs(s.seconds)}${align ? `, ${align}` : ""}`;
}

/** Trains one net a rule on MNIST as `settings` say. */
export function runMnist(settings: MnistSettings, callbacks: MnistCallbacks = {}): MnistResult {
  const s = settings, preset = MNIST_PRESETS[s.presetName], log = callbacks.log;
  const blas = getBlas({ flushSubnormals: s.flushSubnormals }); // before any layer loads it
  const t0 = performance.now();
  if (s.patience !== undefined && s.validation === undefined) {
    throw new UsageError("--patience needs --validation");
  }
  const data = loadMnist(s.data); // after the checks that need no data: a usage error comes at once
  const allTrain = firstSamples(data.train, s.trainSamples);
  if (s.validation !== undefined && s.validation >= allTrain.x.rows) {
    throw new UsageError(
      `--validation must leave training images: ${s.validation} of ${allTrain.x.rows}`,
    );
  }
  // With --validation: a seeded share of the training images, held out to pick each net's epoch.
  const { train: trainSet, validation } = s.validation === undefined
    ? { train: allTrain, validation: undefined }
    : holdOut(allTrain, s.validation / allTrain.x.rows, s.seed);
  const test = firstSamples(data.test, s.testSamples);
  log?.(
    `MNIST: ${trainSet.x.rows} training${
      validation ? `, ${validation.x.rows} validation` : ""
    } and ${test.x.rows} test images (${((performance.now() - t0) / 1000).toFixed(1)} s); ` +
      `preset ${s.presetName}: ${s.optimizer}${
        s.optimizer === "rmsprop" ? ` ρ ${s.optimizerOptions.rho}` : ""
      } lr ${s.lr}, batch ${s.batch}, up to ${s.epochs} epochs, seed ${s.seed}`,
  );
  const runs: MnistRuleRun[] = [];
  // The layers: --arch (images of 28×28), or dense layers of the --hidden widths.
  let arch: Pick<NetworkOptions, "sizes" | "hidden" | "layers" | "specs">;
  try {
    arch = s.arch === undefined
      ? { sizes: [trainSet.x.cols, ...s.hidden, trainSet.y.cols], hidden: s.activation }
      : parseArchitecture(
        s.arch === "lenet5" ? LENET5 : s.arch,
        [1, 28, 28],
        trainSet.y.cols,
        s.activation,
        { maxBytes: s.maxBytes },
      );
  } catch (error) {
    throw new UsageError(`--arch: ${(error as Error).message.replace("maxBytes", "--max-gb")}`);
  }
  const names = networkLayerNames(arch); // conv1, pool1, …, as the report names them
  // One run a checkpoint directory (the lock also clears what a killed run left half-written).
  using _lock = s.checkpointDir ? lockCheckpoints(s.checkpointDir) : undefined;
  for (const rule of s.rules) {
    let net: Network;
    const netInit = s.init || presetInit(preset, rule, s.activation);
    // --init sets every layer; else the preset may start the first layer its own way.
    const firstInit = s.init ? undefined : preset.firstInit?.[rule];
    try {
      net = Network.create({
        ...arch,
        loss: s.loss,
        rule,
        init: netInit,
        firstInit,
        biasInit: preset.biasInit,
        feedbackInit: s.feedbackInit,
        feedbackAt: s.feedbackAt,
        seed: s.seed,
        maxBytes: s.maxBytes,
      });
    } catch (error) {
      throw new UsageError((error as Error).message); // a rule that cannot train these layers
    }
    // With --checkpoint-dir, a run saved there goes on from its last epoch, with today's options.
    const ckpt = `${s.checkpointDir}/${rule}.npz`;
    const resume = s.checkpointDir
      ? resumeFrom(
        ckpt,
        net,
        "a run of other layers, rule or feedback: use another --checkpoint-dir",
      )
      : undefined;
    if (resume && resume.epoch > s.epochs) {
      throw new UsageError(`--epochs ${s.epochs} is below the ${resume.epoch} epochs of ${ckpt}`);
    }
    if (resume) log?.(`${RULE_NAMES[rule]}: resuming after epoch ${resume.epoch} (${ckpt})`);
    const progress = callbacks.progress;
    const result = train(net, trainSet, {
      epochs: s.epochs,
      batchSize: s.batch,
      optimizer: s.optimizerOptions,
      lrDrops: s.lrDrops,
      augment: s.shift ? randomShifts([1, 28, 28], s.shift, s.seed) : undefined,
      seed: s.seed,
      test,
      tolerance: s.tolerance,
      dropLast: preset.dropLast,
      alignmentEvery: rule === "bp" ? 0 : s.alignmentEvery,
      validation,
      patience: s.patience ?? s.epochs,
      resume,
      onCheckpoint: s.checkpointDir ? (c) => saveCheckpoint(ckpt, net, c) : undefined,
      onBatch: (done, total, epoch) => {
        if (done === 1) progress?.start(`${RULE_NAMES[rule]} epoch ${epoch}/${s.epochs}`);
        progress?.tick(done, total);
      },
      onEpoch: (stats: EpochStats) => {
        progress?.clear();
        log?.(epochLine(rule, stats, names));
      },
    });
    const last = result.epochs.at(-1);
    const best = result.epochs.reduce(
      (b, e) => (e.testError ?? 1) < (b?.testError ?? 1) ? e : b,
      last,
    );
    if (s.save) saveNetwork(net, `${s.save}-${rule}.npz`);
    runs.push({
      rule,
      testError: result.epochs[(result.bestEpoch ?? result.epochs.length) - 1]?.testError ?? NaN,
      validationEpoch: result.bestEpoch,
      init: netInit,
      firstInit,
      bestTestError: best?.testError ?? NaN,
      bestEpoch: best?.epoch ?? 0,
      seconds: result.epochs.reduce((t, e) => t + e.seconds, 0), // resumed: over every run
      epochs: result.epochs,
    });
  }
  // What produced these runs: the settings after the preset's defaults were applied.
  const options = {
    arch: s.arch ?? `fc:${s.hidden.join(",fc:")}`,
    activation: s.activation,
    loss: s.loss,
    feedbackAt: s.feedbackAt,
    init: s.init ?? "preset (each run's init says)",
    feedbackInit: s.feedbackInit,
    optimizer: s.optimizer,
    lr: s.lr,
    rho: s.optimizer === "rmsprop" ? s.optimizerOptions.rho : undefined,
    lrDrops: s.lrDrops ?? [],
    weightDecay: s.weightDecay,
    batch: s.batch,
    epochs: s.epochs,
    shift: s.shift,
    seed: s.seed,
    flushSubnormals: s.flushSubnormals,
    blas: { core: blas.core, threads: blas.threads },
    trainSamples: trainSet.x.rows,
    validationSamples: validation?.x.rows ?? 0,
    patience: validation ? s.patience ?? s.epochs : undefined,
    testSamples: test.x.rows,
  };
  const title = trainedTitle({
    task: "MNIST",
    network: describeNetwork(arch, s.arch),
    rules: s.rules,
    optimizer: s.optimizer,
    lr: s.lr,
  });
  return { presetName: s.presetName, options, runs, network: arch, title };
}

/** The summary table: per rule its epochs, final and best test error, and time. */
export function mnistTable(runs: MnistRuleRun[]): string[] {
  return [
    `\n${"rule".padEnd(5)} ${"epochs".padStart(6)} ${"test error".padStart(10)} ${
      "best".padStart(8)
    } (epoch) ${"time".padStart(8)}`,
    ...runs.map((r) =>
      `${RULE_NAMES[r.rule].padEnd(5)} ${String(r.epochs.length).padStart(6)} ${
        pct(r.testError).padStart(10)
      } ` +
      `${pct(r.bestTestError).padStart(8)} (${r.bestEpoch}) ${secs(r.seconds).padStart(9)}${
        r.validationEpoch ? `  (ends at epoch ${r.validationEpoch}, best on validation)` : ""
      }`
    ),
  ];
}

/** The JSON the task prints last: the preset, the settings, the first run and every run. */
export function mnistJson(result: MnistResult): string {
  const [first] = result.runs;
  return JSON.stringify({
    preset: result.presetName,
    options: result.options,
    rule: first.rule,
    testError: first.testError,
    epochs: first.epochs,
    runs: result.runs,
  });
}
