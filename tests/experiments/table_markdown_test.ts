// The Markdown of an experiment's results: ours beside the published figure, one table per budget
// of epochs, cells of earlier recipes apart, the OpenBLAS kernels, and the mean curves.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  type Cell,
  cellSettings,
  loadExperiment,
  meanCurves,
  planCells,
  tableMarkdown,
} from "../../src/experiments/mod.ts";
import type { Rule } from "../../mod.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("cells of an earlier recipe are listed with it, apart from today's table", () => {
  const table = loadExperiment(`${root}/experiments/nokland-table1.json`);
  const plan = (rule: Rule) =>
    planCells(table, { only: "1×800 tanh", rules: [rule], seeds: [1] })[0];
  const cell = (rule: Rule, recipe: string, testError: number, stoppedAt: number): Cell => ({
    row: "1×800 tanh",
    rule,
    seed: 1,
    epochs: 300,
    recipe,
    // Today's recipe: the cell's settings; an earlier one's cells carry none.
    settings: recipe === plan(rule).text ? plan(rule).settings : undefined,
    testError,
    bestTestError: testError,
    seconds: 1,
    history: Array.from(
      { length: stoppedAt },
      (_, e) => ({ epoch: e + 1, trainError: 0.1 / (e + 1), testError }),
    ),
  });
  const today = plan("bp").text;
  const md = tableMarkdown(table, [
    cell("bp", today, 0.0159, 3),
    cell("bp", "RMSprop lr 1e-4 (an older recipe)", 0.0172, 3),
  ], 300);
  const [now, earlier] = md.split("## Cells of earlier recipes");
  assertStringIncludes(now, "| 1×800 tanh | 1.59 (1 seed) | 1.59 |");
  assert(!now.includes("1.72"), now);
  assertStringIncludes(
    earlier,
    "| 1×800 tanh | BP | 300 | 1.72 (1 seed) | 1.59 | RMSprop lr 1e-4 (an older recipe) |",
  );
  assert(!tableMarkdown(table, [cell("bp", today, 0.0159, 3)], 300).includes("earlier"));
  // A cell trained with subnormals flushed is marked, and the mark explained once; others are not.
  const flushed = tableMarkdown(table, [
    cell("bp", today, 0.0159, 3),
    { ...cell("dfa", plan("dfa").text, 0.0168, 3), flushSubnormals: true },
  ], 300);
  assertStringIncludes(
    flushed,
    "| 1×800 tanh | 1.59 (1 seed) | 1.59 | – | 1.68 | 1.68 (1 seed) ᶠ |",
  );
  assertEquals(flushed.match(/ᶠ: trained with subnormal floats flushed to zero/g)?.length, 1);
  assert(!md.includes("ᶠ"), md);
  // The OpenBLAS kernels of the cells, once under the table, where any cell recorded them.
  assert(!md.includes("OpenBLAS kernels"), md);
  const dfa = (seed: number) => ({
    ...cell("dfa", plan("dfa").text, 0.0168, 3),
    seed,
    blasCore: "Cooperlake",
  });
  const cores = tableMarkdown(table, [
    { ...cell("bp", today, 0.0159, 3), blasCore: "Prescott" },
    dfa(2),
    dfa(1),
    { ...cell("bp", today, 0.0161, 3), seed: 2 },
  ], 300);
  assertStringIncludes(
    cores,
    "OpenBLAS kernels (`Blas.core`): Cooperlake for 1×800 tanh DFA (seeds 1, 2); Prescott for " +
      "1×800 tanh BP (seed 1); not recorded for the other cell.",
  );
  assertStringIncludes(
    tableMarkdown(table, [dfa(1), dfa(2)], 300),
    "OpenBLAS kernels (`Blas.core`): Cooperlake for every cell.",
  );
  // Earlier cells in the table's order (row, then rule), whatever the file's; the budget's heading
  // says what rows add to a rule's recipe (FA's first layer under Nøkland's recipe).
  const older = "RMSprop (older)";
  const listed = tableMarkdown(table, [
    { ...cell("dfa", older, 0.02, 3), row: "2×800 tanh" },
    cell("dfa", older, 0.02, 3),
    cell("bp", older, 0.02, 3),
  ], 300).split("## Cells of earlier recipes")[1].split("\n").filter((l) => l.includes(older));
  assertEquals(listed.map((l) => l.split(" | ").slice(0, 2).join(" ")), [
    "| 1×800 tanh BP",
    "| 1×800 tanh DFA",
    "| 2×800 tanh DFA",
  ]);
  // Each rule's weights are named once for all rows, a row's own (ReLU: uniform) apart.
  assertStringIncludes(
    md,
    "BP: weights uniform; FA: first layer's weights uniform, the others zeros; DFA: weights zeros; " +
      "FA, DFA in 2×800 ReLU: weights uniform)",
  );
  // Cells of another budget get a table of their own, named by it, with the rules they ran only.
  const row = table.rows.find((r) => r.name === "1×800 tanh")!;
  const dfa100: Cell = {
    ...cell("dfa", plan("dfa").text, 0.0168, 3),
    epochs: 100,
    settings: cellSettings(table, row, "dfa", { epochs: 100 }),
  };
  const budgets = tableMarkdown(table, [cell("bp", today, 0.0159, 3), dfa100], 300);
  const [, other] = budgets.split(
    "## Nøkland 2016, Table 1: MNIST, fully connected, test error (%) (100 epochs)",
  );
  assertStringIncludes(other, "| network | DFA ours | published |\n| --- | --- | --- |\n");
  assertStringIncludes(other, "| 1×800 tanh | 1.68 (1 seed) | 1.68 |");
  assert(!other.includes("BP"), other);
  // Two seeds the stopping rule ended at epochs 2 and 4: the mean curve runs 4 epochs, each the
  // mean of the runs that reached it.
  const curves = meanCurves([cell("dfa", today, 0.02, 2), {
    ...cell("dfa", today, 0.04, 4),
    seed: 2,
  }]);
  const test = curves.filter((p) => p.set === "test").map((p) => p["error (%)"]);
  assertEquals(test.map((v) => Number(v).toFixed(2)), ["3.00", "3.00", "4.00", "4.00"]);
});

Deno.test("a cell of fewer training images is neither in today's table nor an earlier recipe", () => {
  const table = loadExperiment(`${root}/experiments/nokland-table1.json`);
  const p = planCells(table, { only: "1×800 tanh", rules: ["bp"], seeds: [1] })[0];
  const cell: Cell = {
    row: p.row.name,
    rule: "bp",
    seed: 1,
    epochs: 300,
    recipe: p.text,
    settings: { ...p.settings, trainSamples: 500 },
    testError: 0.396,
    bestTestError: 0.396,
    seconds: 1,
    history: [{ epoch: 1, trainError: 0.5, testError: 0.396 }],
  };
  const md = tableMarkdown(table, [cell], 300);
  assert(!md.includes("39.60"), md);
  assert(!md.includes("earlier recipes"), md);
  // A run on those 500 images shows it.
  assertStringIncludes(tableMarkdown(table, [cell], 300, { trainSamples: 500 }), "39.60");
});
