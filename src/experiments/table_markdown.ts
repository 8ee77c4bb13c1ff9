// What `deno task reproduce` writes of a table's cells: the Markdown tables (ours beside the
// published figure, one table per budget of epochs) and the mean curves of its HTML report.
import { type Rule, RULE_NAMES } from "../../mod.ts";
import type { Experiment } from "./experiment.ts";
import {
  type CellSettings,
  cellSettings,
  type RunOverrides,
  sameSettings,
} from "./cell_settings.ts";
import { rowAdditions, ruleRecipeText, ruleSettingsText } from "./recipe_text.ts";
import { mean, std } from "./statistics.ts";

/**
 * One finished cell of a table: a network × rule × seed, trained under a recipe and a budget.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Cell, cellSettings, isCurrent, loadExperiment } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * const row = table.rows.find((r) => r.name === "1×800 tanh")!;
 * const cell = (seed: number, trainError: number): Cell => ({
 *   row: row.name, rule: "dfa", seed, epochs: 1, recipe: "", settings: cellSettings(table, row, "dfa", { epochs: 1 }),
 *   testError: 0.02, bestTestError: 0.02, seconds: 1, history: [{ epoch: 1, trainError, testError: 0.02 }],
 * });
 * assertEquals(isCurrent(table, cell(1, 0.01)), true);
 * ```
 */
export interface Cell {
  /** The row's name. */
  row: string;
  /** The rule it was trained with. */
  rule: Rule;
  /** The seed of its initialisation and batches. */
  seed: number;
  /** The budget of epochs (a cell stopped by the table's rule has a shorter history). */
  epochs: number;
  /** The recipe in words. */
  recipe: string;
  /** Everything that made the cell's result (absent: a cell of an earlier recipe). */
  settings?: CellSettings;
  /** Test error (a fraction) after the last epoch. */
  testError: number;
  /** The lowest test error of any epoch. */
  bestTestError: number;
  /** Seconds of training. */
  seconds: number;
  /** Whether BLAS ran with subnormals flushed to zero (`--flush-subnormals`; absent: not). */
  flushSubnormals?: boolean;
  /** The OpenBLAS kernels of the process that finished the cell (`Blas.core`; absent: before). */
  blasCore?: string | null;
  /** Training and test error (fractions) after each epoch. */
  history: { epoch: number; trainError: number; testError: number }[];
}

/** Test errors (%) as "mean ± std (n seeds)", a single seed's as "x (1 seed)". */
const summary = (v: number[]) =>
  v.length === 1
    ? `${v[0].toFixed(2)} (1 seed)`
    : `${mean(v).toFixed(2)} ± ${std(v).toFixed(2)} (${v.length} seeds)`;

/**
 * Whether a cell was trained under the experiment's recipe of today for its row and rule (at its
 * own budget of epochs, on the run's training images).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Cell, cellSettings, isCurrent, loadExperiment } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * const row = table.rows.find((r) => r.name === "1×800 tanh")!;
 * const cell = (seed: number, trainError: number): Cell => ({
 *   row: row.name, rule: "dfa", seed, epochs: 1, recipe: "", settings: cellSettings(table, row, "dfa", { epochs: 1 }),
 *   testError: 0.02, bestTestError: 0.02, seconds: 1, history: [{ epoch: 1, trainError, testError: 0.02 }],
 * });
 * assertEquals(isCurrent(table, cell(1, 0.01)), true);
 * assertEquals(isCurrent(table, { ...cell(1, 0.01), settings: undefined }), false);
 * ```
 */
export function isCurrent(table: Experiment, cell: Cell, run: RunOverrides = {}): boolean {
  const row = table.rows.find((r) => r.name === cell.row);
  if (!row || !row.rules.includes(cell.rule)) return false;
  const now = cellSettings(table, row, cell.rule, { ...run, epochs: cell.epochs });
  return sameSettings(cell.settings, now);
}

/**
 * The Markdown tables: this run's budget of epochs first, then every other budget that has cells of
 * the table's recipes (those tables only with the rows that have some), then the cells of earlier
 * recipes, each with its recipe (they stay in the file, and a rerun does not reuse them).
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { type Cell, cellSettings, loadExperiment, tableMarkdown } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * const row = table.rows.find((r) => r.name === "1×800 tanh")!;
 * const cell = (seed: number, trainError: number): Cell => ({
 *   row: row.name, rule: "dfa", seed, epochs: 1, recipe: "", settings: cellSettings(table, row, "dfa", { epochs: 1 }),
 *   testError: 0.02, bestTestError: 0.02, seconds: 1, history: [{ epoch: 1, trainError, testError: 0.02 }],
 * });
 * const md = tableMarkdown(table, [cell(1, 0.01), cell(2, 0.03)], 1);
 * assertStringIncludes(md, "| network | BP ours | published | FA ours | published | DFA ours | published |");
 * assertStringIncludes(md, "| 1×800 tanh | – | 1.59 | – | 1.68 | 2.00");
 * ```
 */
