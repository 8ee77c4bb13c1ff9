// The pipeline task's HTML report: the weak learners' and stacked models' test errors, how often
// two learners disagree (coloured over the off-diagonal cells), the stacked error against the
// number of learners, and the stacked models' error per epoch.
import { barChart, type Chart, lineChart, pointChart } from "./charts.ts";
import { writeReport } from "./report.ts";
import { heatmap } from "./heatmap.ts";
import { stackingTitle } from "./titles.ts";

/**
 * What the pipeline ran, as its report shows it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pipelineCharts, type PipelineRun } from "./pipeline_report.ts";
 * const run: PipelineRun = {
 *   n: 2,
 *   config: { hidden: 800, lr: 1e-3, seed: 1, diff: false },
 *   summary: [],
 *   weakLearners: { meanTestError: 0.2, bestTestError: 0.19, learners: [] },
 *   stacked: [{ layer: "dense", testError: 0.1, history: [] }, { layer: "rd", testError: 0.2, history: [] }],
 *   disagreement: new Float64Array([0, 0.15, 0.15, 0]),
 *   curve: [],
 * };
 * assertEquals(pipelineCharts(run).map((c) => c.name), ["models", "learners", "disagreement", "by-n", "stacked-epochs"]);
 * ```
 */
export interface PipelineRun {
  /** Weak learners. */
  n: number;
  /** How each was trained (a `WeakLearnerConfig`). */
  config: { hidden: number; lr: number; seed: number; diff: boolean };
  /** One line per step. */
  summary: string[];
  /** The weak learners' test errors (a `WeakLearnersResult`). */
  weakLearners: {
    meanTestError: number;
    bestTestError: number;
    learners: { index: number; testError: number }[];
  };
  /** The dense stacked model, then the RD one (`StackedModelResult`s). */
  stacked: {
    layer: string;
    testError: number;
    history: { epoch: number; trainError: number; validationError?: number }[];
  }[];
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

/**
 * The pipeline report's charts (see {@linkcode pipelineReport}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pipelineCharts } from "./pipeline_report.ts";
 * const charts = pipelineCharts({
 *   n: 1,
 *   config: { hidden: 800, lr: 1e-3, seed: 1, diff: false },
 *   summary: [],
 *   weakLearners: { meanTestError: 0.2, bestTestError: 0.2, learners: [{ index: 0, testError: 0.2 }] },
 *   stacked: [{ layer: "dense", testError: 0.1, history: [] }, { layer: "rd", testError: 0.2, history: [] }],
 *   disagreement: new Float64Array([0]),
 *   curve: [],
 * });
 * assertEquals(charts[0].values.length, 4); // the mean and best learner, dense and RD stacked
 * ```
 *
 * @param run What the pipeline ran.
 * @returns The charts.
 */
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

/**
 * Writes the pipeline's report under `dir`, titled with what was trained; returns its path.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { pipelineReport } from "./pipeline_report.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await pipelineReport(dir, {
 *   n: 2,
 *   config: { hidden: 800, lr: 1e-3, seed: 1, diff: false },
 *   summary: ["weak-learners 2: mean test error 20.00 %"],
 *   weakLearners: { meanTestError: 0.2, bestTestError: 0.19, learners: [] },
 *   stacked: [{ layer: "dense", testError: 0.1, history: [] }, { layer: "rd", testError: 0.2, history: [] }],
 *   disagreement: new Float64Array([0, 0.15, 0.17, 0]),
 *   curve: [],
 * });
 * assertStringIncludes(Deno.readTextFileSync(path), "784–800–10 (tanh) trained by DFA with SGD");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param dir Where the report goes.
 * @param run What the pipeline ran.
 * @returns The path of the HTML file.
 */
export async function pipelineReport(dir: string, run: PipelineRun): Promise<string> {
  return await writeReport(
    dir,
    stackingTitle(run.n, run.config),
    run.summary,
    pipelineCharts(run),
  );
}
