/**
 * Activations and their derivatives in place, in SIMD on arena buffers (whole groups of eight;
 * the rest, and any other array, by the scalar twins in `activations.ts`).
 *
 * @module
 */

import { activate, type Activation, multiplyDerivative } from "./activations.ts";
import type { Arena } from "./arena.ts";

/**
 * Applies an activation in place to the first `n` elements of `a`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { activateIn } from "./activation_kernels.ts";
 * const arena = new Arena(8);
 * const a = arena.alloc(3);
 * a.set([-1, 0, 1]);
 * activateIn(arena, "relu", a, 3);
 * assertEquals(Array.from(a), [0, 0, 1]);
 * ```
 *
 * @param arena The arena `a` may come from (undefined: the scalar kernel).
 * @param kind The activation.
 * @param a The buffer.
 * @param n How many elements.
 * @throws {RangeError} When `a` holds fewer than `n`.
 */
export function activateIn(
  arena: Arena | undefined,
  kind: Activation,
  a: Float32Array,
  n: number,
): void {
  if (kind === "linear") return;
  if (n > a.length) {
    throw new RangeError(`Cannot activate ${n} elements of a ${a.length}-element buffer`);
  }
  if (!arena?.owns(a)) return activate(kind, a, n);
  const body = n & ~7; // whole groups of eight in wasm, the rest here
  arena.wasm![kind](a.byteOffset, body);
  if (body < n) activate(kind, a.subarray(body, n));
}

/**
 * g ← g ⊙ f′ for the first `n` elements, from the activation's outputs `h`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { multiplyDerivativeIn } from "./activation_kernels.ts";
 * const arena = new Arena(16);
 * const h = arena.alloc(2), g = arena.alloc(2);
 * h.set([0, 0.5]);
 * g.set([2, 2]);
 * multiplyDerivativeIn(arena, "tanh", h, g, 2);
 * assertEquals(Array.from(g), [2, 1.5]);
 * ```
 *
 * @param arena The arena `h` and `g` may come from (undefined: the scalar kernel).
 * @param kind The activation.
 * @param h The activation's outputs.
 * @param g The gradient, updated in place.
 * @param n How many elements.
 * @throws {RangeError} When a buffer holds fewer than `n`.
 */
export function multiplyDerivativeIn(
  arena: Arena | undefined,
  kind: Activation,
  h: Float32Array,
  g: Float32Array,
  n: number,
): void {
  if (kind === "linear") return;
  if (n > h.length || n > g.length) {
    throw new RangeError(
      `Cannot multiply ${n} elements: buffers hold ${h.length} and ${g.length}`,
    );
  }
  if (!arena?.owns(h) || !arena.owns(g)) return multiplyDerivative(kind, h, g, n);
  const body = n & ~7;
  arena.wasm![`${kind}_grad`](h.byteOffset, g.byteOffset, body);
  if (body < n) multiplyDerivative(kind, h.subarray(body, n), g.subarray(body, n));
}
