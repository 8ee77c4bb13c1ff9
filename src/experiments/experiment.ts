// An experiment file: a grid of networks (rows) × rules × seeds under a recipe, with the published
// figure of each cell. Read from JSON, checked field by field (one line naming the field), and
// expanded: a recipe field given as a list (a sweep) makes one row per value.
import {
  type Activation,
  type FeedbackPoint,
  type Init,
  type Loss,
  networkConfig,
  type OptimizerName,
  parseArchitecture,
  type Rule,
  RULES,
} from "../../mod.ts";

/** A mistake in an experiment file: the message names the file, the field and the reason. */
export class ExperimentFileError extends Error {
  override name = "ExperimentFileError";
}

/** How a cell is trained. Every field changes the result, so every field is part of its identity. */
export interface Recipe {
  optimizer: OptimizerName;
  lr: number;
  /** RMSprop's decay of its squared-gradient average (absent: the optimiser's default). */
  rho?: number;
  batch: number;
  epochs: number;
  /** Output layer and loss. */
  loss: Loss;
  /** Where the learning rate is divided by 10, as fractions of the epochs (none: constant). */
  lrDrops: number[];
  /** Stop once the running mean training error is at or below this (absent: never). */
  stopAtTrainError?: number;
  /** L2 weight decay a sample (multiplied by the batch: the loss is the batch's sum). */
  weightDecay: number;
  /** Forward weights. */
  init: Init;
  /** The first layer's forward weights (absent: `init`). */
  firstInit?: Init;
  feedbackInit: "uniform" | "normal";
  /** Where the direct rules' feedback enters: each layer's output, or each block's. */
  feedbackAt: FeedbackPoint;
  /** Training images moved by up to this many random pixels (0: no augmentation). */
  shift: number;
  /** Where a setting comes from, in words, by field (shown in the recipe's text, not identity). */
  notes?: Record<string, string>;
}

/** A published figure: test error (%), where it comes from, and whether it was seen there. */
export interface Published {
  value: number;
  source: string;
  /** Seen in the source (true), or recalled (false). */
  seen: boolean;
}

/** One row of an experiment after expansion: a network, its rules and its recipe overrides. */
export interface ExperimentRow {
  name: string;
  arch: string;
  activation: Activation;
  input: [number, number, number];
  rules: Rule[];
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
  name: string;
  title: string;
  /** Where the published figures come from (by default), and whether they were seen there. */
  source: string;
  seen: boolean;
  /** Each image's channels, height and width (a row may have its own). */
  input: [number, number, number];
  rules: Rule[];
  seeds: number[];
  /** The file's recipe, its sweeps left out (each row has their values in `fileRecipe`). */
  recipe: Recipe;
  ruleRecipes: Partial<Record<Rule, Partial<Recipe>>>;
  rows: ExperimentRow[];
}

const OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adam"] as const;
const LOSSES = ["bce", "ce", "mse"] as const;
const INITS = ["normal", "zeros", "uniform", "xavier", "he"] as const;
const ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear"] as const;

type Check = (v: unknown, at: string) => unknown;
const fail = (at: string, why: string, v?: unknown): never => {
  throw new ExperimentFileError(`${at}: ${why}${v === undefined ? "" : `: ${JSON.stringify(v)}`}`);
};
const num = (lo: number, hi: number, open = false): Check => (v, at) =>
  typeof v === "number" && Number.isFinite(v) && (open ? v > lo : v >= lo) && v <= hi ? v : fail(
    at,
    `must be a number ${open ? ">" : "≥"} ${lo}${hi < Infinity ? ` and ≤ ${hi}` : ""}`,
    v,
  );
const int = (lo: number, hi: number): Check => (v, at) =>
  Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi
    ? v
    : fail(at, `must be a whole number from ${lo} to ${hi}`, v);
const oneOf = (names: readonly string[]): Check => (v, at) =>
  typeof v === "string" && names.includes(v)
    ? v
    : fail(at, `must be one of ${names.join(", ")}`, v);
const str: Check = (v, at) =>
  typeof v === "string" && v.trim() !== "" && ![...v].some((c) => c < " " || c === "\x7f")
    ? v
    : fail(at, "must be a non-empty string of one line", v);
const list = (item: Check, min = 0): Check => (v, at) =>
  Array.isArray(v) && v.length >= min
    ? v.map((x, i) => item(x, `${at}[${i}]`))
    : fail(at, `must be a list${min ? ` of at least ${min}` : ""}`, v);

