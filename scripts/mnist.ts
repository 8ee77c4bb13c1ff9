// MNIST with DFA and backprop: the 784–800–10 tanh/sigmoid net of dfa-mnist.ipynb and Nøkland 2016.
import {
  type Activation,
  type EpochStats,
  type FeedbackInit,
  type FeedbackPoint,
  firstSamples,
  getBlas,
  holdOut,
  type Init,
  LENET5,
  type Loss,
  MNIST_PRESETS,
  Network,
  Optimizer,
  type OptimizerName,
  parseArchitecture,
  presetInit,
  randomShifts,
  RULES,
  saveCheckpoint,
  saveNetwork,
  train,
} from "../mod.ts";
import { lockCheckpoints, resumeFrom } from "../src/experiments/checkpoints.ts";
import {
  checkedInt,
  cliArgs,
  noMoreArguments,
  parse,
  run,
  UsageError,
} from "../src/cli/options.ts";
import { degrees, pct, secs } from "../src/report/format.ts";
import { Progress } from "../src/cli/progress.ts";
import { loadMnist } from "../src/data/shipped.ts";
import { MNIST_SPEC as spec } from "../src/cli/mnist_spec.ts";
import { mnistReport } from "../src/report/mnist_report.ts";
import { describeNetwork, networkLayerNames } from "../src/report/layer_names.ts";
import { trainedTitle } from "../src/report/titles.ts";

