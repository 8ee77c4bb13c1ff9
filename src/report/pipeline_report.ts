// The pipeline's HTML report: the weak learners' and stacked models' test errors, how often two
// learners disagree, the stacked error against the number of learners, and the stacked models'
// error per epoch.
import { disagreement, learnerPredictions } from "../experiments/stacking_analysis.ts";
import type { PipelineResult } from "../experiments/pipeline.ts";
import { secs } from "./format.ts";
import { barChart, heatmap, lineChart, pointChart, writeReport } from "./report.ts";

/** The rows of a heat map of a (learners, learners) matrix, in percent. */
export function disagreementRows(
  m: Float64Array,
): { learner: number; "other learner": number; "disagree (%)": number }[] {
  const L = Math.round(Math.sqrt(m.length));
  return Array.from({ length: L * L }, (_, k) => ({
    learner: Math.floor(k / L) + 1,
    "other learner": (k % L) + 1,
    "disagree (%)": 100 * m[k],
  }));
}

/** Writes the report under `dir`; returns the path of its HTML file. */
export function pipelineReport(dir: string, r: PipelineResult): Promise<string> {
  const { weakLearners: wl, models } = r;
  return writeReport(
    dir,
    `Stacking ${r.n} DFA nets (seed ${r.seed})`,
    r.steps.map((s) => `${s.step}: ${s.result} (${secs(s.seconds)})`),
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
      heatmap(
        "disagreement",
        "How often two learners disagree on a test image (%)",
        disagreementRows(disagreement(learnerPredictions(r.test, r.classes))),
        "learner",
        "other learner",
        "disagree (%)",
      ),
      lineChart(
        "by-n",
        "Dense stacked test error against the number of learners stacked",
        r.curve,
        "learners",
        "test error (%)",
        "model",
      ),
      lineChart(
        "stacked-epochs",
        "Stacked models' error per epoch (dashed: held-out part of the training set)",
        models.flatMap((m) =>
          m.history.flatMap((e) => [
            { epoch: e.epoch, "error (%)": 100 * e.trainError, model: m.layer, set: "training" },
            ...(e.validationError === undefined ? [] : [{
              epoch: e.epoch,
              "error (%)": 100 * e.validationError,
              model: m.layer,
              set: "held out",
            }]),
          ])
        ),
        "epoch",
        "error (%)",
        "model",
        "error (%)",
        false,
        "set",
      ),
    ],
  );
}
