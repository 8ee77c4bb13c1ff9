// The cells of an experiment (row × rule × seed) and what makes one: its settings, every one that
// changes its result. A saved cell is reused only by a cell of the same row, rule, seed and
// settings; a file saved before cells carried their settings is migrated by its recipe's text.
import type { Rule } from "../../mod.ts";
import {
  cellRecipe,
  type Experiment,
  ExperimentFileError,
  type ExperimentRow,
  type Recipe,
} from "./experiment.ts";
import { cellText } from "./recipe_text.ts";
import type { Cell } from "./table_markdown.ts";

/** Everything that makes a cell's result, besides its rule and seed (key order fixed). */
export interface CellSettings {
  /** The row's architecture, as `parseArchitecture` reads it ("fc:800", "fc:240x3"). */
  arch: string;
  /** The hidden layers' activation ("tanh", "sigmoid", "relu", "linear"; a row's default: tanh). */
  activation: string;
  /** Each image's channels, height and width (MNIST: [1, 28, 28]). */
  input: [number, number, number];
  /** The optimiser: "sgd", "momentum", "rmsprop" or "adam". */
  optimizer: string;
  /** The learning rate before any drop. */
  lr: number;
  /** RMSprop's decay of its squared-gradient average (null: the optimiser's default). */
  rho: number | null;
  /** Samples a mini-batch. */
  batch: number;
  /** The budget of epochs (passes over the training images), after the run's `--epochs`. */
  epochs: number;
  /** Output layer and loss: "bce", "ce" or "mse". */
  loss: string;
  /** Where the learning rate is divided by 10, as fractions of the epochs (empty: constant). */
  lrDrops: number[];
  /** Stop once the running mean training error (a fraction) is at or below this (null: never). */
  stopAtTrainError: number | null;
  /** L2 weight decay a sample (0: none). */
  weightDecay: number;
  /** The forward weights' initialisation ("uniform" by default). */
  init: string;
  /** The first layer's forward weights' initialisation (the recipe's `init` when it sets none). */
  firstInit: string;
  /** The distribution the feedback matrices are drawn from: "uniform" (default) or "normal". */
  feedbackInit: string;
  /** Where the direct rules' feedback enters: "layer" (default) or "block". */
  feedbackAt: string;
  /** Training images moved by up to this many random pixels (0, the default: no augmentation). */
  shift: number;
  /** The first N training images (null: all). */
  trainSamples: number | null;
}

/** How a run changes the file's cells: another budget of epochs, fewer training images. */
export interface RunOverrides {
  /** The budget of epochs of every cell (absent: each cell's recipe's). */
  epochs?: number;
  /** Train on the first N training images (absent: all). */
  trainSamples?: number;
}

/**
 * The settings of a row's cell for `rule` under a run's overrides: its recipe's (`cellRecipe`),
 * absent optional fields as null, `firstInit` resolved, the run's epochs and training images.
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
 * import { cellSettings } from "./cells.ts";
 * const s = cellSettings(exp, exp.rows[0], "dfa", { epochs: 5 });
 * assertEquals([s.epochs, s.lr, s.rho, s.firstInit, s.trainSamples], [5, 1e-3, null, "uniform", null]);
 * ```
 */
export function cellSettings(
  exp: Experiment,
  row: ExperimentRow,
  rule: Rule,
  run: RunOverrides = {},
): CellSettings {
  const r: Recipe = cellRecipe(exp, row, rule);
  return {
    arch: row.arch,
    activation: row.activation,
    input: row.input,
    optimizer: r.optimizer,
    lr: r.lr,
    rho: r.rho ?? null,
    batch: r.batch,
    epochs: run.epochs ?? r.epochs,
    loss: r.loss,
    lrDrops: r.lrDrops,
    stopAtTrainError: r.stopAtTrainError ?? null,
    weightDecay: r.weightDecay,
    init: r.init,
    firstInit: r.firstInit ?? r.init,
    feedbackInit: r.feedbackInit,
    feedbackAt: r.feedbackAt,
    shift: r.shift,
    trainSamples: run.trainSamples ?? null,
  };
}

/**
 * Whether two cells' settings are the same (compared field by field, in a fixed order); a cell
 * without settings (`a` undefined) is like no other.
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
 * import { cellSettings, sameSettings } from "./cells.ts";
 * const s = cellSettings(exp, exp.rows[0], "bp");
 * assertEquals(sameSettings({ ...s }, s), true);
 * assertEquals(sameSettings(cellSettings(exp, exp.rows[0], "bp", { trainSamples: 500 }), s), false);
 * assertEquals(sameSettings(undefined, s), false);
 * ```
 */
export function sameSettings(a: CellSettings | undefined, b: CellSettings): boolean {
  if (!a) return false;
  const keys = Object.keys(b) as (keyof CellSettings)[];
  return Object.keys(a).length === keys.length &&
    keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

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
    return list;
  };
  const seedList = items("seeds", seeds);
  if (seedList?.some((s) => !/^\d+$/.test(s))) {
    throw new ExperimentFileError(`--seeds must be whole numbers ≥ 0: ${seeds}`);
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
 *   or a seed is not a whole number ≥ 0: the message says which.
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
  return rows.flatMap((row) =>
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
