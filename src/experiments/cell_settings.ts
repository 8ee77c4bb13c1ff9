// What makes a cell's result, besides its rule and seed: its settings, the recipe of its row
// and rule merged with the run's overrides. Two cells are the same only when all of them are.
import type { Rule } from "../../mod.ts";
import { cellRecipe, type Experiment, type ExperimentRow, type Recipe } from "./experiment.ts";

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
 * import { cellSettings } from "./cell_settings.ts";
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
 * import { cellSettings, sameSettings } from "./cell_settings.ts";
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
