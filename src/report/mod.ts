/**
 * Reports: Vega-Lite charts rendered to SVG and written into one HTML page, the MNIST run's report,
 * and the number formats the tasks print.
 *
 * @module
 */
export * from "./report.ts";
export * from "./mnist_report.ts";
export * from "./format.ts";
