// An experiment file: a grid of networks (rows) × rules × seeds under a recipe, with the published
// figure of each cell. Read from JSON, checked field by field (one line naming the field), and
// expanded: a recipe field given as a list (a sweep) makes one row per value.
export { ExperimentFileError } from "./experiment_checks.ts";
import { duplicateKey } from "./duplicate_keys.ts";
import { expandRow, stripSweeps } from "./experiment_rows.ts";
import {
  DEFAULTS,
  distinct,
  ExperimentFileError,
  fail,
  imageShape,
  int,
  keys,
  list,
  object,
  oneOf,
  partialRecipe,
  REQUIRED,
  ruleRecipes,
  shortName,
  str,
} from "./experiment_checks.ts";
import { type Activation, type Init, type Loss, type Rule, RULES } from "../../mod.ts";
import type { FeedbackPoint } from "../model/mod.ts";
import type { OptimizerName } from "../train/mod.ts";

/** How a cell is trained. Every field changes the result, so every field is part of its identity. */
export interface Recipe {
  /** The optimiser: "sgd", "momentum", "rmsprop" or "adam" (required). */
  optimizer: OptimizerName;
  /** The learning rate before any drop, > 0 (required). */
  lr: number;
  /** RMSprop's decay of its squared-gradient average (absent: the optimiser's default). */
  rho?: number;
  /** Samples a mini-batch (required). */
  batch: number;
  /** The budget of epochs: passes over the training images (required). */
  epochs: number;
  /** Output layer and loss: "bce", "ce" or "mse" (required). */
  loss: Loss;
  /** Where the learning rate is divided by 10, as fractions of the epochs (default none: constant). */
  lrDrops: number[];
  /** Stop once the running mean training error is at or below this (absent: never). */
  stopAtTrainError?: number;
  /** L2 weight decay a sample (multiplied by the batch: the loss is the batch's sum; default 0). */
  weightDecay: number;
  /** The forward weights' initialisation (default "uniform"). */
  init: Init;
  /** The first layer's forward weights (absent: `init`). */
  firstInit?: Init;
  /** The distribution the fixed random feedback matrices are drawn from (default "uniform"). */
  feedbackInit: "uniform" | "normal";
  /** Where the direct rules' feedback enters: each layer's output, or each block's (default "layer"). */
  feedbackAt: FeedbackPoint;
  /** Training images moved by up to this many random pixels (default 0: no augmentation). */
  shift: number;
  /** Where a setting comes from, in words, by field (shown in the recipe's text, not identity). */
  notes?: Record<string, string>;
}

/** A published figure: test error (%), where it comes from, and whether it was seen there. */
export interface Published {
  /** The published test error, in percent (0 to 100). */
  value: number;
  /** Where it comes from (default: the file's `published.source`). */
  source: string;
  /** Seen in the source (true), or recalled (false). */
  seen: boolean;
}

/** One row of an experiment after expansion: a network, its rules and its recipe overrides. */
export interface ExperimentRow {
  /** The row's name, with the values of its sweeps ("1×20 tanh, lr 1e-3"); unique in the file. */
  name: string;
  /** The network, as `parseArchitecture` reads it ("fc:800", "fc:240x3"). */
  arch: string;
  /** The hidden layers' activation (default "tanh"). */
  activation: Activation;
  /** Each image's channels, height and width (default: the file's `input`). */
  input: [number, number, number];
  /** The rules the row trains (default: the file's). */
  rules: Rule[];
  /** The published figure of each rule that has one. */
  published: Partial<Record<Rule, Published>>;
  /** The file's recipe, with the values of the file's sweeps this row stands for. */
  fileRecipe: Recipe;
  /** The row's own recipe over the file's, with the values of its sweeps. */
  recipe: Partial<Recipe>;
  /** Overrides of the recipe by rule, the row's over the file's. */
  ruleRecipes: Partial<Record<Rule, Partial<Recipe>>>;
}

/** An experiment: its name (the results' file name), rows, rules, recipe and seeds. */
export interface Experiment {
  /** Letters, digits, '.', '_' or '-': it names the results' files (OUT/NAME.json, OUT/NAME.md). */
  name: string;
  /** The title of its tables and report (default: its name). */
  title: string;
  /** Where the published figures come from (by default), and whether they were seen there. */
  source: string;
  /** Whether the published figures were seen in their source (true) or recalled (false, default). */
  seen: boolean;
  /** Each image's channels, height and width (a row may have its own; default [1, 28, 28]). */
  input: [number, number, number];
  /** The rules every row trains unless it names its own. */
  rules: Rule[];
  /** The seeds of each cell (default [1]); one cell a row, rule and seed. */
  seeds: number[];
  /** The file's recipe, its sweeps left out (each row has their values in `fileRecipe`). */
  recipe: Recipe;
  /** The file's overrides of its recipe by rule. */
  ruleRecipes: Partial<Record<Rule, Partial<Recipe>>>;
  /** The rows, sweeps expanded (one row per combination of swept values), in the file's order. */
  rows: ExperimentRow[];
}

/** A swept value in a row's name: "lr 3e-4", "lrDrops 0.5/0.75". *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sweepLabel } from "./experiment.ts";
 * assertEquals([sweepLabel("lr", 3e-4), sweepLabel("lrDrops", [0.5, 0.75])], ["lr 3e-4", "lrDrops 0.5/0.75"]);
 * ```
 */
export function sweepLabel(field: string, v: unknown): string {
  const text = (x: unknown) => (typeof x === "number" ? formatNumber(x) : String(x));
  return `${field} ${Array.isArray(v) ? v.map(text).join("/") || "none" : text(v)}`;
}

