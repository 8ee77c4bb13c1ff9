// The cells of an experiment (row × rule × seed): the ones a run picks, their ids, and finding a
// saved one. A saved cell is reused only by a cell of the same row, rule, seed and settings
// (cell_settings.ts); a file saved before cells carried their settings is migrated by its
// recipe's text.
import type { Rule } from "../../mod.ts";
import {
  cellRecipe,
  type Experiment,
  ExperimentFileError,
  type ExperimentRow,
  type Recipe,
} from "./experiment.ts";
import {
  type CellSettings,
  cellSettings,
  type RunOverrides,
  sameSettings,
} from "./cell_settings.ts";
import { cellText } from "./recipe_text.ts";
import type { Cell } from "./table_markdown.ts";

/** One cell a run asks for. */
export interface CellPlan {
  /** The row: its network, rules and recipe overrides. */
  row: ExperimentRow;
  /** The rule the cell trains with. */
  rule: Rule;
  /** The seed of its initialisation, batches and augmentation. */
  seed: number;
  /** The cell's recipe: the file's, the rule's, the row's and the row's for the rule, merged. */
  recipe: Recipe;
  /** Everything that makes its result, the run's overrides applied (its identity). */
  settings: CellSettings;
  /** The recipe in words (saved with the cell, shown in the Markdown). */
  text: string;
  /** A name for its files: row, rule, seed and a hash of its settings ("1_800_tanh-dfa-seed1-…"). */
  id: string;
}

/** The rows, rules and seeds a run picks (`--only`, `--rules`, `--seeds`). */
export interface Selection {
  /** The row of that name, else the rows whose names contain it (absent: every row). */
  only?: string;
  /** The rules to run (absent: each row's own). */
  rules?: string[];
  /** The seeds to run (absent: the file's). */
  seeds?: number[];
}

/**
 * The selection of `--only`, `--rules` and `--seeds` as given on the command line (lists
 * comma-separated).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseSelection } from "./cells.ts";
 * assertEquals(parseSelection("2×800", "bp,dfa", "1,2"), { only: "2×800", rules: ["bp", "dfa"], seeds: [1, 2] });
 * assertThrows(() => parseSelection(undefined, undefined, "1,,2"), Error, "--seeds has an empty item: 1,,2");
 * ```
 *
 * @throws {ExperimentFileError} When a list has an empty item, or a seed is not a whole number.
 */
export function parseSelection(only?: string, rules?: string, seeds?: string): Selection {
  const items = (option: string, text: string | undefined) => {
    const list = text?.split(",").map((s) => s.trim());
    if (list?.some((s) => s === "")) {
      throw new ExperimentFileError(`--${option} has an empty item: ${text}`);
    }
    const twice = list?.find((s, i) => list.indexOf(s) !== i);
    if (twice !== undefined) throw new ExperimentFileError(`--${option} names ${twice} twice`);
    return list;
  };
  const seedList = items("seeds", seeds);
  if (seedList?.some((s) => !/^\d+$/.test(s) || Number(s) > 2 ** 31 - 1)) {
    throw new ExperimentFileError(`--seeds must be whole numbers from 0 to 2147483647: ${seeds}`);
  }
  if (new Set(seedList?.map(Number)).size !== (seedList?.length ?? 0)) {
    throw new ExperimentFileError(`--seeds names a seed twice: ${seeds}`);
  }
  return { only, rules: items("rules", rules), seeds: seedList?.map(Number) };
}

/**
 * The rows `only` picks: the row of exactly that name if there is one (so "LeNet-5 (ReLU)" is not
 * also its variants), else every row whose name contains it; all rows without it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }, { name: "a2", arch: "fc:20x2" }],
 * }), "mine.json");
 * import { selectRows } from "./cells.ts";
 * assertEquals(selectRows(exp, "a").map((r) => r.name), ["a"]);
 * assertEquals(selectRows(exp, "2").map((r) => r.name), ["a2"]);
 * assertEquals(selectRows(exp).length, 2);
 * ```
 */
export function selectRows(exp: Experiment, only?: string): ExperimentRow[] {
  const exact = exp.rows.filter((r) => r.name === only);
  return exact.length ? exact : exp.rows.filter((r) => only === undefined || r.name.includes(only));
}

/** FNV-1a, 32 bits, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * The cells a run asks for, in the file's order (rows, then rules, then seeds).
 *
 * @throws {ExperimentFileError} When `only` names no row, a rule in `rules` is in no picked row,
 *   a seed is not a whole number ≥ 0, or `run.epochs` would make the rows of an epochs sweep
 *   train the same cells: the message says which.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }, { name: "b", arch: "fc:10x2" }],
 * }), "mine.json");
 * import { planCells } from "./cells.ts";
 * const plans = planCells(exp, { only: "b", rules: ["dfa"] }, { trainSamples: 500 });
 * assertEquals(plans.map((p) => [p.row.name, p.rule, p.seed]), [["b", "dfa", 1], ["b", "dfa", 2]]);
 * assertEquals(plans[0].settings.trainSamples, 500);
 * assert(/^b-dfa-seed1-[0-9a-f]{8}$/.test(plans[0].id));
 * ```
 */
