/**
 * Validation of a training checkpoint's state, as `train` takes it to resume and as a checkpoint
 * file holds it: a file edited or damaged is refused naming the field, before anything resumes.
 *
 * @module
 */

import type { RngState } from "../tensor/random.ts";
import type { EarlyStoppingState } from "./early_stopping.ts";
import type { TrainCheckpoint } from "./checkpoint.ts";
import type { EpochStats } from "./train_options.ts";

/** Whether `v` is a generator's state. */
const isState = (v: unknown): v is RngState => {
  const s = v as RngState;
  return s !== null && typeof s === "object" && Array.isArray(s.words) && s.words.length === 4 &&
    s.words.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32) &&
    s.words.some((x) => x !== 0) && (s.spare === null || Number.isFinite(s.spare));
};
/** Whether `v` is a whole number in [0, max]. */
export const isCount = (v: unknown, max = Infinity) =>
  typeof v === "number" && Number.isSafeInteger(v) && 0 <= v && v <= max;
const isError = (v: unknown) => typeof v === "number" && v >= 0 && v <= 1;

/**
 * What is wrong with the state a checkpoint and its saved JSON share, or undefined when nothing.
 *
 * @param c The state.
 * @returns The problem, naming the field.
 */
export function stateProblem(c: Record<string, unknown>): string | undefined {
  const { epoch, history, early } = c;
  if (!isCount(epoch) || (epoch as number) < 1) {
    return `'epoch' must be a whole number of epochs ≥ 1: ${JSON.stringify(epoch)}`;
  }
  if (!Array.isArray(history) || history.length !== epoch) {
    return `'history' must list the ${epoch} epochs done: ${
      Array.isArray(history) ? `${history.length} entries` : JSON.stringify(history)
    }`;
  }
  const bad = history.findIndex((e: EpochStats, i) =>
    e === null || typeof e !== "object" || e.epoch !== i + 1 || typeof e.loss !== "number" ||
    !isError(e.trainError) || typeof e.seconds !== "number"
  );
  if (bad >= 0) {
    return `'history' entry ${bad + 1} is not epoch ${bad + 1}'s statistics: ${
      JSON.stringify(history[bad])?.slice(0, 80)
    }`;
  }
  if (!isError(c.errorMean)) return `'errorMean' must be in [0, 1]: ${c.errorMean}`;
  if (!isError(c.previousError) && !Number.isNaN(c.previousError)) {
    return `'previousError' must be in [0, 1]: ${c.previousError}`;
  }
  if (!isState(c.shuffle)) return `'shuffle' is not a generator's state`;
  if (!Array.isArray(c.generators) || !c.generators.every(isState)) {
    return `'generators' must be a list of generators' states`;
  }
  if (c.augment !== undefined && !isState(c.augment)) return `'augment' is not a generator's state`;
  if (early !== undefined) {
    const e = early as EarlyStoppingState;
    if (
      e === null || typeof e !== "object" || !isCount(e.bestEpoch, epoch as number) ||
      !(isError(e.bestError) || e.bestError === Infinity)
    ) {
      return `'early' must hold a best epoch up to ${epoch} and its error: ${
        JSON.stringify(early)?.slice(0, 80)
      }`;
    }
  }
  return undefined;
}

/**
 * Validates a checkpoint as {@linkcode train} takes it in `resume`: a whole number of epochs done
 * and as many epochs of statistics, running values in range, generators' states, the optimiser's
 * state as lists of slots.
 *
 * @example
 * ```ts
 * import { checkCheckpoint, type TrainCheckpoint } from "./mod.ts";
 * import { assertThrows } from "@std/assert";
 * const edited = { epoch: -1, history: [] } as unknown as TrainCheckpoint;
 * assertThrows(() => checkCheckpoint(edited, (why) => new RangeError(why)), RangeError, "'epoch'");
 * ```
 *
 * @param c The checkpoint.
 * @param fail Makes the error to throw from what is wrong.
 * @throws What `fail` makes, when the checkpoint is not whole.
 */
export function checkCheckpoint(c: TrainCheckpoint, fail: (why: string) => Error): void {
  if (c === null || typeof c !== "object") throw fail(`is not a checkpoint: ${c}`);
  const why = stateProblem(c as unknown as Record<string, unknown>);
  if (why) throw fail(why);
  const { optimizer, early } = c;
  if (
    !Array.isArray(optimizer) ||
    !optimizer.every((o) =>
      o !== null && typeof o === "object" && isCount(o.steps) && Array.isArray(o.slots) &&
      o.slots.every((v) => v instanceof Float32Array)
    )
  ) {
    throw fail(`'optimizer' must list each parameter's steps and slots`);
  }
  if (
    early && (!Array.isArray(early.best) || !early.best.every((v) => v instanceof Float32Array))
  ) {
    throw fail(`'early' must hold the best epoch's parameters`);
  }
}