/** The recipe's fields and their checks (lrDrops is itself a list: its sweeps are lists of lists). */
const RECIPE: Record<keyof Recipe, Check> = {
  optimizer: oneOf(OPTIMIZERS),
  lr: num(0, 1e3, true),
  rho: num(0, 1, true),
  batch: int(1, 1 << 20),
  epochs: int(1, 100_000),
  loss: oneOf(LOSSES),
  lrDrops: list(num(0, 1, true)),
  stopAtTrainError: num(0, 1),
  weightDecay: num(0, 1e3),
  init: oneOf(INITS),
  firstInit: oneOf(INITS),
  feedbackInit: oneOf(["uniform", "normal"]),
  feedbackAt: oneOf(["layer", "block"]),
  shift: int(0, 64),
  notes: (v, at) => {
    const o = object(v, at);
    for (const [k, text] of Object.entries(o)) {
      if (!(k in RECIPE) || k === "notes") fail(`${at}.${k}`, "names no field of the recipe");
      str(text, `${at}.${k}`);
    }
    return o;
  },
};
const REQUIRED: (keyof Recipe)[] = ["optimizer", "lr", "batch", "epochs", "loss"];
const DEFAULTS: Partial<Recipe> = {
  lrDrops: [],
  weightDecay: 0,
  init: "uniform",
  feedbackInit: "uniform",
  feedbackAt: "layer",
  shift: 0,
};

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(at, "must be an object", v);
  return v as Record<string, unknown>;
}

/** Checks an object's keys: each known, the required ones present. */
function keys(o: Record<string, unknown>, at: string, known: string[], required: string[] = []) {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      fail(`${at}${at ? "." : ""}${k}`, `unknown key (known: ${known.join(", ")})`);
    }
  }
  for (const k of required) if (!(k in o)) fail(`${at}${at ? "." : ""}${k}`, "missing");
}

/** Whether a recipe field's value is a sweep (a list of values). */
const isSweep = (field: string, v: unknown) =>
  Array.isArray(v) && (field !== "lrDrops" || v.some(Array.isArray));

/** A partial recipe, checked; with `sweeps`, a field may be a list of values. */
function partialRecipe(v: unknown, at: string, sweeps: boolean): Record<string, unknown> {
  const o = object(v, at);
  keys(o, at, Object.keys(RECIPE));
  for (const [k, value] of Object.entries(o)) {
    const check = RECIPE[k as keyof Recipe], f = `${at}.${k}`;
    if (!isSweep(k, value)) check(value, f);
    else if (!sweeps) fail(f, "a sweep (a list of values) belongs in the file's or a row's recipe");
    else list(check, 1)(value, f);
  }
  return o;
}

function ruleRecipes(v: unknown, at: string): Partial<Record<Rule, Partial<Recipe>>> {
  const o = object(v ?? {}, at);
  keys(o, at, [...RULES]);
  for (const [rule, r] of Object.entries(o)) partialRecipe(r, `${at}.${rule}`, false);
  return o as Partial<Record<Rule, Partial<Recipe>>>;
}

/** Every combination of the swept fields' values, in the order the fields appear. */
function combinations(sweeps: [string, unknown[]][]): Record<string, unknown>[] {
  return sweeps.reduce<Record<string, unknown>[]>(
    (acc, [field, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [field]: v }))),
    [{}],
  );
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
    try {
      json = JSON.parse(text);
    } catch (error) {
      fail("(file)", `not JSON (${(error as Error).message})`);
    }
    return experimentFrom(json);
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
  const name = str(o.name, "name") as string;
  if (o.about !== undefined) str(o.about, "about");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    fail("name", "must be letters, digits, '.', '_' or '-' (it names the results' files)", name);
  }
  const pub = object(o.published ?? {}, "published");
  keys(pub, "published", ["source", "seen"]);
  const source = pub.source === undefined ? "" : str(pub.source, "published.source") as string;
  if (pub.seen !== undefined && typeof pub.seen !== "boolean") {
    fail("published.seen", "must be true or false", pub.seen);
  }
  const input = (o.input === undefined ? [1, 28, 28] : list(int(1, 4096), 3)(o.input, "input")) as [
    number,
    number,
    number,
  ];
  if (input.length !== 3) fail("input", "must be [channels, height, width]", input);
  const rules = list(oneOf(RULES), 1)(o.rules, "rules") as Rule[];
  const seeds =
    (o.seeds === undefined ? [1] : list(int(0, 2 ** 31 - 1), 1)(o.seeds, "seeds")) as number[];
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
  const names = exp.rows.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail("rows", "two rows have the same name", twice);
  return exp;
}

