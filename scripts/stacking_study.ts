// The stacking study (src/experiments/stacking_study.ts): same-init and diff-init weak learners a
// seed, the stacked models on their outputs, each cell saved as it finishes; then the table.
import { cliArgs, noMoreArguments, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { runStackingStudy, studyTable } from "../src/experiments/stacking_study.ts";

const spec = {
  name: "stacking-study",
  summary:
    "Runs the stacking study: for each seed, same-init and diff-init weak learners (data/exp/KIND-SEED),\n" +
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
      choices: ["all", "main", "dfa"],
      default: "all",
      help: "the models: all, the default and original ones (main), or the RD-by-DFA variants",
    },
    { name: "existing", kind: "boolean", help: "skip seeds whose learners' outputs are missing" },
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const cells = await runStackingStudy({
    n: args.int("n"),
    seeds: args.ints("seeds"),
    out: args.get("out"),
    only: args.choice<"all" | "main" | "dfa">("only"),
    existing: args.flag("existing"),
  }, console.log);
  for (const line of studyTable(cells)) console.log(line);
});
