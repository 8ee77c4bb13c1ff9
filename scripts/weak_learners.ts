// Step 2 of the workflow: N DFA nets that share an initialisation (or, with --diff, do not) but
// each have their own feedback matrix; their linear outputs stacked into two .npz files.
import { runWeakLearners } from "../src/stacking/mod.ts";
import { cliArgs, noMoreArguments, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import {
  learnerLine,
  WEAK_LEARNERS_SPEC as spec,
  weakLearnersSettings,
} from "../src/cli/weak_learners_spec.ts";
import { pct, secs } from "../src/report/format.ts";

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args, 1);
  const { n, run: settings, options } = weakLearnersSettings(args), quiet = args.flag("quiet");
  const r = await runWeakLearners(settings, n, {
    ...options,
    onLearner: (s, resumed) => !quiet && console.log(learnerLine(s, n, resumed)),
  });
  console.log(
    r.learners.length
      ? `${r.learners.length} weak learners: mean test error ${pct(r.meanTestError)}, best ${
        pct(r.bestTestError)
      }; wrote ${r.files.join(" and ")} in ${secs(r.seconds)}`
      : `No learners in this shard (more shards than learners); wrote ${r.files.join(" and ")}`,
  );
  if (args.flag("json")) console.log(JSON.stringify(r));
});