/** One row of the file: checked, then one row per combination of the sweeps it sees. */
function expandRow(
  exp: Experiment,
  fileRecipe: Record<string, unknown>,
  v: unknown,
  at: string,
): ExperimentRow[] {
  const o = object(v, at);
  const known = ["name", "about", "arch", "activation", "input", "rules", "recipe", "ruleRecipes"];
  keys(o, at, [...known, "published"], ["name", "arch"]);
  if (o.about !== undefined) str(o.about, `${at}.about`);
  const rowRecipe = partialRecipe(o.recipe ?? {}, `${at}.recipe`, true);
  const rules = o.rules === undefined ? exp.rules : list(oneOf(RULES), 1)(o.rules, `${at}.rules`);
  const input = o.input === undefined ? exp.input : list(int(1, 4096), 3)(o.input, `${at}.input`);
  if ((input as number[]).length !== 3) fail(`${at}.input`, "must be [channels, height, width]");
  const base: Omit<ExperimentRow, "fileRecipe"> = {
    name: str(o.name, `${at}.name`) as string,
    arch: str(o.arch, `${at}.arch`) as string,
    activation:
      (o.activation === undefined
        ? "tanh"
        : oneOf(ACTIVATIONS)(o.activation, `${at}.activation`)) as Activation,
    input: input as [number, number, number],
    rules: rules as Rule[],
    published: published(exp, o.published, `${at}.published`),
    recipe: {},
    ruleRecipes: ruleRecipes(o.ruleRecipes, `${at}.ruleRecipes`),
  };
  for (const rule of Object.keys(base.published)) {
    if (!base.rules.includes(rule as Rule)) {
      fail(`${at}.published.${rule}`, `the row does not run ${rule} (${base.rules.join(", ")})`);
    }
  }
  // The sweeps this row sees: the file's fields the row does not set, then the row's own.
  const sweeps = [
    ...Object.entries(fileRecipe).filter(([k, x]) => isSweep(k, x) && !(k in rowRecipe)),
    ...Object.entries(rowRecipe).filter(([k, x]) => isSweep(k, x)),
  ] as [string, unknown[]][];
  return combinations(sweeps).map((choice) => {
    const fromFile = Object.entries(choice).filter(([k]) => !(k in rowRecipe));
    const row: ExperimentRow = {
      ...base,
      name: [base.name, ...Object.entries(choice).map(([k, x]) => sweepLabel(k, x))].join(", "),
      // A file-level sweep's value ranks as the file's own would: under the rule overrides.
      fileRecipe: { ...exp.recipe, ...Object.fromEntries(fromFile) },
      recipe: {
        ...stripSweeps(rowRecipe),
        ...Object.fromEntries(Object.entries(choice).filter(([k]) => k in rowRecipe)),
      },
    };
    checkRow(exp, row, at);
    return row;
  });
}

function stripSweeps(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => !isSweep(k, v)));
}

function published(
  exp: Experiment,
  v: unknown,
  at: string,
): Partial<Record<Rule, Published>> {
  const o = object(v ?? {}, at);
  keys(o, at, [...RULES]);
  return Object.fromEntries(
    Object.entries(o).map(([rule, p]) => {
      const f = `${at}.${rule}`;
      if (typeof p === "number") {
        return [rule, { value: num(0, 100)(p, f) as number, source: exp.source, seen: exp.seen }];
      }
      const q = object(p, f);
      keys(q, f, ["value", "source", "seen"], ["value"]);
      if (q.seen !== undefined && typeof q.seen !== "boolean") {
        fail(`${f}.seen`, "must be true or false", q.seen);
      }
      return [rule, {
        value: num(0, 100)(q.value, `${f}.value`) as number,
        source: q.source === undefined ? exp.source : str(q.source, `${f}.source`) as string,
        seen: q.seen === undefined ? exp.seen : q.seen as boolean,
      }];
    }),
  );
}

/** Each of the row's cells: a full recipe, an architecture that fits, a rule that trains it. */
function checkRow(exp: Experiment, row: ExperimentRow, at: string): void {
  let arch;
  try {
    arch = parseArchitecture(row.arch, row.input, 10, row.activation);
  } catch (error) {
    fail(`${at}.arch`, (error as Error).message);
  }
  for (const rule of row.rules) {
    const r = cellRecipe(exp, row, rule);
    try {
      networkConfig({ ...arch!, rule, loss: r.loss, feedbackAt: r.feedbackAt });
    } catch (error) {
      fail(`${at}.rules`, `${rule} cannot train ${row.arch}: ${(error as Error).message}`);
    }
    if (r.shift >= Math.min(row.input[1], row.input[2])) {
      fail(at, `${rule}'s shift must be smaller than the image (${row.input.join("×")})`, r.shift);
    }
  }
}
