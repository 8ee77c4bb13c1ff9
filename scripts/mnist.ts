// MNIST with the rules asked for: by default the 784–800–10 tanh/sigmoid net of dfa-mnist.ipynb and
// Nøkland 2016, trained with DFA and with backprop.
import { cliArgs, noMoreArguments, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { MNIST_SPEC as spec, mnistSettings } from "../src/cli/mnist_spec.ts";
import { Progress } from "../src/cli/progress.ts";
import { mnistJson, mnistTable, runMnist } from "../src/experiments/mnist_run.ts";
import { mnistReport } from "../src/report/mnist_report.ts";

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const settings = mnistSettings(args), quiet = args.flag("quiet"), json = args.flag("json");
  const result = runMnist(settings, {
    log: quiet ? undefined : console.log,
    progress: new Progress(quiet, Deno.stderr),
  });
  if (!quiet || !json) { for (const line of mnistTable(result.runs)) console.log(line); }
  if (args.flag("report")) {
    const { title, runs, network } = result;
    const path = await mnistReport(args.get("report-dir"), title, runs, network);
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (json) console.log(mnistJson(result));
});
