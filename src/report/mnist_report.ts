// The mnist task's HTML report: training (dashed), validation (dotted, with --validation) and test
// (solid) error per epoch, one colour per rule, and the angle between each rule's update and
// backprop's, per hidden layer.
import { type EpochStats, type Rule, RULE_NAMES } from "../../mod.ts";
import { pct } from "./format.ts";
import { lineChart, writeReport } from "./report.ts";

/** One rule's run, as the mnist task records it. */
export interface MnistRun {
  /** The rule's name. */
  rule: string;
  /** Test error (a fraction) after the last epoch. */
  testError: number;
  /** Each epoch's statistics. */
  epochs: EpochStats[];
}

/** Writes the report under `dir`; returns the path of its HTML file. */
export async function mnistReport(dir: string, title: string, runs: MnistRun[]): Promise<string> {
  const errors = runs.flatMap((r) =>
    r.epochs.flatMap((e) => [
      { epoch: e.epoch, "error (%)": 100 * e.trainError, rule: r.rule, set: "train" },
      { epoch: e.epoch, "error (%)": 100 * (e.testError ?? NaN), rule: r.rule, set: "test" },
      ...(e.validationError === undefined ? [] : [
        { epoch: e.epoch, "error (%)": 100 * e.validationError, rule: r.rule, set: "validation" },
      ]),
    ])
  );
  const angles = runs.flatMap((r) =>
    r.epochs.flatMap((e) =>
      (e.alignment ?? []).filter((a) => Number.isFinite(a.angle)).map((a) => ({
        epoch: e.epoch,
        "angle (°)": a.angle,
        rule: r.rule,
        layer: `hidden layer ${a.layer}`,
      }))
    )
  );
  const charts = [
    lineChart(
      "errors",
      "Training and test error per epoch",
      errors,
      "epoch",
      "error (%)",
      "rule",
      "error (%)",
      false,
      "set",
    ),
  ];
  if (angles.length) {
    charts.push(
      lineChart(
        "alignment",
        "Angle between the update and the backprop gradient",
        angles,
        "epoch",
        "angle (°)",
        "rule",
        "angle (°)",
        false,
        undefined,
        "layer",
      ),
    );
  }
  // The backward weights against the forward ones, per hidden layer (FA-like and direct rules).
  const weights = runs.flatMap((r) =>
    r.epochs.flatMap((e) =>
      (e.alignment ?? []).filter((a) => Number.isFinite(a.weightAngle) && a.normRatio! > 0).map((
        a,
      ) => ({
        epoch: e.epoch,
        "W vs B (°)": a.weightAngle,
        "‖W‖/‖B‖": a.normRatio,
        rule: r.rule,
        layer: `hidden layer ${a.layer}`,
      }))
    )
  );
  if (weights.length) {
    charts.push(
      lineChart(
        "weight-angle",
        "Angle between the forward weights and the backward weights",
        weights,
        "epoch",
        "W vs B (°)",
        "rule",
        "W vs B (°)",
        false,
        undefined,
        "layer",
      ),
      lineChart(
        "norm-ratio",
        "Norm of the forward weights over the backward weights",
        weights,
        "epoch",
        "‖W‖/‖B‖",
        "rule",
        "‖W‖/‖B‖",
        true,
        undefined,
        "layer",
      ),
    );
  }
  return await writeReport(
    dir,
    title,
    runs.map((r) =>
      `${RULE_NAMES[r.rule as Rule] ?? r.rule}: test error ${
        pct(r.testError)
      } after ${r.epochs.length} epochs`
    ),
    charts,
  );
}
