// The whole stacking workflow with the original's defaults: create-dataset (when data/mnist.npz is
// missing), N weak learners, the dense and the RD stacked models on their outputs, and with a
// report, the dense model on the first N learners for several N.
import { createMnistNpz } from "../data/mnist.ts";
import { LINOUT_KEYS } from "../stacking/outputs.ts";
import { loadNpz } from "../io/npz.ts";
import { type NdArray, ndarray } from "../io/ndarray.ts";
import { runWeakLearners, type WeakLearnersResult } from "../stacking/weak_learners.ts";
import { stackedModel, type StackedModelResult } from "../stacking/stacked_model.ts";
import { WEAK_LEARNER_DEFAULTS, type WeakLearnerConfig } from "../stacking/weak_learner.ts";
import { DEFAULT_MNIST, loadMnistLabels, SHIPPED_IDX } from "../data/shipped.ts";
import { pct, secs } from "../report/format.ts";
import type { PipelineRun } from "../report/pipeline_report.ts";
import { disagreement, learnerPredictions } from "./stacking_analysis.ts";

/** The pipeline's settings. */
export interface PipelineOptions {
  /** Weak learners. */
  n: number;
  /** Learners with their own initialisations. */
  diff: boolean;
  seed: number;
  /** Parallel workers for the learners. */
  workers: number;
  /** Also train the dense model on the first N learners, for the report's curve. */
  curve: boolean;
}

/** A step of the pipeline, as its summary shows it. */
export interface PipelineStep {
  step: string;
  seconds: number;
  result: string;
}

/** What the pipeline did. */
export interface PipelineResult {
  seed: number;
  n: number;
  /** How each weak learner was trained. */
  config: WeakLearnerConfig;
  steps: PipelineStep[];
  weakLearners: WeakLearnersResult;
  /** The dense and the RD stacked model. */
  models: [StackedModelResult, StackedModelResult];
  /** The learners' stacked test outputs, (classes · N, samples). */
  test: NdArray;
  classes: number;
  /** The dense model's test error against the number of learners stacked. */
  curve: { learners: number; "test error (%)": number; model: string }[];
  seconds: number;
}

/** Runs the pipeline; `log` gets a line as each step starts. */
export async function runPipeline(
  o: PipelineOptions,
  log?: (line: string) => void,
): Promise<PipelineResult> {
  const { n, seed, diff } = o, prefix = diff ? "diff-" : "";
  const steps: PipelineStep[] = [];
  const t0 = performance.now(), mnist = DEFAULT_MNIST;
  let exists = true;
  try {
    Deno.statSync(mnist);
  } catch {
    exists = false;
  }
  if (!exists) {
    log?.(`== create-dataset: ${mnist} is missing, writing it`);
    const r = createMnistNpz({ idxDir: SHIPPED_IDX, out: mnist });
    steps.push({
      step: "create-dataset",
      seconds: r.seconds,
      result: `${mnist}, ${(r.bytes / 1e6).toFixed(0)} MB`,
    });
  }
  log?.(`== ${prefix}weak-learners ${n}`);
  const config: WeakLearnerConfig = { ...WEAK_LEARNER_DEFAULTS, seed, diff };
  const wl = await runWeakLearners(
    { config, data: mnist, outDir: "data" },
    n,
    { workers: o.workers },
  );
  steps.push({
    step: `${prefix}weak-learners ${n}`,
    seconds: wl.seconds,
    result: `mean test error ${pct(wl.meanTestError)}, best ${pct(wl.bestTestError)}`,
  });
  const [trainFile, testFile] = wl.files, labels = loadMnistLabels(mnist);
  const train = loadNpz(trainFile, [LINOUT_KEYS.train])[LINOUT_KEYS.train];
  const test = loadNpz(testFile, [LINOUT_KEYS.test])[LINOUT_KEYS.test];
  const models: StackedModelResult[] = [];
  for (const layer of ["dense", "rd"] as const) {
    const name = `${layer === "rd" ? "rd-" : ""}stacked-model`;
    log?.(`== ${name} ${n} ${trainFile} ${testFile}`);
    const r = stackedModel({ n, train, test, labels, layer, rule: "bp", seed });
    models.push(r);
    steps.push({
      step: name,
      seconds: r.seconds,
      result: `test error ${
        pct(r.testError)
      } (${r.parameters} parameters, epoch ${r.bestEpoch} of ${r.epochs})`,
    });
  }
  // How the stacked error falls with the number of learners: the dense model on the first N.
  const C = labels.classes, curve: PipelineResult["curve"] = [];
  if (o.curve) {
    const t1 = performance.now();
    for (const m of [1, 2, 5, 10, 20, 50, 100, 200].filter((m) => m < n)) {
      const rows = (a: NdArray) =>
        ndarray(
          "float32",
          [C * m, a.shape[1]],
          (a.data as Float32Array).subarray(0, C * m * a.shape[1]),
        );
      const r = stackedModel({
        n: m,
        train: rows(train),
        test: rows(test),
        labels,
        layer: "dense",
        rule: "bp",
        seed,
      });
      curve.push({ learners: m, "test error (%)": 100 * r.testError, model: "dense stacked" });
    }
    curve.push({
      learners: n,
      "test error (%)": 100 * models[0].testError,
      model: "dense stacked",
    });
    steps.push({
      step: "dense stacked on the first N",
      seconds: (performance.now() - t1) / 1000,
      result: curve.map((c) => `N=${c.learners} ${c["test error (%)"].toFixed(2)} %`).join(", "),
    });
  }
  return {
    seed,
    n,
    config,
    steps,
    weakLearners: wl,
    models: [models[0], models[1]],
    test,
    classes: C,
    curve,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The summary: each step's time and result, and the total. */
export function pipelineSummary(r: PipelineResult): string[] {
  const w = Math.max(...r.steps.map((s) => s.step.length));
  return [
    `\nSummary (seed ${r.seed})`,
    ...r.steps.map((s) => `  ${s.step.padEnd(w)}  ${secs(s.seconds).padStart(9)}  ${s.result}`),
    `  ${"total".padEnd(w)}  ${secs(r.seconds).padStart(9)}`,
  ];
}

/**
 * What the pipeline's report shows of a run (see `pipelineReport`): the steps' summary, the
 * errors, how often two learners disagree on a test image and the stacked error curve.
 */
export function pipelineReportRun(r: PipelineResult): PipelineRun {
  return {
    n: r.n,
    config: r.config,
    summary: r.steps.map((s) => `${s.step}: ${s.result} (${secs(s.seconds)})`),
    weakLearners: r.weakLearners,
    stacked: r.models,
    disagreement: disagreement(learnerPredictions(r.test, r.classes)),
    curve: r.curve,
  };
}

/** The JSON the task prints last (the learners' own summaries left out). */
export function pipelineJson(r: PipelineResult): string {
  const { learners: _, ...weakLearners } = r.weakLearners;
  return JSON.stringify({
    seed: r.seed,
    n: r.n,
    weakLearners,
    stacked: r.models[0],
    rdStacked: r.models[1],
    seconds: r.seconds,
  });
}
