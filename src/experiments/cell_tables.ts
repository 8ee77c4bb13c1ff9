// An experiment's results as its readers see them: the Markdown table beside the results file
// and the HTML report of the mean curves.
import { writeAll, writeFileAtomic } from "../io/mod.ts";
import { lineChart } from "../report/charts.ts";
import { writeReport } from "../report/report.ts";
import { tableTitle } from "../report/titles.ts";
import { type CellRun, resultsPath } from "./cell_run.ts";
import { readResults } from "./results_file.ts";
import { isCurrent, meanCurves, tableMarkdown } from "./table_markdown.ts";

/**
 * Writes the Markdown tables of the results file beside it (OUT/NAME.md), and with `reportDir`
 * the HTML report of the mean curves (one chart per row with cells of this run's budget).
 *
 * @returns The Markdown, and the report's path.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./mod.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { type Cell } from "./mod.ts";
 * import { cellDir, writeDoneCell } from "./train_cell.ts";
 * const done = (i: number): Cell => ({
 *   row: "a", rule: "bp", seed: r.plans[i].seed, epochs: 2, recipe: r.plans[i].text,
 *   settings: r.plans[i].settings, testError: 0.1, bestTestError: 0.1, seconds: 1,
 *   history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }, { epoch: 2, trainError: 0.1, testError: 0.1 }],
 * });
 * const finish = (i: number) => { // as a cell's own process leaves it
 *   const dir = cellDir(r.outDir, "mine", r.plans[i]);
 *   Deno.mkdirSync(dir, { recursive: true });
 *   writeDoneCell(dir, done(i));
 * };
 * import { mergeDone, writeTables } from "./mod.ts";
 * finish(0);
 * mergeDone(r);
 * const { markdown, report } = await writeTables(r);
 * assertStringIncludes(markdown, "| a |");
 * assertEquals([Deno.readTextFileSync(`${r.outDir}/mine.md`), report], [markdown, undefined]);
 * ```
 */
export async function writeTables(
  r: CellRun,
  reportDir?: string,
): Promise<{ markdown: string; report?: string }> {
  const cells = readResults(resultsPath(r), r.exp);
  const epochs = r.run.epochs ?? r.plans[0]?.settings.epochs ?? r.exp.recipe.epochs;
  const markdown = tableMarkdown(r.exp, cells, epochs, r.run);
  const md = `${r.outDir}/${r.exp.name}.md`;
  writeFileAtomic(md, (f) => writeAll(f, new TextEncoder().encode(markdown)));
  if (reportDir === undefined) return { markdown };
  const charted = r.exp.rows.map((row) =>
    cells.filter((c) => c.row === row.name && c.epochs === epochs && isCurrent(r.exp, c, r.run))
  );
  const charts = charted.flatMap((rowCells, i) =>
    rowCells.length
      ? [lineChart(
        `row-${i + 1}`,
        `${r.exp.rows[i].name}: error per epoch`,
        meanCurves(rowCells),
        "epoch",
        "error (%)",
        "rule",
        "error (%)",
        false,
        "set",
      )]
      : []
  );
  const title = tableTitle(r.exp, charted.flat());
  return { markdown, report: await writeReport(reportDir, title, [], charts, markdown) };
}
