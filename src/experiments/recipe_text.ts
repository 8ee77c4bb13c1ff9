// A cell's recipe in words, as the Markdown tables and the results files show it: "RMSprop lr 1e-4
// (ρ 0.99, Torch's default), batch 64, sigmoid outputs with binary cross-entropy, …".
import { cellRecipe, type Experiment, type ExperimentRow, formatNumber } from "./experiment.ts";
import type { Recipe } from "./experiment.ts";
import type { Rule } from "../../mod.ts";

const OPTIMIZER_NAMES = {
  sgd: "SGD",
  momentum: "SGD with momentum",
  rmsprop: "RMSprop",
  adam: "Adam",
} as const;
const LOSS_NAMES = {
  bce: "sigmoid outputs with binary cross-entropy",
  ce: "softmax outputs with cross-entropy",
  mse: "linear outputs with squared error",
} as const;

/** "a", "a and b", "a, b and c". */
const and = (parts: string[]) =>
  parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
const percent = (f: number) => `${Number((100 * f).toPrecision(6))} %`;

/**
 * The training recipe in words (optimiser, schedule, weight decay, batch, loss, stopping rule),
 * each setting followed by its note.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { recipeText } from "./recipe_text.ts";
 * const text = recipeText({
 *   optimizer: "adam", lr: 1e-3, batch: 64, epochs: 30, loss: "ce", lrDrops: [0.5, 0.75],
 *   weightDecay: 0, init: "uniform", feedbackInit: "uniform", feedbackAt: "layer", shift: 0,
 * });
 * assertEquals(text, "Adam lr 1e-3 divided by 10 at 50 % and 75 % of the epochs, batch 64, " +
 *   "softmax outputs with cross-entropy");
 * ```
 *
 * @param r The recipe.
 * @returns Its text.
 */
export function recipeText(r: Recipe): string {
  const note = (field: keyof Recipe, inside = false) => {
    const n = r.notes?.[field];
    return n ? (inside ? `, ${n}` : ` (${n})`) : "";
  };
  const rho = r.rho === undefined ? "" : ` (ρ ${formatNumber(r.rho)}${note("rho", true)})`;
  const drops = r.lrDrops.length
    ? ` divided by 10 at ${and(r.lrDrops.map(percent))} of the epochs${note("lrDrops")}`
    : "";
  const parts = [
    `${OPTIMIZER_NAMES[r.optimizer]} lr ${formatNumber(r.lr)}${note("lr")}${rho}${drops}`,
    ...(r.weightDecay
      ? [`L2 weight decay ${formatNumber(r.weightDecay)} a sample${note("weightDecay")}`]
      : []),
    `batch ${r.batch}${note("batch")}`,
    `${LOSS_NAMES[r.loss]}${note("loss")}`,
  ];
  if (r.stopAtTrainError !== undefined) {
    parts.push(
      `stopped once the running mean training error is ≤ ${percent(r.stopAtTrainError)}${
        note("stopAtTrainError")
      }`,
    );
  }
  return parts.join(", ");
}

/** What a recipe's network settings add in words: first-layer weights, shifts, feedback point. */
export function recipeAdditions(r: Recipe): string {
  const first = firstLayerApart(r);
  return [...(first ? [first] : []), ...dataAndFeedback(r)].join(", ");
}

/** The weights' initialisation in words when the first layer's differs (else undefined). */
const firstLayerApart = (r: Recipe) =>
  r.firstInit && r.firstInit !== r.init
    ? `first layer's weights ${r.firstInit}, the others ${r.init}`
    : undefined;

/** Shifted training images and the feedback point, in words (none when neither is set). */
function dataAndFeedback(r: Recipe): string[] {
  return [
    ...(r.shift ? [`training images moved by up to ${r.shift} random pixels`] : []),
    ...(r.feedbackAt === "block" ? ["feedback at each block's output (after pooling)"] : []),
  ];
}

/** The recipe of a rule's cells in words, as the file sets it for every row (none of a row's). */
export function ruleRecipeText(exp: Experiment, rule: Rule): string {
  return recipeText(ruleRecipe(exp, rule));
}

/** The recipe the file gives a rule's cells before any row's own settings. */
function ruleRecipe(exp: Experiment, rule: Rule): Recipe {
  return cellRecipe(exp, { ...exp.rows[0], recipe: {}, ruleRecipes: {} }, rule);
}

/** The network settings of a recipe in words: the weights' initialisation, shifts, feedback point. */
function settingsParts(r: Recipe): string[] {
  return [firstLayerApart(r) ?? `weights ${r.init}`, ...dataAndFeedback(r)];
}

/**
 * The network settings the file gives a rule's cells for every row, in words: the weights'
 * initialisation (always), shifted training images, the feedback point.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadExperiment, ruleSettingsText } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * assertEquals(ruleSettingsText(table, "bp"), "weights uniform");
 * assertEquals(ruleSettingsText(table, "fa"), "first layer's weights uniform, the others zeros");
 * assertEquals(ruleSettingsText(table, "dfa"), "weights zeros");
 * ```
 */
export function ruleSettingsText(exp: Experiment, rule: Rule): string {
  return settingsParts(ruleRecipe(exp, rule)).join(", ");
}

/** What a row's own settings add, in words, to a rule's caption ("" for nothing). */
export function rowAdditions(exp: Experiment, row: ExperimentRow, rule: Rule): string {
  const base = settingsParts(ruleRecipe(exp, rule));
  return settingsParts(cellRecipe(exp, row, rule)).filter((p) => !base.includes(p)).join(", ");
}

/** The recipe of one cell in words: the training recipe, then what its network settings add. */
export function cellText(exp: Experiment, row: ExperimentRow, rule: Rule): string {
  const r = cellRecipe(exp, row, rule), extra = recipeAdditions(r);
  return extra ? `${recipeText(r)}, ${extra}` : recipeText(r);
}