export function tableMarkdown(
  table: Experiment,
  cells: Cell[],
  epochs: number,
  run: RunOverrides = {},
): string {
  const now = cells.filter((c) => isCurrent(table, c, run));
  const others = [...new Set(now.map((c) => c.epochs))].filter((e) => e !== epochs)
    .sort((a, b) => a - b);
  return [
    ...[epochs, ...others].map((e) => budgetMarkdown(table, now, e, e === epochs)),
    // Cells of today's recipes on other training images (--train-samples) are in neither.
    earlierMarkdown(
      table,
      cells.filter((c) =>
        !isCurrent(table, c, { trainSamples: c.settings?.trainSamples ?? undefined })
      ),
    ),
  ].filter((md) => md !== "").join("\n");
}

/** The Markdown table of one budget: one row per network, ours beside the published figure. */
function budgetMarkdown(
  table: Experiment,
  cells: Cell[],
  epochs: number,
  allRows: boolean,
): string {
  // Each row's cells by rule, for this budget.
  const byCell = table.rows.map((row) =>
    table.rules.map((r) =>
      cells.filter((c) => c.row === row.name && c.rule === r && c.epochs === epochs)
    )
  );
  const errors = byCell.map((rules) => rules.map((cs) => cs.map((c) => 100 * c.testError)));
  // ᶠ: cells trained with subnormal floats flushed to zero, which a reader should know.
  const mark = (i: number, j: number) => byCell[i][j].some((c) => c.flushSubnormals) ? " ᶠ" : "";
  const shown = table.rows.flatMap((row, i) =>
    allRows || errors[i].some((v) => v.length) ? [{ row, i, byRule: errors[i] }] : []
  );
  if (!shown.length) return "";
  // The file's budget shows every rule; another budget only the rules it has cells of.
  const columns = table.rules.flatMap((r, j) =>
    allRows || shown.some(({ byRule }) => byRule[j].length) ? [{ r, j }] : []
  );
  const rules = columns.map(({ r }) => r);
  const head = `| network | ${
    columns.map(({ r }) => `${RULE_NAMES[r]} ours | published`).join(" | ")
  } |`;
  const rule = `| --- | ${columns.map(() => "--- | ---").join(" | ")} |`;
  const rows = shown.map(({ row, i, byRule }) => {
    const parts = columns.map(({ r, j }) =>
      `${byRule[j].length ? summary(byRule[j]) + mark(i, j) : "–"} | ${
        row.published[r]?.value.toFixed(2) ?? "–"
      }`
    );
    return `| ${row.name} | ${parts.join(" | ")} |`;
  });
  // The training recipe, then the network settings, each once for the rules that share it.
  const byRule = (text: (r: Rule) => string) =>
    [...new Set(rules.map(text))].map((t) =>
      `${rules.filter((r) => text(r) === t).map((r) => RULE_NAMES[r]).join(", ")}: ${t}`
    );
  const recipes = [
    ...byRule((r) => ruleRecipeText(table, r)),
    ...byRule((r) => ruleSettingsText(table, r)),
  ];
  // What a row's own settings add to a rule's recipe, and the cells they apply to.
  const additions = new Map<string, { row: string; rules: string[]; all: boolean }[]>();
  for (const { row } of shown) {
    const rowRules = row.rules.filter((r) => rules.includes(r)),
      byExtra = new Map<string, string[]>();
    for (const r of rowRules) {
      const extra = rowAdditions(table, row, r);
      if (extra) byExtra.set(extra, [...byExtra.get(extra) ?? [], RULE_NAMES[r]]);
    }
    for (const [extra, rules] of byExtra) {
      const all = rules.length === rowRules.length;
      additions.set(extra, [...additions.get(extra) ?? [], { row: row.name, rules, all }]);
    }
  }
  for (const [extra, where] of additions) {
    // "FA in A, B" when every row has the same rules, else "A; B (FA)".
    const same = where.every((w) => !w.all && w.rules.join() === where[0].rules.join());
    const names = where.map((w) => (w.all || same ? w.row : `${w.row} (${w.rules.join(", ")})`));
    recipes.push(`${same ? `${where[0].rules.join(", ")} in ` : ""}${names.join("; ")}: ${extra}`);
  }
  const budget = allRows ? "" : ` (${epochs} epoch${epochs === 1 ? "" : "s"})`;
  return `## ${table.title}${budget}\n\n${epochs} epoch${epochs === 1 ? "" : "s"} a cell (${
    recipes.join("; ")
  }); published figures: ` +
    `${table.source}.\n\n` +
    [head, rule, ...rows].join("\n") + "\n" +
    (shown.some(({ i }) => table.rules.some((_, j) => mark(i, j)))
      ? "\nᶠ: trained with subnormal floats flushed to zero (`--flush-subnormals`).\n"
      : "") +
    coresMarkdown(table, shown.flatMap(({ i }) => byCell[i].flat()));
}

