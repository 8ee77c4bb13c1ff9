// The results tables of README.md and docs/*.md, written from results/*.json: each table sits
// between `<!-- results:NAME -->` and `<!-- /results:NAME -->` lines (docs_blocks.ts), and
// `deno task docs` rewrites what lies between from the results files, so no figure in the docs is
// copied by hand. Here: the published tables' (Table 1, LeNet), the headline, and the registry.
import type { Rule } from "../../mod.ts";
import { RULE_NAMES } from "../model/rules/registry.ts";
import { markdownTable, pct, type ResultsReader, seedSummary } from "./docs_format.ts";
import {
  dropoutTable,
  mnistTable,
  originalSeedsTable,
  originalTable,
  pipelineTable,
  stackingTable,
  studyCells,
  studyErrors,
} from "./docs_runs.ts";
import { type Cell, isCurrent, tableMarkdown } from "./table_markdown.ts";
import { mean } from "./statistics.ts";
import type { StudyCell } from "./stacking_study.ts";
import { cellRecipe, type Experiment as Table } from "./experiment.ts";
import { migrateCells } from "./cells.ts";
import { ruleRecipeText } from "./recipe_text.ts";
import { loadExperiment } from "./results_file.ts";

/** The published tables, each an experiment file with a results file of the same name. */
const PUBLISHED = ["nokland-table1", "biotorch-lenet"] as const;

/**
 * The cells of a published table's results file, each with its recipe (absent: the table's), those
 * saved before cells recorded their settings given them when their recipe is today's.
 */
export function tableCells(json: unknown, table: Table): Cell[] {
  const cells = (json as { cells: Cell[] }).cells;
  return migrateCells(
    table,
    cells.map((c) => ({ ...c, recipe: c.recipe ?? ruleRecipeText(table, c.rule) })),
  );
}

/** What `deno task reproduce` writes to results/TABLE.md for each table, from its JSON. */
export function resultsMarkdown(read: ResultsReader): Record<string, string> {
  return Object.fromEntries(
    PUBLISHED.map((name) => {
      const table = loadExperiment(name);
      return [
        `${name}.md`,
        tableMarkdown(table, tableCells(read(`${name}.json`), table), table.recipe.epochs),
      ];
    }),
  );
}

/** The cells of a published table under its recipe of today, grouped by row, rule and budget. */
function currentGroups(table: Table, cells: Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const c of cells.filter((c) => isCurrent(table, c))) {
    const key = JSON.stringify([c.row, c.rule, c.epochs]);
    groups.set(key, [...groups.get(key) ?? [], c]);
  }
  const order = (g: Cell[]) => [
    table.rows.findIndex((r) => r.name === g[0].row),
    table.rules.indexOf(g[0].rule),
    g[0].epochs,
  ];
  return [...groups.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  }).map((g) => g.sort((a, b) => a.seed - b.seed));
}

/** Each seed's test error, with the epoch the table's stopping rule ended it at. */
function eachSeed(g: Cell[], budget: number): string {
  return g.map((c) => {
    const stopped = c.history.length < budget ? `, stopped at ${c.history.length}` : "";
    return `${(100 * c.testError).toFixed(2)} (seed ${c.seed}${stopped})`;
  }).join("; ");
}

/** Table 1's cells seed by seed: each seed's error and where the stopping rule ended it. */
function table1Seeds(read: ResultsReader): string {
  const table = loadExperiment("nokland-table1");
  const groups = currentGroups(table, tableCells(read("nokland-table1.json"), table));
  return markdownTable(
    ["network", "rule", "ours", "each seed, % (epoch stopped at, if before 300)"],
    groups.map((g) => [
      g[0].row,
      RULE_NAMES[g[0].rule],
      seedSummary(g.map((c) => 100 * c.testError)),
      eachSeed(g, g[0].epochs),
    ]),
  );
}

/** biotorch's LeNet rule by rule: every current group of cells, beside biotorch's figure. */
function lenetRules(read: ResultsReader): string {
  const table = loadExperiment("biotorch-lenet");
  const groups = currentGroups(table, tableCells(read("biotorch-lenet.json"), table))
    .filter((g) => !table.rows.find((r) => r.name === g[0].row)?.recipe.shift);
  return markdownTable(
    ["network", "rule", "epochs", "weight decay", "final test error", "each seed (%)", "biotorch"],
    groups.map((g) => {
      const { row, rule, epochs } = g[0];
      const published = table.rows.find((r) => r.name === row)?.published[rule]?.value;
      return [
        row,
        RULE_NAMES[rule],
        `${epochs}`,
        cellRecipe(table, table.rows[0], rule).weightDecay > 0 ? "yes" : "no",
        `**${seedSummary(g.map((c) => 100 * c.testError))}**`,
        g.map((c) => (100 * c.testError).toFixed(2)).join(", "),
        published === undefined ? "–" : `${published.toFixed(2)} %`,
      ];
    }),
  );
}

/** LeNet with shifted training images beside the same rule and seed without. */
function lenetShifts(read: ResultsReader): string {
  const table = loadExperiment("biotorch-lenet");
  const cells = tableCells(read("biotorch-lenet.json"), table).filter((c) => isCurrent(table, c));
  const shifted = table.rows.find((r) => r.recipe.shift)!;
  const plain = table.rows[0].name;
  const byRule = (a: Cell, b: Cell) =>
    table.rules.indexOf(a.rule) - table.rules.indexOf(b.rule) || a.seed - b.seed;
  const rows = cells.filter((c) => c.row === shifted.name).sort(byRule).map((c) => {
    const twin = cells.find((d) =>
      d.row === plain && d.rule === c.rule && d.seed === c.seed && d.epochs === c.epochs
    );
    return [
      RULE_NAMES[c.rule],
      `${c.seed}`,
      pct(c.testError),
      twin ? pct(twin.testError) : "–",
    ];
  });
  return markdownTable(
    ["rule", "seed", `shifts ±${shifted.recipe.shift}: final test error`, "without"],
    rows,
  );
}

