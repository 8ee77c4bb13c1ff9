/**
 * Reports: Vega-Lite charts rendered to SVG and written into one HTML page, the MNIST run's report,
 * and the number formats the tasks print. Unstable: these follow what the tasks show, and change
 * with them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { degrees, pct, secs } from "./mod.ts";
 * assertEquals([pct(0.0168), degrees(78.64), secs(12.34)], ["1.68 %", "78.6°", "12.3 s"]);
 * ```
 *
 * @experimental
 * @module
 */
export { barChart, type Chart, heatmap, lineChart, pointChart, writeReport } from "./report.ts";
export { mnistReport, type MnistRun } from "./mnist_report.ts";
export { degrees, formatBytes, pct, secs } from "./format.ts";
