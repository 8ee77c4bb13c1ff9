import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import * as vl from "vega-lite";
import { LINE_LEGEND, lineChart } from "../../src/report/charts.ts";
import { writeReport } from "../../src/report/report.ts";
import { DIAGONAL_COLOUR, heatmap, offDiagonalDomain } from "../../src/report/heatmap.ts";
import { disagreementRows, pipelineCharts } from "../../src/report/pipeline_report.ts";

// deno-lint-ignore no-explicit-any
type Spec = any;

const errors = [1, 2, 3].flatMap((epoch) =>
  ["dfa", "bp"].flatMap((rule) =>
    ["train", "validation", "test"].map((set) => ({ epoch, "error (%)": 10 - epoch, rule, set }))
  )
);

Deno.test("a line chart's legends draw lines, dashed as the training, validation and test lines are", () => {
  const spec: Spec =
    lineChart("e", "t", errors, "epoch", "error (%)", "rule", "error (%)", false, "set").spec;
  const { labelExpr, ...legend } = spec.encoding.color.legend;
  assertEquals(legend, LINE_LEGEND);
  assertStringIncludes(labelExpr, `"cdfa":"cDFA"`); // the display names label the rules
  assertEquals(spec.encoding.strokeDash.legend.symbolType, "stroke");
  assertEquals(spec.encoding.strokeDash.scale, {
    domain: ["train", "validation", "test"],
    range: [[6, 4], [2, 2], [1, 0]],
  });
  // Compiled: the dash legend's symbols are strokes with a visible colour, not filled dots.
  const vega: Spec = vl.compile({ data: { values: errors }, ...spec }).spec;
  const dashLegend = vega.legends.find((l: Spec) => l.strokeDash);
  assertEquals(dashLegend.symbolType, "stroke");
  assert(dashLegend.encode.symbols.update.stroke.value !== "transparent", "a visible stroke");
  assertEquals(vega.legends.find((l: Spec) => l.stroke === "color").symbolType, "stroke");
});

Deno.test("a faceted chart shows one panel per value with data, in the given order, each with its own axes", () => {
  const rows = ["fc1", "conv1", "conv2", "conv3"].flatMap((layer) =>
    [1, 2].map((epoch) => ({ epoch, "angle (°)": 80 + epoch, rule: "dfa", layer }))
  );
  const order = ["conv1", "pool1", "conv2", "pool2", "conv3", "fc1", "fc2"];
  const spec: Spec =
    lineChart("a", "t", rows, "epoch", "angle (°)", "rule", "angle (°)", false, undefined, {
      field: "layer",
      order,
    }).spec;
  assertEquals(spec.facet.sort, ["conv1", "conv2", "conv3", "fc1"]);
  assertEquals(spec.columns, 3);
  // A facet's shared footer axes stand under the empty cells of a short last row: none here.
  const vega = JSON.stringify(vl.compile({ data: { values: rows }, ...spec }).spec);
  assert(!vega.includes("column_footer"), "no shared axes under empty cells");
  const two: Spec = lineChart(
    "b",
    "t",
    rows.slice(0, 4),
    "epoch",
    "angle (°)",
    "rule",
    "angle (°)",
    false,
    undefined,
    "layer",
  ).spec;
  assertEquals([two.columns, two.facet.sort], [2, ["fc1", "conv1"]]);
});

Deno.test("the heat map's colour scale spans the off-diagonal cells and the diagonal is drawn apart", async () => {
  // Learners that disagree on 14 to 18 % of the images, and never with themselves.
  const m = new Float64Array([0, 0.14, 0.16, 0.14, 0, 0.18, 0.16, 0.18, 0]);
  const rows = disagreementRows(m);
  const domain = offDiagonalDomain(rows, "learner", "other learner", "disagree (%)")!;
  assertEquals(domain.map((d) => Math.round(d)), [14, 18]);
  const chart = heatmap("d", "t", rows, "learner", "other learner", "disagree (%)", true);
  const spec: Spec = chart.spec;
  assertEquals(spec.layer[0].encoding.color.scale.domain, domain);
  assertEquals(spec.layer[1].mark.color, DIAGONAL_COLOUR);
  // Rendered: three shades off the diagonal (14, 16, 18 %), grey on it.
  const dir = await Deno.makeTempDir();
  try {
    await writeReport(dir, "t", [], [chart]);
    const svg = Deno.readTextFileSync(`${dir}/d.svg`);
    // The cells' fills (the legend's gradient left out).
    const rectFills = [...svg.matchAll(/<path[^>]*fill="([^"]+)"/g)].map((f) => f[1])
      .filter((f) => !f.startsWith("url("));
    assertEquals(rectFills.length, 9, "a cell per pair");
    // The least and the greatest disagreement take the scale's two ends: far apart in colour.
    const rgb = (k: number) => rectFills[k].match(/\d+/g)!.map(Number);
    const [low, high] = [rgb(0), rgb(3)]; // off the diagonal in order: 14 % (1, 2), …, 18 % (2, 3)
    const distance = low.reduce((t, c, i) => t + Math.abs(c - high[i]), 0);
    assert(distance > 300, `14 % ${low} and 18 % ${high} differ by ${distance}`);
    assertEquals(rectFills.filter((f) => f === DIAGONAL_COLOUR).length, 3, "the diagonal in grey");
    assertEquals(new Set(rectFills.filter((f) => f !== DIAGONAL_COLOUR)).size, 3, `${rectFills}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // Without the option (any other matrix): one scale over every cell.
  assertEquals(
    (heatmap("d", "t", rows, "learner", "other learner", "disagree (%)").spec as Spec).mark,
    "rect",
  );
});

Deno.test("the pipeline report colours its disagreement map over the off-diagonal cells", () => {
  const charts = pipelineCharts({
    n: 2,
    config: { seed: 1, diff: false, hidden: 800, lr: 1e-3 },
    summary: [],
    weakLearners: { meanTestError: 0.2, bestTestError: 0.19, learners: [] },
    stacked: [{ layer: "dense", testError: 0.1, history: [] }, {
      layer: "rd",
      testError: 0.2,
      history: [],
    }],
    disagreement: new Float64Array([0, 0.15, 0.17, 0]),
    curve: [],
  });
  const map: Spec = charts.find((c) => c.name === "disagreement")!.spec;
  assertEquals(map.layer[0].encoding.color.scale.domain, [15, 17]);
});
