// The whole stacking workflow with the original's defaults: create-dataset (when data/mnist.npz is
// missing), N weak learners, the dense and the RD stacked models, and a summary table.
import {
  createMnistNpz,
  LINOUT_KEYS,
  loadNpz,
  runWeakLearners,
  stackedModel,
  type StackedModelResult,
  WEAK_LEARNER_DEFAULTS,
} from "../mod.ts";
import { noMoreArguments, OUTPUT_OPTIONS, parse, run } from "./_cli.ts";
import { DEFAULT_MNIST, loadMnistLabels, SHIPPED_IDX } from "./_data.ts";
import { pct, secs } from "./_format.ts";
import { barChart, pointChart, reportOptions, writeReport } from "./_report.ts";

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
  const args = parse({ ...spec, options: [...spec.options] }, Deno.args);
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
    const r = stackedModel({ n, train, test, labels, layer, rule: "bp", batch: 200, seed });
    models.push(r);
    steps.push({
      step: name,
      seconds: r.seconds,
      result: `test error ${pct(r.testError)} (${r.parameters} parameters, ${r.epochs} epochs)`,
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
    const path = await writeReport(
      args.get("report-dir"),
      `Stacking ${n} DFA nets (seed ${seed})`,
      steps.map((s) => `${s.step}: ${s.result} (${secs(s.seconds)})`),
      [
        barChart(
          "models",
          "Test error: weak learners and the stacked models",
          [
            { model: "mean weak learner", "test error (%)": 100 * wl.meanTestError },
            { model: "best weak learner", "test error (%)": 100 * wl.bestTestError },
            { model: "dense stacked", "test error (%)": 100 * models[0].testError },
            { model: "RD stacked", "test error (%)": 100 * models[1].testError },
          ],
          "model",
          "test error (%)",
        ),
        pointChart(
          "learners",
          "Each weak learner's test error",
          wl.learners.map((l) => ({ learner: l.index + 1, "test error (%)": 100 * l.testError })),
          "learner",
          "test error (%)",
        ),
      ],
    );
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
