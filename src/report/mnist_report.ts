// The mnist task's HTML report: training (dashed), validation (dotted, with --validation) and test
// (solid) error per epoch, one colour per rule, and the angle between each rule's update and
// backprop's and the backward weights' against the forward ones, one panel per layer, each layer
// named by kind and position (conv1, pool1, fc2).
import { FEEDBACK_RULES, type Rule, RULE_NAMES } from "../model/rules/registry.ts";
import { pct } from "./format.ts";
import { describeLayers, networkLayerNames, type NetworkShape } from "./layer_names.ts";
import { type Facet, lineChart } from "./charts.ts";
import { writeReport } from "./report.ts";

/**
 * One rule's run, as the mnist task records it (its epochs are `train`'s `EpochStats`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { MnistRun } from "./mnist_report.ts";
 * const run: MnistRun = { rule: "dfa", testError: 0.02, epochs: [{ epoch: 1, trainError: 0.03, testError: 0.02 }] };
 * assertEquals(run.epochs.length, 1);
 * ```
 */
export interface MnistRun {
  /** The rule. */
  rule: string;
  /** The test error the net ended with. */
  testError: number;
  /** With a validation set: the epoch the net was put back to, the best on it. */
  validationEpoch?: number;
  /** Each epoch's errors and, where measured, each layer's alignment (layer k: the k-th, 1-based). */
  epochs: {
    epoch: number;
    trainError: number;
    testError?: number;
    validationError?: number;
    alignment?: { layer: number; angle: number; weightAngle?: number; normRatio?: number }[];
  }[];
}

/**
 * The forward weights that a rule's backward weights to layer `layer` (1-based) stand in for,
 * named: the layer above's (`conv2`) under feedback alignment and the sign-concordant rules, the
 * product of every layer above (`fc2·fc1`) under the direct rules.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { comparedWeights } from "./mnist_report.ts";
 * const names = ["conv1", "pool1", "conv2", "fc1", "fc2"];
 * assertEquals(comparedWeights(names, 2, false), "conv2"); // FA: the error reaches pool1 through conv2's B
 * assertEquals(comparedWeights(names, 3, true), "fc2·fc1"); // DFA: B to conv2 stands in for fc2·fc1
 * ```
 *
 * @param names The network's layers (see `layerNames`).
 * @param layer The layer the backward weights carry the error to, 1-based.
 * @param direct Whether the rule sends the error to every layer directly.
 * @returns The name of the forward weights.
 */
export function comparedWeights(names: readonly string[], layer: number, direct: boolean): string {
  return direct ? names.slice(layer).reverse().join("·") : names[layer];
}

/** Whether a rule sends the error to every layer directly (an unknown name: not). */
function isDirect(rule: string): boolean {
  return (FEEDBACK_RULES as Record<string, { direct: boolean }>)[rule]?.direct ?? false;
}

/** Every name `comparedWeights` can give, the lower layers first, a layer before its products. */
function comparedOrder(names: readonly string[]): string[] {
  return [
    ...new Set(
      names.slice(1).flatMap((_, i) => [
        comparedWeights(names, i + 1, false),
        comparedWeights(names, i + 1, true),
      ]),
    ),
  ];
}

/**
 * Writes the report under `dir`; returns the path of its HTML file. `title` says what was trained
 * (see `trainedTitle`); `network` names the layers in the panels and the summary (without it,
 * all dense).
 */
export async function mnistReport(
  dir: string,
  title: string,
  runs: MnistRun[],
  network?: NetworkShape,
): Promise<string> {
  // The alignment's layer k (1-based) is the network's k-th layer, whatever its kind.
  const deepest = Math.max(
    1,
    ...runs.flatMap((r) => r.epochs.flatMap((e) => (e.alignment ?? []).map((a) => a.layer + 1))),
  );
  const names = networkLayerNames(
    network ?? { sizes: Array.from({ length: deepest + 1 }, () => 0) },
  );
  const layer: Facet = { field: "layer", order: names };
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
        layer: names[a.layer - 1],
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
        layer,
      ),
    );
  }
  // The backward weights against the forward weights they stand in for, a panel per forward
  // weights (FA-like rules: the layer above's; direct rules: the product of all above).
  const compared: Facet = { field: "weights", order: comparedOrder(names) };
  const weights = runs.flatMap((r) =>
    r.epochs.flatMap((e) =>
      (e.alignment ?? []).filter((a) => Number.isFinite(a.weightAngle) && a.normRatio! > 0).map((
        a,
      ) => ({
        epoch: e.epoch,
        "W vs B (°)": a.weightAngle,
        "‖W‖/‖B‖": a.normRatio,
        rule: r.rule,
        weights: comparedWeights(names, a.layer, isDirect(r.rule)),
      }))
    )
  );
  if (weights.length) {
    charts.push(
      lineChart(
        "weight-angle",
        "Angle between the forward weights W (named above each panel) and the backward weights B in their place",
        weights,
        "epoch",
        "W vs B (°)",
        "rule",
        "W vs B (°)",
        false,
        undefined,
        compared,
      ),
      lineChart(
        "norm-ratio",
        "Norm of the forward weights W (named above each panel) over the backward weights B",
        weights,
        "epoch",
        "‖W‖/‖B‖",
        "rule",
        "‖W‖/‖B‖",
        true,
        undefined,
        compared,
      ),
    );
  }
  return await writeReport(
    dir,
    title,
    [
      ...(network ? [`layers: ${describeLayers(network)}`] : []),
      ...runs.map((r) =>
        `${RULE_NAMES[r.rule as Rule] ?? r.rule}: test error ${
          pct(r.testError)
        } after ${r.epochs.length} epochs${
          r.validationEpoch
            ? ` (the net of epoch ${r.validationEpoch}, the best on validation)`
            : ""
        }`
      ),
    ],
    charts,
  );
}
