// The charts of the reports as Vega-Lite specs: lines per epoch (faceted or not), points, bars;
// each rule drawn in the same colour in every chart.
import { RULE_NAMES } from "../model/rules/registry.ts";

/**
 * A chart of a report: its name, title, Vega-Lite spec and rows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { barChart, type Chart } from "./charts.ts";
 * const chart: Chart = barChart("models", "Test error", [{ model: "dense", error: 2 }], "model", "error");
 * assertEquals(chart.name, "models");
 * ```
 */
export interface Chart {
  /** File name without extension, and the chart's id in the report. */
  name: string;
  /** The title drawn above the chart. */
  title: string;
  /** A Vega-Lite spec without data. */
  spec: Record<string, unknown>;
  /** The plotted rows. */
  values: Record<string, unknown>[];
}

/** Vega's category colours, assigned to the rules in registry order: a rule keeps its colour in
 * every chart, whichever rules a chart shows. */
const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#9d755d",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
];
const RULE_ORDER = ["bp", "fa", "dfa", "cdfa", "usf", "brsf", "frsf", "drtp"];

/**
 * The legend of a line chart's series: a short line in each series' colour and dash, as drawn,
 * not the filled dot Vega-Lite shows for lines with points.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LINE_LEGEND } from "./charts.ts";
 * assertEquals(LINE_LEGEND.symbolType, "stroke");
 * ```
 */
export const LINE_LEGEND = { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 300 } as const;

function colourEncoding(values: Record<string, unknown>[], field: string) {
  const domain = [...new Set(values.map((v) => String(v[field])))];
  if (field !== "rule" || !domain.every((d) => RULE_ORDER.includes(d))) {
    return { field, type: "nominal", title: field, legend: LINE_LEGEND };
  }
  domain.sort((a, b) => RULE_ORDER.indexOf(a) - RULE_ORDER.indexOf(b));
  const range = domain.map((d) => PALETTE[RULE_ORDER.indexOf(d)]);
  // The legend shows each rule's display name; the data keep the option values.
  const labelExpr = `${JSON.stringify(RULE_NAMES)}[datum.label]`;
  return {
    field,
    type: "nominal",
    title: field,
    scale: { domain, range },
    legend: { ...LINE_LEGEND, labelExpr },
  };
}

/** Epochs, learners and other counts are whole numbers: ticks at integers only. */
function countAxis(values: Record<string, unknown>[], x: string) {
  return values.every((v) => Number.isInteger(v[x]))
    ? { axis: { tickMinStep: 1, format: "d" } }
    : {};
}

/**
 * The dash of a set's line: dashed for training, dotted for validation (or held out), solid for
 * the rest (test).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dashOf } from "./charts.ts";
 * assertEquals([dashOf("train"), dashOf("held out"), dashOf("test")], [[6, 4], [2, 2], [1, 0]]);
 * ```
 *
 * @param set The set's name.
 * @returns The Vega stroke dash.
 */
export function dashOf(set: string): number[] {
  return /train/.test(set) ? [6, 4] : /validation|held out/.test(set) ? [2, 2] : [1, 0];
}

function dashEncoding(values: Record<string, unknown>[], field: string) {
  const domain = [...new Set(values.map((v) => String(v[field])))];
  return {
    field,
    type: "nominal",
    title: field,
    scale: { domain, range: domain.map(dashOf) },
    legend: { ...LINE_LEGEND, encode: { symbols: { update: { stroke: { value: "#555" } } } } },
  };
}

/**
 * Small multiples: the field that picks a row's panel, and the panels in the order drawn.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Facet, lineChart } from "./charts.ts";
 * const rows = [{ epoch: 1, angle: 80, rule: "dfa", layer: "fc2" }, { epoch: 1, angle: 70, rule: "dfa", layer: "fc1" }];
 * const layer: Facet = { field: "layer", order: ["fc1", "fc2", "fc3"] };
 * const spec = lineChart("a", "Angle", rows, "epoch", "angle", "rule", "angle", false, undefined, layer).spec;
 * assertEquals((spec.facet as { sort: string[] }).sort, ["fc1", "fc2"]); // the panels with data, in order
 * ```
 */
export interface Facet {
  /** The field whose value picks a row's panel. */
  field: string;
  /** The panels, in order (default: the values' order of first appearance). */
  order?: string[];
}

/**
 * A line chart of `y` against `x`, one line per value of `series` (each rule its own colour in
 * every chart), dashed by `dash` where given, and with `facet` one panel per value, three to a
 * row: each panel draws its own axes, so a short last row leaves no empty frame. The legends draw
 * lines (see {@linkcode LINE_LEGEND}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lineChart } from "./charts.ts";
 * const rows = [{ epoch: 1, error: 9, rule: "dfa", set: "train" }, { epoch: 1, error: 8, rule: "dfa", set: "test" }];
 * const spec = lineChart("errors", "Error", rows, "epoch", "error", "rule", "error", false, "set").spec;
 * const dash = (spec.encoding as { strokeDash: { scale: { range: number[][] } } }).strokeDash;
 * assertEquals(dash.scale.range, [[6, 4], [1, 0]]);
 * ```
 */
export function lineChart(
  name: string,
  title: string,
  values: Record<string, unknown>[],
  x: string,
  y: string,
  series: string,
  yTitle = y,
  log = false,
  dash?: string,
  facet?: string | Facet,
): Chart {
  const panels = typeof facet === "string" ? { field: facet } : facet;
  const view = {
    width: panels ? 260 : 560,
    height: panels ? 200 : 300,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: x, type: "quantitative", title: x, ...countAxis(values, x) },
      y: {
        field: y,
        type: "quantitative",
        title: yTitle,
        scale: log ? { type: "log" } : { zero: false },
      },
      color: colourEncoding(values, series),
      ...(dash ? { strokeDash: dashEncoding(values, dash) } : {}),
    },
  };
  if (!panels) return { name, title, values, spec: view };
  const order = panels.order ?? [...new Set(values.map((v) => String(v[panels.field])))];
  // Only the panels with data, in order; each with its own x axis (a facet's shared axes would
  // stand under the empty cells of a short last row).
  const shown = order.filter((p) => values.some((v) => String(v[panels.field]) === p));
  const spec = {
    facet: { field: panels.field, type: "nominal", title: null, sort: shown },
    columns: Math.min(3, shown.length),
    spec: view,
    resolve: { axis: { x: "independent", y: "independent" } },
  };
  return { name, title, values, spec };
}

/** A scatter of points: values that are a distribution, not a series (one point per item). */
export function pointChart(
  name: string,
  title: string,
  values: Record<string, unknown>[],
  x: string,
  y: string,
): Chart {
  return {
    name,
    title,
    values,
    spec: {
      width: 560,
      height: 300,
      mark: { type: "point", filled: true },
      encoding: {
        x: { field: x, type: "quantitative", title: x, ...countAxis(values, x) },
        y: { field: y, type: "quantitative", title: y, scale: { zero: false } },
      },
    },
  };
}

/** A bar chart of `y` for each `x` category. */
export function barChart(
  name: string,
  title: string,
  values: Record<string, unknown>[],
  x: string,
  y: string,
): Chart {
  return {
    name,
    title,
    values,
    spec: {
      width: 460,
      height: 260,
      mark: "bar",
      encoding: {
        x: { field: x, type: "nominal", sort: null, title: null, axis: { labelAngle: 0 } },
        y: { field: y, type: "quantitative", title: y },
      },
    },
  };
}
