// dfa-linear-net.ipynb: a net with no activation learns M = W2·W1 by DFA, tracking the alignment.
import { type Rule, RULE_NAMES, RULES } from "../mod.ts";
import { cliArgs, noMoreArguments, OUTPUT_OPTIONS, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { linearNet } from "../src/experiments/linear_net.ts";
import { secs } from "../src/report/format.ts";
import { reportOptions } from "../src/report/report.ts";
import { linearNetReport } from "../src/report/linear_net_report.ts";

const spec = {
  name: "linear-net",
  summary:
    "A linear net (no activation, no biases, zero initial weights) learns a random integer matrix M\n" +
    "with DFA on the whole dataset at once; prints the cost and the alignment as it goes, then\n" +
    "D = Σ|M − W2·W1|.",
  usage: "deno task linear-net [options]",
  options: [
    { name: "inputs", kind: "integer", min: 1, default: 10, help: "columns of M" },
    { name: "outputs", kind: "integer", min: 1, default: 10, help: "rows of M" },
    { name: "hidden", kind: "integer", min: 1, default: 1000, help: "hidden units" },
    { name: "samples", kind: "integer", min: 1, default: 1000, help: "training samples" },
    {
      name: "lr",
      kind: "number",
      positive: true,
      default: 1e-6,
      help: "learning rate (on summed gradients)",
    },
    { name: "epochs", kind: "integer", min: 1, default: 4000, help: "most epochs" },
    {
      name: "tolerance",
      kind: "number",
      min: 0,
      default: 1e-4,
      help: "stop when the cost falls to this",
    },
    { name: "rule", kind: "choice", choices: RULES, default: "dfa", help: "training rule" },
    { name: "every", kind: "integer", min: 1, default: 10, help: "report every N epochs" },
    { name: "seed", kind: "integer", default: 1234, help: "random seed" },
    ...reportOptions("linear-net"),
    ...OUTPUT_OPTIONS,
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const quiet = args.flag("quiet");
  const r = linearNet({
    inputs: args.int("inputs"),
    outputs: args.int("outputs"),
    hidden: args.int("hidden"),
    samples: args.int("samples"),
    lr: args.number("lr"),
    epochs: args.int("epochs"),
    tolerance: args.number("tolerance"),
    rule: args.choice<Rule>("rule"),
    every: args.int("every"),
    seed: args.int("seed"),
  }, quiet ? undefined : console.log);
  console.log(
    `\n${RULE_NAMES[r.rule]} after ${r.epochs} epochs (${secs(r.seconds)}): cost ${
      r.cost.toPrecision(6)
    }, ` +
      `D = Σ|M − W2·W1| = ${r.D.toPrecision(4)}`,
  );
  if (args.flag("report")) {
    const path = await linearNetReport(args.get("report-dir"), r);
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (args.flag("json")) {
    const { rule, epochs, cost, D, seconds, history } = r;
    console.log(JSON.stringify({ rule, epochs, cost, D, seconds, history }));
  }
});