/**
 * Which OpenBLAS kernels trained the cells (their last bits differ from one set of kernels to
 * another): one line under the table, "" while no cell has them recorded.
 */
function coresMarkdown(table: Experiment, cells: Cell[]): string {
  const recorded = cells.filter((c) => c.blasCore);
  if (!recorded.length) return "";
  const cores = [...new Set(recorded.map((c) => c.blasCore!))].sort();
  const unrecorded = cells.length - recorded.length;
  if (cores.length === 1 && !unrecorded) {
    return `\nOpenBLAS kernels (\`Blas.core\`): ${cores[0]} for every cell.\n`;
  }
  // "4×800 tanh FA (seeds 1, 3)", in the table's order of rows, then rules.
  const place = (c: Cell) =>
    table.rows.findIndex((r) => r.name === c.row) * table.rules.length +
    table.rules.indexOf(c.rule);
  const named = (core: string) => {
    const groups = new Map<number, Cell[]>();
    for (const c of recorded.filter((c) => c.blasCore === core)) {
      groups.set(place(c), [...groups.get(place(c)) ?? [], c]);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => {
      const seeds = g.map((c) => c.seed).sort((a, b) => a - b);
      const s = seeds.length > 1 ? "s" : "";
      return `${g[0].row} ${RULE_NAMES[g[0].rule]} (seed${s} ${seeds.join(", ")})`;
    }).join(", ");
  };
  const parts = cores.map((core) => `${core} for ${named(core)}`);
  if (unrecorded) {
    const others = unrecorded === 1 ? "the other cell" : `the other ${unrecorded} cells`;
    parts.push(`not recorded for ${others}`);
  }
  return `\nOpenBLAS kernels (\`Blas.core\`): ${parts.join("; ")}.\n`;
}

/** The cells of earlier recipes: one line per network, rule, budget and recipe. */
function earlierMarkdown(table: Experiment, cells: Cell[]): string {
  if (!cells.length) return "";
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const key = JSON.stringify([c.row, c.rule, c.epochs, c.recipe]);
    groups.set(key, [...groups.get(key) ?? [], c]);
  }
  // In the table's order: by row, then rule, then budget.
  const order = (c: Cell) => [
    table.rows.findIndex((r) => r.name === c.row),
    table.rules.indexOf(c.rule),
    c.epochs,
  ];
  const before = (a: Cell[], b: Cell[]) => {
    const [x, y] = [order(a[0]), order(b[0])];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  };
  const lines = [...groups.values()].sort(before).map((g) => {
    const { row, rule, epochs, recipe } = g[0];
    const published = table.rows.find((r) => r.name === row)?.published[rule]?.value;
    return `| ${row} | ${RULE_NAMES[rule]} | ${epochs} | ${
      summary(g.map((c) => 100 * c.testError))
    } | ${published?.toFixed(2) ?? "–"} | ${recipe} |`;
  });
  return "## Cells of earlier recipes\n\nKept in the table's file; a rerun trains these cells " +
    "again under today's recipe.\n\n" +
    "| network | rule | epochs a cell | ours | published | recipe |\n" +
    "| --- | --- | --- | --- | --- | --- |\n" + lines.join("\n") + "\n";
}

/**
 * Each rule's training and test error per epoch, the mean over its seeds: as long as its longest
 * run, each epoch's mean over the runs that reached it (a run the table's rule stopped ends early).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Cell, cellSettings, loadExperiment, meanCurves } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * const row = table.rows.find((r) => r.name === "1×800 tanh")!;
 * const cell = (seed: number, trainError: number): Cell => ({
 *   row: row.name, rule: "dfa", seed, epochs: 1, recipe: "", settings: cellSettings(table, row, "dfa", { epochs: 1 }),
 *   testError: 0.02, bestTestError: 0.02, seconds: 1, history: [{ epoch: 1, trainError, testError: 0.02 }],
 * });
 * const train = meanCurves([cell(1, 0.25), cell(2, 0.75)]).find((p) => p.set === "train");
 * assertEquals(train, { epoch: 1, "error (%)": 50, rule: "dfa", set: "train" });
 * ```
 */
export function meanCurves(cells: Cell[]): Record<string, string | number>[] {
  const rules = [...new Set(cells.map((c) => c.rule))];
  return rules.flatMap((rule) => {
    const runs = cells.filter((c) => c.rule === rule);
    const epochs = Math.max(...runs.map((c) => c.history.length));
    return Array.from({ length: epochs }, (_, e) => {
      const reached = runs.filter((c) => c.history.length > e);
      return (["train", "test"] as const).map((set) => ({
        epoch: e + 1,
        "error (%)": 100 *
          mean(reached.map((c) => c.history[e][set === "train" ? "trainError" : "testError"])),
        rule,
        set,
      }));
    }).flat();
  });
}
