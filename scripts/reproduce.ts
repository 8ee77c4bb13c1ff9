// Runs the cells of an experiment file (network × rule × seed), saving each cell as it finishes
// and checkpointing the cell in training after every epoch (a killed run resumes from its last
// epoch), and prints our mean ± std beside the published figure.
import { getBlas } from "../mod.ts";
import {
  cliArgs,
  CommandError,
  FLUSH_SUBNORMALS_OPTION,
  noMoreArguments,
  parse,
  UsageError,
} from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { reportOptions } from "../src/report/report.ts";
import {
  cellProcess,
  type CellRun,
  ExperimentFileError,
  loadExperiment,
  mergeDone,
  parseSelection,
  planCells,
  resultsPath,
  statusLines,
  toDo,
  trainInProcesses,
  trainInTurn,
  trainOne,
  writeTables,
} from "../src/experiments/mod.ts";

const spec = {
  name: "reproduce",
  summary:
    "Runs the cells of an experiment (network × rule × seed) and writes OUT/NAME.json (each\n" +
    "cell saved as it finishes, and checkpointed after every epoch under OUT/checkpoints/: a killed\n" +
    "run resumes from its last epoch), a Markdown table of our mean ± std beside the published\n" +
    "figure (OUT/NAME.md), and an HTML report of the curves. FILE is an experiment file\n" +
    "(docs/experiment-files.md) or the name of one in experiments/ (nokland-table1, biotorch-lenet).",
  usage: "deno task reproduce FILE [--epochs N] [--seeds 1,2,3] [--only TEXT] [--rules bp,dfa] " +
    "[--jobs N] [--status]",
  options: [
    {
      name: "epochs",
      kind: "integer",
      min: 1,
      max: 100_000,
      help: "epochs a cell (default: the file's)",
    },
    { name: "seeds", kind: "string", help: "seeds, comma-separated (default: the file's)" },
    { name: "only", kind: "string", help: "only the row of this name, else those containing it" },
    { name: "rules", kind: "string", help: "only these rules, comma-separated" },
    { name: "status", kind: "boolean", help: "list each cell as done, in training or to do" },
    { name: "jobs", kind: "integer", min: 1, default: 1, help: "cells at once, each a process" },
    { name: "cell", kind: "string", help: "train only the cell of this id, left in its directory" },
    { name: "merge", kind: "boolean", help: "train nothing: merge finished cells, write tables" },
    { name: "train-samples", kind: "integer", min: 1, help: "only the first N training images" },
    { name: "data", kind: "string", default: "data/mnist.npz", help: "MNIST (else the shipped)" },
    { name: "out-dir", kind: "string", default: "results", help: "where NAME.json and NAME.md go" },
    FLUSH_SUBNORMALS_OPTION,
    ...reportOptions("reproduce"),
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args, 1);
  const file = args.positional[0];
  if (file === undefined) throw new UsageError("FILE, the experiment, is missing");
  const overrides = {
    epochs: args.optionalInt("epochs"),
    trainSamples: args.optionalInt("train-samples"),
  };
  const flushSubnormals = args.flag("flush-subnormals") || undefined;
  const jobs = args.int("jobs"), cell = args.optional("cell"), outDir = args.get("out-dir");
  let r: CellRun;
  try {
    const exp = loadExperiment(file);
    const pick = parseSelection(...["only", "rules", "seeds"].map((o) => args.optional(o)));
    r = {
      exp,
      plans: planCells(exp, pick, overrides),
      outDir,
      run: overrides,
      data: args.get("data"),
      flushSubnormals,
      log: console.log,
    };
  } catch (error) {
    if (error instanceof ExperimentFileError) throw new UsageError(error.message);
    throw error;
  }
  if (cell !== undefined && !r.plans.some((p) => p.id === cell)) {
    throw new UsageError(`--cell ${cell}: the run plans no cell of that id (see --status)`);
  }
  if (args.flag("status")) return statusLines(r).forEach((l) => console.log(l));
  getBlas({ flushSubnormals }); // before any layer loads it without
  if (cell !== undefined) return trainOne(r, cell); // writes only the cell's directory
  Deno.mkdirSync(`${r.outDir}/checkpoints/${r.exp.name}`, { recursive: true });
  mergeDone(r); // what processes of a killed --jobs run (or Slurm array tasks) finished
  if (args.flag("merge")) {
    const left = toDo(r);
    if (left.length) {
      throw new CommandError(`Cannot merge: ${left.length} cells are not done (${left[0].id}, …)`);
    }
  } else if (jobs === 1) trainInTurn(r);
  else {
    const failed = await trainInProcesses(r, jobs, cellProcess(cliArgs(), jobs));
    for (const f of failed) console.error(`reproduce: ${f.plan.id} failed (exit code ${f.code})`);
    if (failed.length) throw new CommandError(`${failed.length} cells failed; run again to retry`);
  }
  const { markdown, report } = await writeTables(
    r,
    args.flag("report") ? args.get("report-dir") : undefined,
  );
  console.log(`\n${markdown}`);
  if (report) console.log(`Report: ${report}`);
  console.log(`Results: ${resultsPath(r)}`);
});
