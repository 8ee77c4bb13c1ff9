/**
 * Optimisers that turn a batch's gradients into a parameter update: plain SGD (the original's),
 * momentum, RMSprop and Adam. They iterate a network's parameter list; their state is allocated
 * explicitly by {@linkcode Optimizer.prepare} (in the network's kernel arena, so that the SIMD
 * kernels reach it), once, so that steps allocate nothing.
 *
 * @module
 */

import { getBlas } from "../native/get_blas.ts";
import type { Arena } from "../kernels/arena.ts";
import { adamStep, momentumStep, rmspropStep } from "../kernels/optimizer_kernels.ts";
import type { Param } from "../model/param.ts";

/**
 * The optimisers dfa knows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Optimizer, type OptimizerName } from "./mod.ts";
 * const name: OptimizerName = "adam";
 * assertEquals(new Optimizer({ name, lr: 1e-3 }).options.beta2, 0.999);
 * ```
 */
export type OptimizerName = "sgd" | "momentum" | "rmsprop" | "adam";

/**
 * The optimisers dfa knows, for validating user input.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OPTIMIZERS } from "./mod.ts";
 * assertEquals(OPTIMIZERS.includes("rmsprop"), true);
 * ```
 */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "rmsprop", "adam"];

/**
 * Settings of an optimiser; each has a sensible default but the learning rate.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { OptimizerOptions } from "../../mod.ts";
 * import { Optimizer } from "./mod.ts";
 * const options: OptimizerOptions = { name: "rmsprop", lr: 1e-4, rho: 0.99 };
 * assertEquals(new Optimizer(options).options.eps, 1e-8);
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
  /**
   * RMSprop's mean square before the first step. Default 0; Torch's `optim.rmsprop` started it at
   * 1 from June to September 2016 (its `initialMean` since), which damps the first few hundred steps.
   */
  initialMean?: number;
  /** L2 weight decay: wd·w is added to every gradient before the update (as torch's). Default 0. */
  weightDecay?: number;
}

/**
 * What an optimiser keeps for one parameter: its slots (momentum's velocity, RMSprop's mean
 * square, Adam's two moments) and Adam's step count.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Param } from "../model/mod.ts";
 * import { Optimizer, type OptimizerState } from "./mod.ts";
 * const p: Param = { name: "w", value: new Float32Array(3), grad: new Float32Array(3) };
 * const [s]: OptimizerState[] = new Optimizer({ name: "adam", lr: 1e-3 }).stateOf([p]);
 * assertEquals(s.slots.length, 2);
 * assertEquals(s.steps, 0);
 * ```
 */
export interface OptimizerState {
  /** The parameter's slots, each as long as its value. */
  slots: Float32Array[];
  /** Updates applied so far (counted by Adam only). */
  steps: number;
}

/** An optimiser's state for one parameter. */
interface State {
  slots: Float32Array[];
  steps: number;
  arena?: Arena;
}

const SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 };

/**
 * Updates parameters from their gradients. State (velocities, moments) belongs to each
 * {@linkcode Param}: {@linkcode Optimizer.prepare} allocates it, in an arena when one is given.
 *
 * @example One SGD step
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Param } from "../model/mod.ts";
 * import { Optimizer } from "./mod.ts";
 * const p: Param = { name: "w", value: new Float32Array([1, 1]), grad: new Float32Array([2, -2]) };
 * new Optimizer({ name: "sgd", lr: 0.5 }).update(p);
 * assertEquals(Array.from(p.value), [0, 2]);
 * ```
 */
export class Optimizer {
  /** The settings, defaults filled in. */
  readonly options: Required<OptimizerOptions>;
  #state = new Map<Param, State>();