/** How many of Table 1's rule × network cells come within 0.15 points of the recalled figure. */
function table1Hits(table: Table, cells: Cell[]): { hits: number; of: number } {
  const groups = currentGroups(table, cells).filter((g) => g[0].epochs === table.recipe.epochs);
  const held = groups.flatMap((g) => {
    const published = table.rows.find((r) => r.name === g[0].row)?.published[g[0].rule]?.value;
    return published === undefined ? [] : [mean(g.map((c) => 100 * c.testError)) - published];
  });
  return { hits: held.filter((d) => d <= 0.15 + 1e-9).length, of: held.length };
}

/** The README's headline: the original's workflow against ours, Table 1 and LeNet in brief. */
function headlineTable(read: ResultsReader): string {
  const study = studyCells(read), n = (read("stacking.json") as { n: number }).n;
  // The original program itself, run on one set of same-init learners' outputs.
  const original = read("stacking-original.json") as { cells: StudyCell[] };
  const stacking = (model: string, kind: string, name: string) => {
    const ours = studyErrors(study, model, "exact", kind);
    const theirs = kind === "same"
      ? studyErrors(original.cells, model, "original-program", kind)
      : [];
    return [
      `${name}, ${kind}-init learners`,
      `**${seedSummary(ours)}**`,
      theirs.length
        ? `${
          seedSummary(theirs).replace("seeds", "runs")
        }, the original program on seed 1234's learners`
        : "–",
    ];
  };
  const t1 = loadExperiment("nokland-table1"), lenet = loadExperiment("biotorch-lenet");
  const t1Cells = tableCells(read("nokland-table1.json"), t1);
  const lenetCells = tableCells(read("biotorch-lenet.json"), lenet);
  const cell = (table: Table, cells: Cell[], row: string, rule: Rule, label: string) => {
    const g = currentGroups(table, cells).find((g) =>
      g[0].row === row && g[0].rule === rule && g[0].epochs === table.recipe.epochs
    );
    const published = table.rows.find((r) => r.name === row)?.published[rule];
    const source = table === t1 ? "Nøkland 2016" : "biotorch's Benchmarks.md";
    return [
      label,
      g ? `**${seedSummary(g.map((c) => 100 * c.testError))}**` : "–",
      published === undefined
        ? "–"
        : `${published.value.toFixed(2)} % (${source}, ${
          published.seen ? "seen there" : "recalled"
        })`,
    ];
  };
  const { hits, of } = table1Hits(t1, t1Cells);
  return markdownTable(["result", "ours", "reference"], [
    stacking("dense", "same", `Stacking ${n} DFA nets, dense stacked model`),
    stacking("rd", "same", `Stacking ${n} DFA nets, RD stacked model`),
    stacking("dense", "diff", `Stacking ${n} DFA nets, dense stacked model`),
    cell(t1, t1Cells, "1×800 tanh", "dfa", "Table 1, 1×800 tanh, DFA"),
    cell(t1, t1Cells, "1×800 tanh", "bp", "Table 1, 1×800 tanh, BP"),
    [
      "Table 1, cells within 0.15 points of the recalled figure, or below",
      `**${hits} of ${of}**`,
      "Nøkland 2016, recalled",
    ],
    cell(lenet, lenetCells, "LeNet-5 (ReLU)", "bp", "LeNet-5, BP"),
    cell(lenet, lenetCells, "LeNet-5 (ReLU)", "usf", "LeNet-5, uSF"),
    cell(
      lenet,
      lenetCells,
      "LeNet-5 (ReLU), feedback after pooling",
      "dfa",
      "LeNet-5, DFA after pooling",
    ),
    cell(
      lenet,
      lenetCells,
      "LeNet-5 (ReLU), feedback after pooling",
      "cdfa",
      "LeNet-5, cDFA after pooling",
    ),
  ]);
}

/**
 * What reproduce writes to results/TABLE.md but the cells of earlier recipes (they stay in that
 * file), its headings two levels down to sit in a page.
 */
function resultsSection(read: ResultsReader, name: string): string {
  const table = loadExperiment(name);
  return tableMarkdown(table, tableCells(read(`${name}.json`), table), table.recipe.epochs)
    .split("## Cells of earlier recipes")[0].replace(/^## /gm, "#### ");
}

/** Every generated table by its marker name: `<!-- results:NAME -->`. */
export const DOC_TABLES: Record<string, (read: ResultsReader) => string> = {
  headline: headlineTable,
  mnist: mnistTable,
  dropout: dropoutTable,
  table1: (read) => resultsSection(read, "nokland-table1"),
  "table1-seeds": table1Seeds,
  lenet: (read) => resultsSection(read, "biotorch-lenet"),
  "lenet-rules": lenetRules,
  "lenet-shifts": lenetShifts,
  pipeline: pipelineTable,
  stacking: stackingTable,
  "stacking-original": originalTable,
  "stacking-original-seeds": originalSeedsTable,
};

/** Every table of `DOC_TABLES`, written from the results. */
export function docTables(read: ResultsReader): Record<string, string> {
  return Object.fromEntries(Object.entries(DOC_TABLES).map(([name, f]) => [name, f(read)]));
}