export function planCells(
  exp: Experiment,
  pick: Selection = {},
  run: RunOverrides = {},
): CellPlan[] {
  if (pick.only?.trim() === "") {
    throw new ExperimentFileError("Cannot select rows: --only is empty");
  }
  const rows = selectRows(exp, pick.only);
  if (!rows.length) {
    throw new ExperimentFileError(
      `Cannot select rows: no row of ${exp.name} matches --only: ${pick.only}`,
    );
  }
  const ran = new Set(rows.flatMap((r) => r.rules));
  const unknown = pick.rules?.filter((r) => !ran.has(r as Rule));
  if (unknown?.length) {
    throw new ExperimentFileError(
      `Cannot select rules: no row picked runs ${unknown.join(", ")} (they run ${
        [...ran].join(", ")
      })`,
    );
  }
  const seeds = pick.seeds ?? exp.seeds;
  const bad = seeds.find((s) => !Number.isSafeInteger(s) || s < 0 || s > 2 ** 31 - 1);
  if (bad !== undefined || !seeds.length) {
    throw new ExperimentFileError(`Cannot use the seeds: each must be a whole number ≥ 0: ${bad}`);
  }
  const plans = rows.flatMap((row) =>
    row.rules.filter((r) => !pick.rules || pick.rules.includes(r)).flatMap((rule) =>
      seeds.map((seed) => {
        const settings = cellSettings(exp, row, rule, run);
        const label = `${row.name}-${rule}-seed${seed}`.replace(/[^A-Za-z0-9.-]+/g, "_");
        return {
          row,
          rule,
          seed,
          recipe: cellRecipe(exp, row, rule),
          settings,
          text: cellText(exp, row, rule),
          id: `${label}-${hash(JSON.stringify([row.name, rule, seed, settings]))}`,
        };
      })
    )
  );
  // --epochs over an epochs sweep would make its rows train the same cells, each twice over.
  const trained = new Map<string, CellPlan>();
  for (const p of run.epochs === undefined ? [] : plans) {
    const key = JSON.stringify([p.rule, p.seed, p.settings]), twin = trained.get(key);
    if (twin && twin.row !== p.row && twin.recipe.epochs !== p.recipe.epochs) {
      throw new ExperimentFileError(
        `Cannot run rows ${twin.row.name} and ${p.row.name}: they train the same ${p.rule.toUpperCase()} cells under --epochs ${run.epochs} (they differ only in epochs)`,
      );
    }
    trained.set(key, p);
  }
  return plans;
}

/** The saved cell of a plan, if any: the same row, rule, seed and settings. *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }, { name: "b", arch: "fc:10x2" }],
 * }), "mine.json");
 * import { type Cell, findCell, planCells } from "./mod.ts";
 * const [p] = planCells(exp);
 * const cell: Cell = {
 *   row: "a", rule: "bp", seed: 1, epochs: 2, recipe: p.text, settings: p.settings,
 *   testError: 0.1, bestTestError: 0.1, seconds: 1, history: [],
 * };
 * assert(findCell([cell], p));
 * assertEquals(findCell([cell], planCells(exp, {}, { trainSamples: 500 })[0]), undefined);
 * ```
 */
export function findCell(cells: readonly Cell[], plan: CellPlan): Cell | undefined {
  return cells.find((c) =>
    c.row === plan.row.name && c.rule === plan.rule && c.seed === plan.seed &&
    sameSettings(c.settings, plan.settings)
  );
}

/**
 * Gives each saved cell without settings (saved before cells carried them) the settings of the
 * experiment's cell whose recipe reads the same: trained on all the training images, at its own
 * budget of epochs. A cell of an earlier recipe keeps none (it matches no cell to run).
 *
 * @returns The cells, migrated ones replaced, in the same order.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }, { name: "b", arch: "fc:10x2" }],
 * }), "mine.json");
 * import { type Cell, migrateCells, planCells } from "./mod.ts";
 * const [p] = planCells(exp);
 * const saved: Cell = {
 *   row: "a", rule: "bp", seed: 1, epochs: 2, recipe: p.text,
 *   testError: 0.1, bestTestError: 0.1, seconds: 1, history: [],
 * };
 * assertEquals(migrateCells(exp, [saved])[0].settings, p.settings);
 * assert(!migrateCells(exp, [{ ...saved, recipe: "an older recipe" }])[0].settings);
 * ```
 */
export function migrateCells(exp: Experiment, cells: readonly Cell[]): Cell[] {
  return cells.map((c) => {
    if (c.settings) return c;
    const row = exp.rows.find((r) => r.name === c.row);
    if (!row || !row.rules.includes(c.rule) || cellText(exp, row, c.rule) !== c.recipe) return c;
    return { ...c, settings: cellSettings(exp, row, c.rule, { epochs: c.epochs }) };
  });
}