  /**
   * Creates an optimiser.
   *
   * @param options Its settings.
   * @throws {TypeError} When the options are not an object or a setting is not a number.
   * @throws {RangeError} When the name is not one of {@linkcode OPTIMIZERS}, lr not positive, the
   *   weight decay, eps or initialMean not ≥ 0, or momentum, rho, beta1 or beta2 not in [0, 1).
   */
  constructor(options: OptimizerOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Cannot create an optimiser: its settings must be an object: ${options}`);
    }
    if (!OPTIMIZERS.includes(options.name)) {
      const n = JSON.stringify(options.name) ?? options.name;
      throw new RangeError(`Cannot create an optimiser: name must be one of ${OPTIMIZERS}: ${n}`);
    }
    const bad = Object.entries(options).find(([k, v]) =>
      k !== "name" && v !== undefined && typeof v !== "number"
    );
    if (bad) {
      throw new TypeError(`Cannot create an optimiser: ${bad[0]} must be a number: ${bad[1]}`);
    }
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) {
      throw new RangeError(
        `Cannot create an optimiser: the learning rate must be positive: ${options.lr}`,
      );
    }
    // Settings given as undefined take their defaults.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = {
      momentum: 0.9,
      rho: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      initialMean: 0,
      ...given,
    } as Required<OptimizerOptions>;
    const named = { weightDecay: "the weight decay", initialMean: "the initial mean", eps: "eps" };
    for (const [key, what] of Object.entries(named) as [keyof typeof named, string][]) {
      const v = this.options[key];
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(`Cannot create an optimiser: ${what} must be ≥ 0: ${v}`);
      }
    }
    for (const key of ["momentum", "rho", "beta1", "beta2"] as const) {
      const v = this.options[key];
      if (!(v >= 0 && v < 1)) {
        throw new RangeError(`Cannot create an optimiser: ${key} must be in [0, 1): ${v}`);
      }
    }
  }

  /** Whether the update is a plain scaled gradient, which the network may fuse into its GEMMs. */
  get isPlainSgd(): boolean {
    return this.options.name === "sgd" && this.options.weightDecay === 0;
  }

  /**
   * Allocates the state of every parameter that has none yet: in `arena` while it has room (where
   * the SIMD kernels reach it), else in ordinary arrays (scalar kernels).
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { Network } from "../../mod.ts";
   * import { Optimizer } from "./mod.ts";
   * const net = Network.create({ sizes: [3, 2] }), adam = new Optimizer({ name: "adam", lr: 1e-3 });
   * adam.prepare(net.params, net.arena);
   * assertEquals(adam.stateOf(net.params)[0].slots.length, 2); // m and v, for W1
   * ```
   *
   * @param params The parameters.
   * @param arena Where their state goes, when it fits.
   */
  prepare(params: readonly Param[], arena?: Arena): void {
    const count = SLOTS[this.options.name];
    for (const p of params) {
      if (this.#state.has(p)) continue;
      const n = p.value.length;
      const slots = Array.from({ length: count }, () => arena?.tryAlloc(n) ?? new Float32Array(n));
      this.#state.set(p, { slots: this.#started(slots), steps: 0, arena });
    }
  }

  /**
   * The state of each parameter: views of the optimiser's own arrays, to save in a checkpoint (a
   * parameter it has not updated yet has the state its first step would find, in new arrays:
   * asking allocates nothing of its own).
   *
   * @param params The parameters.
   * @returns One state per parameter, in their order.
   */
  stateOf(params: readonly Param[]): OptimizerState[] {
    const count = SLOTS[this.options.name];
    return params.map((p) => {
      const s = this.#state.get(p);
      if (s) return { slots: s.slots, steps: s.steps };
      return {
        slots: this.#started(Array.from({ length: count }, () => new Float32Array(p.value.length))),
        steps: 0,
      };
    });
  }

  /** New slots as the first step finds them: RMSprop's mean square at `initialMean`. */
  #started(slots: Float32Array[]): Float32Array[] {
    if (this.options.name === "rmsprop") slots[0].fill(this.options.initialMean);
    return slots;
  }

  /**
   * Puts back states taken by {@linkcode Optimizer.stateOf} (copied into the optimiser's arrays).
   *
   * @example Continue a run of Adam where it stopped
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import type { Param } from "../model/mod.ts";
   * import { Optimizer } from "./mod.ts";
   * const p: Param = { name: "w", value: new Float32Array([1]), grad: new Float32Array([1]) };
   * const a = new Optimizer({ name: "adam", lr: 0.1 });
   * a.update(p);
   * const b = new Optimizer({ name: "adam", lr: 0.1 });
   * b.setStateOf([p], a.stateOf([p]));
   * assertEquals(b.stateOf([p])[0].steps, 1);
   * ```
   *
   * @param params The parameters.
   * @param states Their states, in the same order.
   * @param arena Where the state of parameters that have none yet goes (see
   *   {@linkcode Optimizer.prepare}).
   * @throws {RangeError} When the counts of parameters, slots or values differ.
   */
  setStateOf(params: readonly Param[], states: readonly OptimizerState[], arena?: Arena): void {
    this.prepare(params, arena);
    const mine = this.stateOf(params);
    if (states.length !== params.length) {
      throw new RangeError(
        `Cannot set the optimiser's state: ${params.length} parameters but ${states.length} states`,
      );
    }
    mine.forEach((m, i) => {
      const s = states[i], p = params[i];
      if (s.slots.length !== m.slots.length || s.slots.some((v) => v.length !== p.value.length)) {
        throw new RangeError(
          `Cannot set the optimiser's state of ${p.name}: expected ${m.slots.length} slots of ` +
            `${p.value.length}: ${s.slots.map((v) => v.length).join(", ") || "none"}`,
        );
      }
      m.slots.forEach((v, j) => v.set(s.slots[j]));
      this.#state.get(p)!.steps = s.steps;
    });
  }

  /**
   * Applies one update to a parameter from its gradient (preparing its state first if needed).
   *
   * @param p The parameter, updated in place.
   * @throws {RangeError} When its gradient's length differs from its value's.
   */
  update(p: Param): void {
    const { name, lr, momentum, rho, beta1, beta2, eps } = this.options;
    const w = p.value, g = p.grad, n = w.length;
    if (g.length !== n) {
      throw new RangeError(
        `Cannot update ${p.name}: ${n} values but ${g.length} gradients`,
      );
    }
    const wd = this.options.weightDecay;
    if (wd > 0) getBlas().saxpy(n, wd, w, g); // g ← g + wd·w
    if (name === "sgd") return getBlas().saxpy(n, -lr, g, w);
    if (!this.#state.has(p)) this.prepare([p]);
    const s = this.#state.get(p)!;
    switch (name) {
      case "momentum":
        return momentumStep(s.arena, w, g, s.slots[0], n, lr, momentum);
      case "rmsprop":
        return rmspropStep(s.arena, w, g, s.slots[0], n, lr, rho, eps);
      case "adam": {
        const t = ++s.steps;
        const a = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
        return adamStep(s.arena, w, g, s.slots[0], s.slots[1], n, { a, beta1, beta2, eps });
      }
    }
  }
}
