// Step 3 of the workflow: a model on top of the weak learners' linear outputs — a dense sigmoid
// layer (stacked-model) or an RD layer (rd-stacked-model).
import type { EpochStats } from "../mod.ts";
import { stackedModel } from "../src/stacking/mod.ts";
import { cliArgs, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { STACKED_MODEL_SPEC as spec, stackedModelSettings } from "../src/cli/stacked_model_spec.ts";
import { pct } from "../src/report/format.ts";
import { Progress } from "../src/cli/progress.ts";

await run(spec.name, () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  const settings = stackedModelSettings(args), quiet = args.flag("quiet");
  const progress = new Progress(quiet, Deno.stderr), { layer, epochs } = settings;
  const r = stackedModel({
    ...settings,
    onBatch: (done, total, epoch) => {
      if (done === 1) progress.start(`${layer} epoch ${epoch}${epochs ? `/${epochs}` : ""}`);
      progress.tick(done, total);
    },
    onEpoch: (s: EpochStats) => {
      progress.clear();
      if (!quiet) {
        const v = s.validationError === undefined
          ? ""
          : `, held-out error ${pct(s.validationError)}`;
        console.log(
          `epoch ${String(s.epoch).padStart(3)}: loss ${s.loss.toFixed(4)}, training error ${
            pct(s.trainError)
          }${v}`,
        );
      }
    },
  });
  console.log(`Test error: ${pct(r.testError)} (the parameters of epoch ${r.bestEpoch})`);
  if (args.flag("json")) console.log(JSON.stringify({ ...r, history: undefined }));
});
