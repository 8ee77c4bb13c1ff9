// The whole stacking workflow with the original's defaults: create-dataset (when data/mnist.npz is
// missing), N weak learners, the dense and the RD stacked models, and a summary table.
import { WEAK_LEARNER_DEFAULTS } from "../src/stacking/mod.ts";
import { cliArgs, noMoreArguments, OUTPUT_OPTIONS, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import {
  pipelineJson,
  pipelineReportRun,
  pipelineSummary,
  runPipeline,
} from "../src/experiments/pipeline.ts";
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
  noMoreArguments(args);
  const quiet = args.flag("quiet"), report = args.flag("report");
  const r = await runPipeline({
    n: args.int("n"),
    diff: args.flag("diff"),
    seed: args.int("seed"),
    workers: args.int("workers"),
    curve: report,
  }, quiet ? undefined : console.log);
  for (const line of pipelineSummary(r)) console.log(line);
  if (report) {
    const path = await pipelineReport(args.get("report-dir"), pipelineReportRun(r));
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (args.flag("json")) console.log(pipelineJson(r));
});
