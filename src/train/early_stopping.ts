/**
 * Early stopping on a held-out set: after each epoch the network is evaluated on it; the
 * parameters of the best epoch so far are kept, training stops when `patience` epochs in a row
 * have not beaten it, and the best parameters are put back at the end.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { Network } from "../model/network.ts";

/**
 * Where early stopping is: the best epoch so far, its validation error and its parameters.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { EarlyStoppingState } from "./mod.ts";
 * const none: EarlyStoppingState = { bestEpoch: 0, bestError: Infinity, best: [] };
 * assertEquals(none.bestEpoch, 0);
 * ```
 */
export interface EarlyStoppingState {
  /** The epoch (1-based) with the lowest validation error so far (0 before any). */
  bestEpoch: number;
  /** Its validation error. */
  bestError: number;
  /** Its parameters, one array per network parameter. */
  best: Float32Array[];
}

/**
 * Tracks the best epoch on a validation set.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax } from "../../mod.ts";
 * import { EarlyStopping } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1]]);
 * const net = Network.create({ sizes: [2, 2], seed: 1 });
 * const stop = new EarlyStopping(net, { x: Matrix.from([[1, 0], [0, 1]]), y, labels: rowArgmax(y) }, 3);
 * assertEquals(stop.after(1).stop, false);
 * assertEquals(stop.bestEpoch, 1);
 * ```
 */
export class EarlyStopping {
  /** The epoch (1-based) with the lowest validation error so far (0 before any). */
  bestEpoch = 0;
  /** Its validation error. */
  bestError: number = Infinity;
  #net: Network;
  #data: Dataset;
  #patience: number;
  #best: Float32Array[];

  /**
   * Starts tracking.
   *
   * @param net The network being trained.
   * @param validation The held-out samples.
   * @param patience Epochs without a new best before stopping.
   * @throws {RangeError} When `patience` is not a positive integer.
   */
  constructor(net: Network, validation: Dataset, patience: number) {
    if (!Number.isInteger(patience) || patience < 1) {
      throw new RangeError(`Cannot stop early: patience must be a positive integer: ${patience}`);
    }
    this.#net = net;
    this.#data = validation;
    this.#patience = patience;
    this.#best = net.params.map((p) => p.value.slice());
  }

  /**
   * Evaluates after an epoch, and keeps the parameters when they are the best yet.
   *
   * @param epoch The epoch just finished, 1-based.
   * @returns The validation error, and whether to stop.
   */
  after(epoch: number): { error: number; stop: boolean } {
    const { error } = this.#net.evaluate(this.#data);
    if (error < this.bestError) {
      this.bestError = error;
      this.bestEpoch = epoch;
      this.#net.params.forEach((p, i) => this.#best[i].set(p.value));
    }
    return { error, stop: epoch - this.bestEpoch >= this.#patience };
  }

  /**
   * Where it is now (the best parameters as views, not copies), for a checkpoint.
   *
   * @returns The state.
   */
  state(): EarlyStoppingState {
    return { bestEpoch: this.bestEpoch, bestError: this.bestError, best: this.#best };
  }

  /**
   * Continues from a state taken by {@linkcode EarlyStopping.state} (its arrays copied in).
   *
   * @param state The state.
   * @throws {RangeError} When its arrays do not match the network's parameters.
   */
  setState(state: EarlyStoppingState): void {
    const mine = this.#best;
    if (
      state.best.length !== mine.length || state.best.some((b, i) => b.length !== mine[i].length)
    ) {
      throw new RangeError(
        `Cannot set early stopping's state: expected ${mine.length} parameter arrays of ` +
          `${mine.map((b) => b.length).join(", ")}: ${state.best.map((b) => b.length).join(", ")}`,
      );
    }
    mine.forEach((b, i) => b.set(state.best[i]));
    this.bestEpoch = state.bestEpoch;
    this.bestError = state.bestError;
  }

  /** Puts the best epoch's parameters back into the network. */
  restore(): void {
    this.#net.params.forEach((p, i) => p.value.set(this.#best[i]));
  }
}
