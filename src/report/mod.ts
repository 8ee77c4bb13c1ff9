/**
 * Reports: Vega-Lite charts rendered to SVG and written into one HTML page, the MNIST run's report,
 * and the number formats the tasks print. Unstable: these follow what the tasks show, and change
 * with them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lineChart, pct } from "./mod.ts";
 * const chart = lineChart("errors", "Test error", [{ epoch: 1, error: 2.5, rule: "dfa" }], "epoch", "error", "rule");
 * assertEquals([chart.name, chart.values.length, pct(0.0168)], ["errors", 1, "1.68 %"]);
 * ```
 *
 * @experimental
 * @module
 */
export { barChart, type Chart, heatmap, lineChart, pointChart, writeReport } from "./report.ts";
export { mnistReport, type MnistRun } from "./mnist_report.ts";
export { degrees, formatBytes, pct, secs } from "./format.ts";
