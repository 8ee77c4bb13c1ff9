/**
 * Optimisers that turn a batch's summed gradient into a parameter update: plain SGD (the
 * original's), momentum, RMSprop and Adam. State is allocated on a parameter's first update and
 * reused after, so steps allocate nothing.
 *
 * @module
 */

import { getBlas } from "./blas.ts";

/** The optimisers dfa knows. */
export type OptimizerName = "sgd" | "momentum" | "rmsprop" | "adam";

/** The optimisers dfa knows, for validating user input. */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "rmsprop", "adam"];

/** Settings of an optimiser; each has a sensible default but the learning rate. */
export interface OptimizerOptions {
  /** Which rule. */
  name: OptimizerName;
  /** The learning rate. */
  lr: number;
  /** Momentum coefficient (momentum). Default 0.9. */
  momentum?: number;
  /** Decay of the squared-gradient average (RMSprop). Default 0.9. */
  rho?: number;
  /** Decay of the first moment (Adam). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment (Adam). Default 0.999. */
  beta2?: number;
  /** Added to the denominator (RMSprop, Adam). Default 1e-8. */
  eps?: number;
}

/**
 * Updates parameters from their gradients. Parameters are told apart by a small integer id.
 *
 * @example One SGD step
 * ```ts
 * import { Optimizer } from "../mod.ts";
 * const w = new Float32Array([1, 1]);
 * new Optimizer({ name: "sgd", lr: 0.5 }).update(0, w, new Float32Array([2, -2]));
 * console.log(Array.from(w)); // [0, 2]
 * ```
 */
export class Optimizer {
  /** The settings, defaults filled in. */
  readonly options: Required<OptimizerOptions>;
  #state = new Map<number, Float32Array[]>();
  #steps = new Map<number, number>();

  /**
   * Creates an optimiser.
   *
   * @param options Its settings.
   * @throws {RangeError} When the learning rate is not a positive finite number.
   */
  constructor(options: OptimizerOptions) {
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) {
      throw new RangeError(
        `Cannot create an optimiser: the learning rate must be positive: ${options.lr}`,
      );
    }
    this.options = { momentum: 0.9, rho: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, ...options };
  }

  /** Whether the update is a plain scaled gradient, which the network may fuse into its GEMMs. */
  get isPlainSgd(): boolean {
    return this.options.name === "sgd";
  }

  #slots(id: number, n: number, count: number): Float32Array[] {
    let s = this.#state.get(id);
    if (!s) {
      s = Array.from({ length: count }, () => new Float32Array(n));
      this.#state.set(id, s);
    }
    return s;
  }

  /**
   * Applies one update to `w` from its gradient `g` (which may be overwritten).
   *
   * @param id Which parameter: the same id for the same parameter at every step.
   * @param w The parameter, updated in place.
   * @param g Its gradient.
   */
  update(id: number, w: Float32Array, g: Float32Array): void {
    const { name, lr, momentum, rho, beta1, beta2, eps } = this.options;
    const n = w.length;
    switch (name) {
      case "sgd":
        getBlas().saxpy(n, -lr, g, w);
        return;
      case "momentum": {
        const [v] = this.#slots(id, n, 1);
        for (let i = 0; i < n; i++) {
          v[i] = momentum * v[i] - lr * g[i];
          w[i] += v[i];
        }
        return;
      }
      case "rmsprop": {
        const [s] = this.#slots(id, n, 1);
        const c = 1 - rho;
        for (let i = 0; i < n; i++) {
          const gi = g[i];
          const si = s[i] = rho * s[i] + c * gi * gi;
          w[i] -= lr * gi / (Math.sqrt(si) + eps);
        }
        return;
      }
      case "adam": {
        const [m, v] = this.#slots(id, n, 2);
        const t = (this.#steps.get(id) ?? 0) + 1;
        this.#steps.set(id, t);
        const a = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
        const c1 = 1 - beta1, c2 = 1 - beta2;
        for (let i = 0; i < n; i++) {
          const gi = g[i];
          const mi = m[i] = beta1 * m[i] + c1 * gi;
          const vi = v[i] = beta2 * v[i] + c2 * gi * gi;
          w[i] -= a * mi / (Math.sqrt(vi) + eps);
        }
        return;
      }
    }
  }
}
