/**
 * The naive references the tests hold the fast paths to: the engine's forward pass, loss and
 * BP/FA/DFA updates in double precision over nested arrays, the textbook GEMM, and activations by
 * their formulas.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { activationNaive } from "./mod.ts";
 * assertEquals(activationNaive("sigmoid", 0), 0.5);
 * ```
 *
 * @module
 */

export * from "./reference.ts";
export { gemmNaive } from "../tensor/gemm.ts";
export { activationNaive } from "../kernels/activations.ts";
export * from "./reference_spatial.ts";
