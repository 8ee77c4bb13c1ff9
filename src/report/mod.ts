/**
 * Reports: Vega-Lite charts rendered to SVG and written into one HTML page, the MNIST run's and the
 * stacking pipeline's reports, their titles (what was trained), the layers' names by kind and
 * position, and the number formats the tasks print.
 *
 * @module
 */
export * from "./report.ts";
export * from "./heatmap.ts";
export * from "./mnist_report.ts";
export * from "./pipeline_report.ts";
export * from "./layer_names.ts";
export * from "./titles.ts";
export * from "./format.ts";
export * from "./markdown_html.ts";