function pick<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new UsageError(`${what} must be one of ${allowed.join(", ")}: ${value}`);
  }
  return value as T;
}

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args);
  const presetName = args.choice<keyof typeof MNIST_PRESETS>("preset");
  const preset = MNIST_PRESETS[presetName];
  const rules = args.get("rule").split(",").map((r) => pick("--rule", r.trim(), RULES));
  const archText = args.optional("arch");
  if (archText !== undefined && args.optional("hidden") !== "800") {
    throw new UsageError("give --arch or --hidden, not both");
  }
  const hidden = args.get("hidden").split(",").map((h) => checkedInt("--hidden", h.trim(), 1));
  const activation = args.choice<Activation>("activation");
  const loss = args.get("loss") as Loss, feedbackAt = args.choice<FeedbackPoint>("feedback-at");
  const epochs = args.optionalInt("epochs") ?? preset.epochs;
  const batch = args.optionalInt("batch") ?? preset.batch;
  const lr = args.optionalNumber("lr") ?? preset.lr;
  const optimizer = (args.optional("optimizer") ?? preset.optimizer) as OptimizerName;
  const rho = args.optionalNumber("rho") ?? preset.rho;
  if (rho !== undefined && !(rho < 1)) throw new UsageError(`--rho must be below 1: ${rho}`);
  const weightDecay = args.number("weight-decay");
  // The optimiser's settings, its defaults filled in (each net gets an optimiser of its own).
  const optimizerOptions = new Optimizer({ name: optimizer, lr, rho, weightDecay }).options;
  const init = args.optional("init") as Init | undefined;
  const feedbackInit = (args.optional("feedback-init") ?? preset.feedbackInit) as FeedbackInit;
  const tolerance = args.optionalNumber("tolerance");
  const shift = args.int("shift");
  const lrDrops = args.optional("lr-drops")?.split(",").map((d) =>
    checkedInt("--lr-drops", d.trim(), 1)
  );
  const seed = args.int("seed"), alignmentEvery = args.int("alignment-every");
  const quiet = args.flag("quiet"), json = args.flag("json"), save = args.optional("save");

  const flushSubnormals = args.flag("flush-subnormals");
  const blas = getBlas({ flushSubnormals }); // before any layer loads it without
  const t0 = performance.now();
  const data = loadMnist(args.get("data"));
  const validationSize = args.optionalInt("validation"), patience = args.optionalInt("patience");
  if (patience !== undefined && validationSize === undefined) {
    throw new UsageError("--patience needs --validation");
  }
  const allTrain = firstSamples(data.train, args.optionalInt("train-samples"));
  if (validationSize !== undefined && validationSize >= allTrain.x.rows) {
    throw new UsageError(
      `--validation must leave training images: ${validationSize} of ${allTrain.x.rows}`,
    );
  }
  // With --validation: a seeded share of the training images, held out to pick each net's epoch.
  const { train: trainSet, validation } = validationSize === undefined
    ? { train: allTrain, validation: undefined }
    : holdOut(allTrain, validationSize / allTrain.x.rows, seed);
  const test = firstSamples(data.test, args.optionalInt("test-samples"));
  if (!quiet) {
    console.log(
      `MNIST: ${trainSet.x.rows} training${
        validation ? `, ${validation.x.rows} validation` : ""
      } and ${test.x.rows} test images (${((performance.now() - t0) / 1000).toFixed(1)} s); ` +
        `preset ${presetName}: ${optimizer}${
          optimizer === "rmsprop" ? ` ρ ${optimizerOptions.rho}` : ""
        } lr ${lr}, batch ${batch}, up to ${epochs} epochs, seed ${seed}`,
    );
  }
  const progress = new Progress(quiet);
  const runs = [];
  // The layers: --arch (images of 28×28), or dense layers of the --hidden widths.
  let arch;
  try {
    arch = archText === undefined
      ? { sizes: [trainSet.x.cols, ...hidden, trainSet.y.cols], hidden: activation }
      : parseArchitecture(
        archText === "lenet5" ? LENET5 : archText,
        [1, 28, 28],
        trainSet.y.cols,
        activation,
      );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const names = networkLayerNames(arch); // conv1, pool1, …, as the report names them
  // One run a checkpoint directory (the lock also clears what a killed run left half-written).
  const checkpointDir = args.optional("checkpoint-dir");
  using _lock = checkpointDir ? lockCheckpoints(checkpointDir) : undefined;
  for (const rule of rules) {
    let net: Network;
    const netInit = init || presetInit(preset, rule, activation);
    // --init sets every layer; else the preset may start the first layer its own way.
    const firstInit = init ? undefined : preset.firstInit?.[rule];
    try {
      net = Network.create({
        ...arch,
        loss,
        rule,
        init: netInit,
        firstInit,
        biasInit: preset.biasInit,
        feedbackInit,
        feedbackAt,
        seed,
      });
    } catch (error) {
      throw new UsageError((error as Error).message); // a rule that cannot train these layers
    }
    // With --checkpoint-dir, a run saved there goes on from its last epoch, with today's options.
    const ckpt = `${checkpointDir}/${rule}.npz`;
    const resume = checkpointDir
      ? resumeFrom(
        ckpt,
        net,
        "a run of other layers, rule or feedback: use another --checkpoint-dir",
      )
      : undefined;
    if (resume && resume.epoch > epochs) {
      throw new UsageError(`--epochs ${epochs} is below the ${resume.epoch} epochs of ${ckpt}`);
    }
    if (resume && !quiet) console.log(`${rule}: resuming after epoch ${resume.epoch} (${ckpt})`);
    const result = train(net, trainSet, {
      epochs,
      batchSize: batch,
      optimizer: optimizerOptions,
      lrDrops,
      augment: shift ? randomShifts([1, 28, 28], shift, seed) : undefined,
      seed,
      test,
      tolerance,
      dropLast: preset.dropLast,
      alignmentEvery: rule === "bp" ? 0 : alignmentEvery,
      validation,
      patience: patience ?? epochs,
      resume,
      onCheckpoint: checkpointDir ? (c) => saveCheckpoint(ckpt, net, c) : undefined,
      onBatch: (done, total, epoch) => {
        if (done === 1) progress.start(`${rule} epoch ${epoch}/${epochs}`);
        progress.tick(done, total);
      },
      onEpoch: (s: EpochStats) => {
        progress.clear();
        if (quiet) return;
        const held = s.validationError === undefined
          ? ""
          : `, validation ${pct(s.validationError)}`;
        // Per hidden layer: the update's angle to the BP gradient ("–" where there is none: a
        // layer without weights, as a pooling, or a zero gradient) and Nøkland's criterion.
        const align = s.alignment?.length
          ? "alignment " +
            s.alignment.map((a) =>
              `${names[a.layer - 1]} ${degrees(a.angle)} (${a.criterion.toFixed(3)})`
            )
              .join(", ")
          : "";
        console.log(
          `${rule} epoch ${String(s.epoch).padStart(3)}: loss ${s.loss.toFixed(4)}, train error ${
            pct(s.trainError)
          }, ` +
            `test error ${pct(s.testError)}${held}, ${secs(s.seconds)}${align ? `, ${align}` : ""}`,
        );
      },
    });
    const last = result.epochs.at(-1);
    const best = result.epochs.reduce(
      (b, e) => (e.testError ?? 1) < (b?.testError ?? 1) ? e : b,
      last,
    );
    if (save) saveNetwork(net, `${save}-${rule}.npz`);
    runs.push({
      rule,
      // The net as it ends: with --validation, put back to the epoch best on the held-out images.
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
  if (!quiet || !json) {
    console.log(
      `\n${"rule".padEnd(5)} ${"epochs".padStart(6)} ${"test error".padStart(10)} ${
        "best".padStart(8)
      } (epoch) ${"time".padStart(8)}`,
    );
    for (const r of runs) {
      console.log(
        `${r.rule.padEnd(5)} ${String(r.epochs.length).padStart(6)} ${
          pct(r.testError).padStart(10)
        } ` +
          `${pct(r.bestTestError).padStart(8)} (${r.bestEpoch}) ${secs(r.seconds).padStart(9)}${
            r.validationEpoch ? `  (ends at epoch ${r.validationEpoch}, best on validation)` : ""
          }`,
      );
    }
  }
  if (args.flag("report")) {
    const what = { task: "MNIST", network: describeNetwork(arch, archText), rules, optimizer, lr };
    const path = await mnistReport(args.get("report-dir"), trainedTitle(what), runs, arch);
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (json) {
    const [first] = runs;
    console.log(JSON.stringify({
      preset: presetName,
      // What produced these runs: the settings after the preset's defaults were applied.
      options: {
        arch: archText ?? `fc:${hidden.join(",fc:")}`,
        activation,
        loss,
        feedbackAt,
        init: init ?? "preset (each run's init says)",
        feedbackInit,
        optimizer,
        lr,
        rho: optimizer === "rmsprop" ? optimizerOptions.rho : undefined,
        lrDrops: lrDrops ?? [],
        weightDecay,
        batch,
        epochs,
        shift,
        seed,
        flushSubnormals,
        blas: { core: blas.core, threads: blas.threads },
        trainSamples: trainSet.x.rows,
        validationSamples: validation?.x.rows ?? 0,
        patience: validation ? patience ?? epochs : undefined,
        testSamples: test.x.rows,
      },
      rule: first.rule,
      testError: first.testError,
      epochs: first.epochs,
      runs,
    }));
  }
});
