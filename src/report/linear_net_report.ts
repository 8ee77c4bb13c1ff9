// The linear-net task's HTML report: the cost, the alignment criterion and the angle to the
// backprop update against the epoch.
import type { LinearNetResult } from "../experiments/linear_net.ts";
import { describeNetwork } from "./layer_names.ts";
import { lineChart } from "./charts.ts";
import { writeReport } from "./report.ts";
import { trainedTitle } from "./titles.ts";
import { RULE_NAMES } from "../model/rules/registry.ts";

/**
 * Writes the report under `dir`, titled with what was trained (the net's widths, the rule, SGD and
 * its learning rate); returns the path of its HTML file.
 */
export function linearNetReport(dir: string, r: LinearNetResult): Promise<string> {
  const { rule, history, cost, D } = r;
  const title = trainedTitle({
    task: "The linear net M = W2·W1",
    network: describeNetwork({ sizes: r.sizes, hidden: "linear" }),
    rules: [rule],
    optimizer: "sgd",
    lr: r.lr,
  });
  const series = (key: "cost" | "criterion" | "angle", label: string) =>
    history.filter((h) => Number.isFinite(h[key])).map((h) => ({
      epoch: h.epoch,
      [label]: h[key],
      run: RULE_NAMES[rule],
    }));
  return writeReport(dir, title, [
    `${RULE_NAMES[rule]}: cost ${cost.toPrecision(6)} after ${r.epochs} epochs, D = ${
      D.toPrecision(4)
    }`,
  ], [
    lineChart("cost", "Cost", series("cost", "cost"), "epoch", "cost", "run", "cost", true),
    lineChart(
      "criterion",
      "Alignment criterion",
      series("criterion", "criterion"),
      "epoch",
      "criterion",
      "run",
    ),
    lineChart(
      "angle",
      "Angle to the backprop update",
      series("angle", "angle (°)"),
      "epoch",
      "angle (°)",
      "run",
    ),
  ]);
}