/** A number as the recipe writes it: 1e-4, 3e-4, 0.5, 64. *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatNumber } from "./experiment.ts";
 * assertEquals([1e-4, 3e-4, 0.5, 64].map(formatNumber), ["1e-4", "3e-4", "0.5", "64"]);
 * ```
 */
export function formatNumber(v: number): string {
  const r = Number(v.toPrecision(6));
  return r !== 0 && Math.abs(r) < 0.01 ? r.toExponential() : String(r);
}

/**
 * The recipe of one cell: the file's, then the file's for the rule, the row's, the row's for the
 * rule (each over the one before).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cellRecipe, parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   ruleRecipes: { dfa: { init: "zeros" } },
 *   rows: [{ name: "a", arch: "fc:20", recipe: { batch: 64 } }],
 * }), "mine.json");
 * const dfa = cellRecipe(exp, exp.rows[0], "dfa");
 * assertEquals([dfa.init, dfa.batch, cellRecipe(exp, exp.rows[0], "bp").init], ["zeros", 64, "uniform"]);
 * ```
 */
export function cellRecipe(exp: Experiment, row: ExperimentRow, rule: Rule): Recipe {
  const layers = [row.fileRecipe, exp.ruleRecipes[rule], row.recipe, row.ruleRecipes[rule]];
  const notes = Object.assign({}, ...layers.map((l) => l?.notes ?? {}));
  const merged = Object.assign({}, ...layers) as Recipe;
  return Object.keys(notes).length ? { ...merged, notes } : merged;
}

/**
 * Reads an experiment from a file's text: checks every field (unknown keys, types, ranges, that
 * each architecture fits its input and each rule can train its layers) and expands sweeps.
 *
 * @throws {ExperimentFileError} The first mistake, in one line naming the file and the field.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { ExperimentFileError, parseExperiment } from "./experiment.ts";
 * const text = JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   recipe: { optimizer: "adam", lr: [1e-3, 3e-4], batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "1×20 tanh", arch: "fc:20" }],
 * });
 * const exp = parseExperiment(text, "mine.json");
 * assertEquals(exp.rows.map((r) => r.name), ["1×20 tanh, lr 1e-3", "1×20 tanh, lr 3e-4"]);
 * assertThrows(
 *   () => parseExperiment(text.replace('"batch":32', '"batch":"big"'), "mine.json"),
 *   ExperimentFileError,
 *   "Cannot read the experiment mine.json: recipe.batch: must be a whole number",
 * );
 * ```
 */
export function parseExperiment(text: string, file: string): Experiment {
  try {
    let json: unknown;
    const body = text.replace(/^\uFEFF/, ""); // a byte-order mark is no mistake
    try {
      json = JSON.parse(body);
    } catch (error) {
      fail("(file)", `not JSON (${(error as Error).message})`);
    }
    const experiment = experimentFrom(json); // its shape checked: no deep nesting left to walk
    const twice = duplicateKey(body);
    if (twice !== undefined) fail(twice, "given twice (JSON would keep only the last)");
    return experiment;
  } catch (error) {
    if (error instanceof ExperimentFileError) {
      throw new ExperimentFileError(`Cannot read the experiment ${file}: ${error.message}`);
    }
    throw error;
  }
}

function experimentFrom(json: unknown): Experiment {
  const o = object(json, "(file)");
  const top = [
    "name",
    "title",
    "about",
    "published",
    "input",
    "rules",
    "seeds",
    "recipe",
    "ruleRecipes",
  ];
  keys(o, "", [...top, "rows"], ["name", "rules", "recipe", "rows"]);
  const name = shortName(o.name, "name") as string;
  if (o.about !== undefined) str(o.about, "about");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    fail("name", "must be letters, digits, '.', '_' or '-' (it names the results' files)", name);
  }
  const pub = object(o.published === undefined ? {} : o.published, "published");
  keys(pub, "published", ["source", "seen"]);
  const source = pub.source === undefined ? "" : str(pub.source, "published.source") as string;
  if (pub.seen !== undefined && typeof pub.seen !== "boolean") {
    fail("published.seen", "must be true or false", pub.seen);
  }
  const input = (o.input === undefined ? [1, 28, 28] : imageShape(o.input, "input")) as [
    number,
    number,
    number,
  ];
  const rules = distinct(oneOf(RULES))(o.rules, "rules") as Rule[];
  const seeds =
    (o.seeds === undefined ? [1] : distinct(int(0, 2 ** 31 - 1))(o.seeds, "seeds")) as number[];
  const recipe = partialRecipe(o.recipe, "recipe", true);
  for (const k of REQUIRED) if (!(k in recipe)) fail(`recipe.${k}`, "missing");
  const byRule = ruleRecipes(o.ruleRecipes, "ruleRecipes");
  const exp: Experiment = {
    name,
    title: o.title === undefined ? name : str(o.title, "title") as string,
    source,
    seen: pub.seen === true,
    input,
    rules,
    seeds,
    recipe: { ...DEFAULTS, ...stripSweeps(recipe) } as Recipe,
    ruleRecipes: byRule,
    rows: [],
  };
  const rows = list((v) => v, 1)(o.rows, "rows") as unknown[];
  exp.rows = rows.flatMap((r, i) => expandRow(exp, recipe, r, `rows[${i}]`));
  for (const rule of Object.keys(byRule)) {
    if (!exp.rows.some((r) => r.rules.includes(rule as Rule))) {
      fail(`ruleRecipes.${rule}`, "no row runs this rule");
    }
  }
  const names = exp.rows.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) {
    fail(
      "rows",
      "two rows have the same name (a sweep's values must differ within 6 digits)",
      twice,
    );
  }
  return exp;
}
