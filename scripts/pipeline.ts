// The whole stacking workflow with the original's defaults: create-dataset (when data/mnist.npz is
// missing), N weak learners, the dense and the RD stacked models, and a summary table.
import {
  createMnistNpz,
  LINOUT_KEYS,
  loadNpz,
  type NdArray,
  ndarray,
  runWeakLearners,
  stackedModel,
  type StackedModelResult,
  WEAK_LEARNER_DEFAULTS,
} from "../mod.ts";
import { cliArgs, noMoreArguments, OUTPUT_OPTIONS, parse, run } from "../src/cli/options.ts";
import { disagreement, learnerPredictions } from "../src/stacking/mod.ts";
import { DEFAULT_MNIST, loadMnistLabels, SHIPPED_IDX } from "../src/data/shipped.ts";
import { pct, secs } from "../src/report/format.ts";
import { reportOptions } from "../src/report/report.ts";
import { pipelineReport } from "../src/report/pipeline_report.ts";

const spec = {
  name: "pipeline",
  summary:
    "Runs the three steps on MNIST: create-dataset (if data/mnist.npz is missing), weak-learners N,\n" +
    "stacked-model and rd-stacked-model on their outputs; ends with a summary table.",
  usage: "deno task pipeline [options]",
  options: [
    { name: "n", kind: "integer", min: 1, default: 50, help: "weak learners" },
    { name: "diff", kind: "boolean", help: "learners with their own initialisations" },
    { name: "seed", kind: "integer", default: WEAK_LEARNER_DEFAULTS.seed, help: "random seed" },
    {
      name: "workers",
      kind: "integer",
      min: 1,
      default: 1,
      help: "parallel workers for the learners",
    },
    ...reportOptions("pipeline"),
    ...OUTPUT_OPTIONS,
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args);
  const n = args.int("n"), seed = args.int("seed"), quiet = args.flag("quiet");
  const diff = args.flag("diff"), prefix = diff ? "diff-" : "";
  const steps: { step: string; seconds: number; result: string }[] = [];
  const t0 = performance.now(), mnist = DEFAULT_MNIST;
  let exists = true;
  try {
    Deno.statSync(mnist);
  } catch {
    exists = false;
  }
  if (!exists) {
    if (!quiet) console.log(`== create-dataset: ${mnist} is missing, writing it`);
    const r = createMnistNpz({ idxDir: SHIPPED_IDX, out: mnist });
    steps.push({
      step: "create-dataset",
      seconds: r.seconds,
      result: `${mnist}, ${(r.bytes / 1e6).toFixed(0)} MB`,
    });
  }
  if (!quiet) console.log(`== ${prefix}weak-learners ${n}`);
  const wl = await runWeakLearners(
    { config: { ...WEAK_LEARNER_DEFAULTS, seed, diff }, data: mnist, outDir: "data" },
    n,
    { workers: args.int("workers") },
  );
  steps.push({
    step: `${prefix}weak-learners ${n}`,
    seconds: wl.seconds,
    result: `mean test error ${pct(wl.meanTestError)}, best ${pct(wl.bestTestError)}`,
  });
  const [trainFile, testFile] = wl.files, labels = loadMnistLabels(mnist);
  const train = loadNpz(trainFile, [LINOUT_KEYS.train])[LINOUT_KEYS.train];
  const test = loadNpz(testFile, [LINOUT_KEYS.test])[LINOUT_KEYS.test];
  const models: StackedModelResult[] = [];
  for (const layer of ["dense", "rd"] as const) {
    const name = `${layer === "rd" ? "rd-" : ""}stacked-model`;
    if (!quiet) console.log(`== ${name} ${n} ${trainFile} ${testFile}`);
    const r = stackedModel({ n, train, test, labels, layer, rule: "bp", seed });
    models.push(r);
    steps.push({
      step: name,
      seconds: r.seconds,
      result: `test error ${
        pct(r.testError)
      } (${r.parameters} parameters, epoch ${r.bestEpoch} of ${r.epochs})`,
    });
  }
  // How the stacked error falls with the number of learners: the dense model on the first N.
  const C = labels.classes,
    curve: { learners: number; "test error (%)": number; model: string }[] = [];
  if (args.flag("report")) {
    const t1 = performance.now();
    for (const m of [1, 2, 5, 10, 20, 50, 100, 200].filter((m) => m < n)) {
      const rows = (a: NdArray) =>
        ndarray(
          "float32",
          [C * m, a.shape[1]],
          (a.data as Float32Array).subarray(0, C * m * a.shape[1]),
        );
      const r = stackedModel({
        n: m,
        train: rows(train),
        test: rows(test),
        labels,
        layer: "dense",
        rule: "bp",
        seed,
      });
      curve.push({ learners: m, "test error (%)": 100 * r.testError, model: "dense stacked" });
    }
    curve.push({
      learners: n,
      "test error (%)": 100 * models[0].testError,
      model: "dense stacked",
    });
    steps.push({
      step: "dense stacked on the first N",
      seconds: (performance.now() - t1) / 1000,
      result: curve.map((c) => `N=${c.learners} ${c["test error (%)"].toFixed(2)} %`).join(", "),
    });
  }
  const total = (performance.now() - t0) / 1000;
  console.log(`\nSummary (seed ${seed})`);
  const w = Math.max(...steps.map((s) => s.step.length));
  for (const s of steps) {
    console.log(`  ${s.step.padEnd(w)}  ${secs(s.seconds).padStart(9)}  ${s.result}`);
  }
  console.log(`  ${"total".padEnd(w)}  ${secs(total).padStart(9)}`);
  if (args.flag("report")) {
    const path = await pipelineReport(args.get("report-dir"), {
      n,
      config: { ...WEAK_LEARNER_DEFAULTS, seed, diff },
      summary: steps.map((s) => `${s.step}: ${s.result} (${secs(s.seconds)})`),
      weakLearners: wl,
      stacked: models,
      disagreement: disagreement(learnerPredictions(test, C)),
      curve,
    });
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (args.flag("json")) {
    const { learners: _, ...weakLearners } = wl;
    console.log(
      JSON.stringify({
        seed,
        n,
        weakLearners,
        stacked: models[0],
        rdStacked: models[1],
        seconds: total,
      }),
    );
  }
});
