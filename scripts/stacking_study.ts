// The stacking study (src/experiments/stacking_study.ts): same-init and diff-init weak learners a
// seed (or one given set of outputs for every seed), the stacked models on their outputs, the
// original program's own runs from its logs, each cell saved as it finishes; then the table.
import { cliArgs, noMoreArguments, parse, UsageError } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { runStackingStudy, studyTable } from "../src/experiments/stacking_study.ts";

const spec = {
  name: "stacking-study",
  summary:
    "Runs the stacking study: for each seed, same-init and diff-init weak learners (data/exp/KIND-SEED;\n" +
    "--outputs: one given set for every seed; --original-logs: the original program's runs beside),\n" +
    "then the dense and RD stacked models, default and --update original; appends each result to the\n" +
    "results file as it finishes (a killed study resumes), and prints mean ± std over the seeds.",
  usage: "deno task stacking-study [options]",
  options: [
    { name: "n", kind: "integer", min: 1, default: 50, help: "weak learners" },
    { name: "seeds", kind: "string", default: "1234,1,2,3,4", help: "seeds, comma-separated" },
    { name: "out", kind: "string", default: "results/stacking.json", help: "the results file" },
    {
      name: "only",
      kind: "choice",
      choices: ["all", "main", "dfa", "original"],
      default: "all",
      help:
        "the models: all, the default and original ones (main), the RD-by-DFA variants, or --update original alone",
    },
    {
      name: "outputs",
      kind: "string",
      help: "stack these learners' outputs (DIR/train_linouts.npz …) for every seed instead",
    },
    {
      name: "diff",
      kind: "boolean",
      help: "--outputs: the diff-init files (diff-train_linouts.npz …)",
    },
    {
      name: "original-logs",
      kind: "string",
      help:
        "record the original program's runs too: DIR/dense-SEED.log, DIR/rd-SEED.log (what its stacked-model.py, RD-stacked-model.py printed)",
    },
    { name: "existing", kind: "boolean", help: "skip seeds whose learners' outputs are missing" },
    {
      name: "models",
      kind: "string",
      default: "dense,rd",
      help: "the stacked models, comma-separated: dense, rd",
    },
  ],
} as const;

/** `--models`: dense and/or rd, each once. */
function studyModels(text: string): ("dense" | "rd")[] {
  const names = text.split(",");
  if (names.some((m) => m !== "dense" && m !== "rd") || new Set(names).size !== names.length) {
    throw new UsageError(`--models must be dense, rd or dense,rd: ${JSON.stringify(text)}`);
  }
  return names as ("dense" | "rd")[];
}

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const cells = await runStackingStudy({
    n: args.int("n"),
    seeds: args.ints("seeds"),
    out: args.get("out"),
    only: args.choice<"all" | "main" | "dfa" | "original">("only"),
    existing: args.flag("existing"),
    outputs: args.optional("outputs"),
    diff: args.flag("diff"),
    originalLogs: args.optional("original-logs"),
    models: studyModels(args.get("models")),
  }, console.log);
  for (const line of studyTable(cells)) console.log(line);
});
