// The pipeline task's HTML report: the weak learners' and stacked models' test errors, how often
// two learners disagree (coloured over the off-diagonal cells), the stacked error against the
// number of learners, and the stacked models' error per epoch.
import type { StackedModelResult } from "../stacking/stacked_model.ts";
import type { WeakLearnerConfig } from "../stacking/weak_learner.ts";
import type { WeakLearnersResult } from "../stacking/weak_learners.ts";
import { barChart, type Chart, lineChart, pointChart, writeReport } from "./report.ts";
import { heatmap } from "./heatmap.ts";
import { stackingTitle } from "./titles.ts";

/** What the pipeline ran, as its report shows it. */
export interface PipelineRun {
  /** Weak learners. */
  n: number;
  /** How each was trained. */
  config: WeakLearnerConfig;
  /** One line per step. */
  summary: string[];
  weakLearners: Pick<WeakLearnersResult, "meanTestError" | "bestTestError" | "learners">;
  /** The dense stacked model, then the RD one. */
  stacked: Pick<StackedModelResult, "layer" | "testError" | "history">[];
  /** (learners, learners): the share of test images on which two learners disagree. */
  disagreement: Float64Array;
  /** The dense stacked model's test error on the first N learners. */
  curve: { learners: number; "test error (%)": number; model: string }[];
}

/**
 * The rows of a heat map of a square (learners, learners) matrix, in percent.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { disagreementRows } from "./pipeline_report.ts";
 * const rows = disagreementRows(new Float64Array([0, 0.25, 0.25, 0]));
 * assertEquals(rows[1], { learner: 1, "other learner": 2, "disagree (%)": 25 });
 * ```
 *
 * @param m The matrix, row after row.
 * @returns One row per cell.
 */
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

/** The pipeline report's charts (see {@linkcode pipelineReport}). */
export function pipelineCharts(run: PipelineRun): Chart[] {
  const wl = run.weakLearners, [dense, rd] = run.stacked;
  return [
    barChart(
      "models",
      "Test error: weak learners and the stacked models",
      [
        { model: "mean weak learner", "test error (%)": 100 * wl.meanTestError },
        { model: "best weak learner", "test error (%)": 100 * wl.bestTestError },
        { model: "dense stacked", "test error (%)": 100 * dense.testError },
        { model: "RD stacked", "test error (%)": 100 * rd.testError },
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
      "How often two learners disagree on a test image (%); the diagonal, a learner with itself, grey",
      disagreementRows(run.disagreement),
      "learner",
      "other learner",
      "disagree (%)",
      true,
    ),
    lineChart(
      "by-n",
      "Dense stacked test error against the number of learners stacked",
      run.curve,
      "learners",
      "test error (%)",
      "model",
    ),
    lineChart(
      "stacked-epochs",
      "Stacked models' error per epoch (dashed: training, dotted: held-out part of the training set)",
      run.stacked.flatMap((m) =>
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
  ];
}

/** Writes the pipeline's report under `dir`, titled with what was trained; returns its path. */
export async function pipelineReport(dir: string, run: PipelineRun): Promise<string> {
  return await writeReport(
    dir,
    stackingTitle(run.n, run.config),
    run.summary,
    pipelineCharts(run),
  );
}
