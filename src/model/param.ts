/**
 * A trainable parameter: its values and its gradient buffer, under a name that is also its key in
 * saved files. Layers list theirs; optimisers iterate the list.
 *
 * @module
 */

/**
 * A trainable parameter with its gradient, shaped alike.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Param } from "./mod.ts";
 * const p: Param = { name: "b1", value: new Float32Array(3), grad: new Float32Array(3) };
 * assertEquals(p.value.length === p.grad.length, true);
 * ```
 */
export interface Param {
  /** Unique within a network: `W1`, `b1`, `D1_2`, … (its key in a saved `.npz`). */
  readonly name: string;
  /** The values, updated in place. */
  readonly value: Float32Array;
  /** The gradient (or the rule's update direction), written by the layer's backward pass. */
  readonly grad: Float32Array;
}
