// The whole stacking workflow with the original's defaults: create-dataset (when data/mnist.npz is
// missing), N weak learners, the dense and the RD stacked models, and a summary table.
import { parse, run, UsageError } from "./_cli.ts";
import { createDataset } from "./create_dataset.ts";
import { barChart, lineChart, reportOptions, writeReport } from "./_report.ts";
import { stackedModel } from "./stacked_model.ts";
import { weakLearners } from "./weak_learners.ts";
import { WEAK_LEARNER_DEFAULTS } from "../mod.ts";

const spec = {
  name: "pipeline",
  summary:
    "Runs the three steps on MNIST: create-dataset (if data/mnist.npz is missing), weak-learners N,\n" +
    "stacked-model and rd-stacked-model on their outputs; ends with a summary table.",
  usage: "deno task pipeline [options]",
  options: [
    { name: "n", kind: "string" as const, default: "50", help: "weak learners" },
    { name: "diff", kind: "boolean" as const, help: "learners with their own initialisations" },
    {
      name: "seed",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.seed),
      help: "random seed",
    },
    {
      name: "workers",
      kind: "string" as const,
      default: "auto",
      help: "parallel workers for the learners",
    },
    ...reportOptions("pipeline"),
    { name: "json", kind: "boolean" as const, help: "print one JSON object as the last line" },
    { name: "quiet", kind: "boolean" as const, help: "only the summary" },
  ],
};

await run(spec.name, async () => {
  const args = parse(spec, Deno.args);
  if (!args) return;
  if (args.positional.length) throw new UsageError(`unexpected argument: ${args.positional[0]}`);
  const n = args.int("n", 1), seed = args.int("seed", 0), quiet = args.flag("quiet");
  const diff = args.flag("diff"), prefix = diff ? "diff-" : "";
  const steps: { step: string; seconds: number; result: string }[] = [];
  const t0 = performance.now();
  const mnist = "data/mnist.npz";
  let exists = true;
  try {
    Deno.statSync(mnist);
  } catch {
    exists = false;
  }
  if (!exists) {
    if (!quiet) console.log(`== create-dataset: ${mnist} is missing, writing it`);
    const r = createDataset({ out: mnist });
    steps.push({
      step: "create-dataset",
      seconds: r.seconds,
      result: `${mnist}, ${(r.bytes / 1e6).toFixed(0)} MB`,
    });
  }
  if (!quiet) console.log(`== ${prefix}weak-learners ${n}`);
  const wl = await weakLearners(
    {
      config: { ...WEAK_LEARNER_DEFAULTS, seed, diff },
      data: mnist,
      outDir: "data",
    },
    n,
    { workers: args.get("workers"), quiet },
  );
  const pct = (f: number) => `${(100 * f).toFixed(2)} %`;
  steps.push({
    step: `${prefix}weak-learners ${n}`,
    seconds: wl.seconds,
    result: `mean test error ${pct(wl.mean_test_error)}, best ${pct(wl.best_test_error)}`,
  });
  const [trainFile, testFile] = wl.files;
  const models = [];
  for (const layer of ["dense", "rd"] as const) {
    if (!quiet) {
      console.log(`== ${layer === "rd" ? "rd-" : ""}stacked-model ${n} ${trainFile} ${testFile}`);
    }
    const r = stackedModel({
      n,
      trainFile,
      testFile,
      layer,
      rule: "bp",
      batch: 200,
      seed,
      mnist,
      quiet,
    });
    models.push(r);
    steps.push({
      step: `${layer === "rd" ? "rd-" : ""}stacked-model`,
      seconds: r.seconds,
      result: `test error ${pct(r.test_error)} (${r.parameters} parameters, ${r.epochs} epochs)`,
    });
  }
  const total = (performance.now() - t0) / 1000;
  console.log(`\nSummary (seed ${seed})`);
  const w = Math.max(...steps.map((s) => s.step.length));
  for (const s of steps) {
    console.log(`  ${s.step.padEnd(w)}  ${s.seconds.toFixed(1).padStart(7)} s  ${s.result}`);
  }
  console.log(`  ${"total".padEnd(w)}  ${total.toFixed(1).padStart(7)} s`);
  if (args.flag("report")) {
    const path = await writeReport(
      args.get("report-dir"),
      `Stacking ${n} DFA nets (seed ${seed})`,
      steps.map((s) => `${s.step}: ${s.result} (${s.seconds.toFixed(1)} s)`),
      [
        barChart(
          "models",
          "Test error: weak learners and the stacked models",
          [
            { model: "mean weak learner", "test error (%)": 100 * wl.mean_test_error },
            { model: "best weak learner", "test error (%)": 100 * wl.best_test_error },
            { model: "dense stacked", "test error (%)": 100 * models[0].test_error },
            { model: "RD stacked", "test error (%)": 100 * models[1].test_error },
          ],
          "model",
          "test error (%)",
        ),
        lineChart(
          "learners",
          "Each weak learner's test error",
          wl.learners.map((l) => ({
            learner: l.index + 1,
            "test error (%)": 100 * l.testError,
            run: "weak learners",
          })),
          "learner",
          "test error (%)",
          "run",
        ),
      ],
    );
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (args.flag("json")) {
    console.log(JSON.stringify({
      seed,
      n,
      weak_learners: {
        mean_test_error: wl.mean_test_error,
        best_test_error: wl.best_test_error,
        seconds: wl.seconds,
      },
      stacked: models[0],
      rd_stacked: models[1],
      seconds: total,
    }));
  }
});
