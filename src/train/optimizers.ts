/**
 * Optimisers that turn a batch's summed gradient into a parameter update: plain SGD (the
 * original's), momentum, RMSprop and Adam. State is allocated on a parameter's first update and
 * reused after, so steps allocate nothing.
 *
 * @module
 */

import { getBlas } from "../native/blas.ts";
import { Kernels } from "../kernels/kernels.ts";

let scalarKernels: Kernels | undefined;
/** An empty arena, whose kernels fall back to scalar loops for buffers it does not own. */
function scalar(): Kernels {
  return scalarKernels ??= new Kernels(0);
}

/**
 * The optimisers dfa knows.
 *
 * @example
 * ```ts
 * import { Optimizer, type OptimizerName } from "../../mod.ts";
 * const name: OptimizerName = "adam";
 * console.log(new Optimizer({ name, lr: 1e-3 }).options.beta2); // 0.999
 * ```
 */
export type OptimizerName = "sgd" | "momentum" | "rmsprop" | "adam";

/**
 * The optimisers dfa knows, for validating user input.
 *
 * @example
 * ```ts
 * import { OPTIMIZERS } from "../../mod.ts";
 * console.log(OPTIMIZERS.includes("rmsprop")); // true
 * ```
 */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "rmsprop", "adam"];

/**
 * Settings of an optimiser; each has a sensible default but the learning rate.
 *
 * @example
 * ```ts
 * import { Optimizer, type OptimizerOptions } from "../../mod.ts";
 * const options: OptimizerOptions = { name: "rmsprop", lr: 1e-4, rho: 0.99 };
 * console.log(new Optimizer(options).options.eps); // 1e-8
 * ```
 */
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
 * import { Optimizer } from "../../mod.ts";
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

  #slots(id: number, w: Float32Array, count: number): Float32Array[] {
    let s = this.#state.get(id);
    if (!s) {
      // State lives beside the parameter when it has an arena, so the SIMD kernels can reach it.
      const arena = Kernels.owner(w);
      s = Array.from(
        { length: count },
        () => arena?.tryAlloc(w.length) ?? new Float32Array(w.length),
      );
      this.#state.set(id, s);
    }
    return s;
  }

  /**
   * Applies one update to `w` from its gradient `g`.
   *
   * @param id Which parameter: the same id for the same parameter at every step.
   * @param w The parameter, updated in place.
   * @param g Its gradient, the same length.
   */
  update(id: number, w: Float32Array, g: Float32Array): void {
    const { name, lr, momentum, rho, beta1, beta2, eps } = this.options;
    const n = w.length;
    if (g.length !== n) {
      throw new RangeError(
        `Cannot update ${n} parameters from ${g.length} gradients: lengths differ`,
      );
    }
    const k = Kernels.owner(w) ?? scalar();
    switch (name) {
      case "sgd":
        getBlas().saxpy(n, -lr, g, w);
        return;
      case "momentum":
        return k.momentum(w, g, this.#slots(id, w, 1)[0], n, lr, momentum);
      case "rmsprop":
        return k.rmsprop(w, g, this.#slots(id, w, 1)[0], n, lr, rho, eps);
      case "adam": {
        const [m, v] = this.#slots(id, w, 2);
        const t = (this.#steps.get(id) ?? 0) + 1;
        this.#steps.set(id, t);
        const a = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
        return k.adam(w, g, m, v, n, a, beta1, beta2, eps);
      }
    }
  }
}
