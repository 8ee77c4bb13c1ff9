/**
 * Reports: Vega-Lite charts rendered to SVG and written into one HTML page, the MNIST run's and the
 * stacking pipeline's reports, their titles (what was trained), the layers' names by kind and
 * position, and the number formats the tasks print. Unstable: these follow what the tasks show, and
 * change with them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { degrees, pct, secs } from "./mod.ts";
 * assertEquals([pct(0.0168), degrees(78.64), secs(12.34)], ["1.68 %", "78.6°", "12.3 s"]);
 * ```
 *
 * @experimental
 *
 * @module
 */
export {
  barChart,
  type Chart,
  dashOf,
  type Facet,
  LINE_LEGEND,
  lineChart,
  pointChart,
} from "./charts.ts";
export { writeReport } from "./report.ts";
export * from "./heatmap.ts";
export * from "./mnist_report.ts";
export * from "./pipeline_report.ts";
export * from "./layer_names.ts";
export * from "./titles.ts";
export * from "./format.ts";
export * from "./markdown_html.ts";
