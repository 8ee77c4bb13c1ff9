// The checks of an experiment file's values: each a function of the value and the field's path
// ("rows[1].recipe.lr") that returns the value or throws one line naming the field.
import { type Rule, RULES } from "../../mod.ts";
import type { Recipe } from "./experiment.ts";
import { isControl } from "../cli/one_line.ts";

/** A mistake in an experiment file: the message names the file, the field and the reason. */
export class ExperimentFileError extends Error {
  /** The error's name: "ExperimentFileError". */
  override name = "ExperimentFileError";
}

const OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adam"] as const;
const LOSSES = ["bce", "ce", "mse"] as const;
const INITS = ["normal", "zeros", "uniform", "xavier", "he"] as const;
export const ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear"] as const;
/** An image's [channels, height, width]. */
export const imageShape: Check = (v, at) => {
  const s = list(int(1, 4096), 3)(v, at) as number[];
  return s.length === 3 ? s : fail(at, "must be [channels, height, width]", v);
};

export type Check = (v: unknown, at: string) => unknown;
/** A value as the message quotes it: JSON, but for numbers JSON cannot write (1e999: Infinity). */
const quoted = (v: unknown) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
export const fail = (at: string, why: string, v?: unknown): never => {
  throw new ExperimentFileError(`${at}: ${why}${v === undefined ? "" : `: ${quoted(v)}`}`);
};
export const num = (lo: number, hi: number, open = false): Check => (v, at) =>
  typeof v === "number" && Number.isFinite(v) && (open ? v > lo : v >= lo) && v <= hi ? v : fail(
    at,
    `must be a number ${open ? ">" : "≥"} ${lo}${hi < Infinity ? ` and ≤ ${hi}` : ""}`,
    v,
  );
export const int = (lo: number, hi: number): Check => (v, at) =>
  Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi
    ? v
    : fail(at, `must be a whole number from ${lo} to ${hi}`, v);
export const oneOf = (names: readonly string[]): Check => (v, at) =>
  typeof v === "string" && names.includes(v)
    ? v
    : fail(at, `must be one of ${names.join(", ")}`, v);
export const str: Check = (v, at) =>
  typeof v === "string" && v.trim() !== "" && ![...v].some(isControl)
    ? v
    : fail(at, "must be a non-empty string of one line", v);
/** A name that ends up in file names (a row's in its cells' directories): at most 100 characters. */
export const shortName: Check = (v, at) =>
  (str(v, at) as string).length <= 100
    ? v
    : fail(at, `must be at most 100 characters (it names files): ${(v as string).length}`);
/** A list of values none of which is given twice. */
export const distinct = (item: Check, min = 1): Check => (v, at) => {
  const items = list(item, min)(v, at) as unknown[];
  const twice = items.find((x, i) => items.indexOf(x) !== i);
  return twice === undefined ? items : fail(at, "names a value twice", twice);
};
export const list = (item: Check, min = 0): Check => (v, at) =>
  Array.isArray(v) && v.length >= min
    ? v.map((x, i) => item(x, `${at}[${i}]`))
    : fail(at, `must be a list${min ? ` of at least ${min}` : ""}`, v);

/** The recipe's fields and their checks (lrDrops is itself a list: its sweeps are lists of lists). */
const RECIPE: Record<keyof Recipe, Check> = {
  optimizer: oneOf(OPTIMIZERS),
  lr: num(0, 1e3, true),
  rho: (v, at) =>
    typeof v === "number" && v >= 0 && v < 1 ? v : fail(at, "must be a number ≥ 0 and < 1", v),
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
      if (!Object.hasOwn(RECIPE, k) || k === "notes") {
        fail(`${at}.${k}`, "names no field of the recipe");
      }
      str(text, `${at}.${k}`);
    }
    return o;
  },
};
export const REQUIRED: (keyof Recipe)[] = ["optimizer", "lr", "batch", "epochs", "loss"];
export const DEFAULTS: Partial<Recipe> = {
  lrDrops: [],
  weightDecay: 0,
  init: "uniform",
  feedbackInit: "uniform",
  feedbackAt: "layer",
  shift: 0,
};

export function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(at, "must be an object", v);
  return v as Record<string, unknown>;
}

/** Checks an object's keys: each known, the required ones present. */
export function keys(
  o: Record<string, unknown>,
  at: string,
  known: string[],
  required: string[] = [],
) {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      fail(`${at}${at ? "." : ""}${k}`, `unknown key (known: ${known.join(", ")})`);
    }
  }
  for (const k of required) {
    if (!Object.hasOwn(o, k)) fail(`${at}${at ? "." : ""}${k}`, "missing");
  }
}

/** Whether a recipe field's value is a sweep (a list of values). */
export const isSweep = (field: string, v: unknown) =>
  Array.isArray(v) && field !== "notes" && (field !== "lrDrops" || v.some(Array.isArray));

/** A partial recipe, checked; with `sweeps`, a field may be a list of values. */
export function partialRecipe(v: unknown, at: string, sweeps: boolean): Record<string, unknown> {
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

export function ruleRecipes(v: unknown, at: string): Partial<Record<Rule, Partial<Recipe>>> {
  const o = object(v === undefined ? {} : v, at);
  keys(o, at, [...RULES]);
  for (const [rule, r] of Object.entries(o)) partialRecipe(r, `${at}.${rule}`, false);
  return o as Partial<Record<Rule, Partial<Recipe>>>;
}
