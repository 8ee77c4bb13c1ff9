/**
 * Optimiser steps over float buffers, in SIMD where every buffer lies in the arena (whole groups of
 * four), by the scalar twin beside each for the rest and for any other array.
 *
 * @module
 */

import type { Arena } from "./arena.ts";

function allOwned(arena: Arena | undefined, ...buffers: Float32Array[]): arena is Arena {
  return arena !== undefined && buffers.every((b) => arena.owns(b));
}

/**
 * One momentum step over `n` elements: v ← μ·v − lr·g; w ← w + v.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { momentumStep } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), v = new Float32Array([0.5]);
 * momentumStep(undefined, w, new Float32Array([1]), v, 1, 0.1, 0.9);
 * assertEquals(v[0].toFixed(2), "0.35");
 * assertEquals(w[0].toFixed(2), "1.35");
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param w Parameters.
 * @param g Gradient.
 * @param v Velocity.
 * @param n How many elements.
 * @param lr Learning rate.
 * @param mu Momentum coefficient.
 */
export function momentumStep(
  arena: Arena | undefined,
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  n: number,
  lr: number,
  mu: number,
): void {
  let i = 0;
  if (allOwned(arena, w, g, v)) {
    i = n & ~3;
    arena.wasm!.momentum(w.byteOffset, g.byteOffset, v.byteOffset, i, lr, mu);
  }
  momentumScalar(w, g, v, i, n, lr, mu);
}

/**
 * The scalar twin of {@linkcode momentumStep}, over elements `from … n − 1`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { momentumScalar } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), v = new Float32Array([0]);
 * momentumScalar(w, new Float32Array([1]), v, 0, 1, 0.5, 0.9);
 * assertEquals(w[0], 0.5);
 * ```
 *
 * @param w Parameters.
 * @param g Gradient.
 * @param v Velocity.
 * @param from The first element.
 * @param n One past the last.
 * @param lr Learning rate.
 * @param mu Momentum coefficient.
 */
export function momentumScalar(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  from: number,
  n: number,
  lr: number,
  mu: number,
): void {
  for (let i = from; i < n; i++) {
    v[i] = mu * v[i] - lr * g[i];
    w[i] += v[i];
  }
}

/**
 * One RMSprop step over `n` elements: s ← ρ·s + (1 − ρ)·g²; w ← w − lr·g / (√s + ε).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rmspropStep } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), s = new Float32Array([0]);
 * rmspropStep(undefined, w, new Float32Array([2]), s, 1, 0.1, 0, 0);
 * assertEquals(s[0], 4);
 * assertEquals(w[0].toFixed(2), "0.90");
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param w Parameters.
 * @param g Gradient.
 * @param s Running mean of squared gradients.
 * @param n How many elements.
 * @param lr Learning rate.
 * @param rho Decay.
 * @param eps Added to the denominator.
 */
export function rmspropStep(
  arena: Arena | undefined,
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
  n: number,
  lr: number,
  rho: number,
  eps: number,
): void {
  let i = 0;
  if (allOwned(arena, w, g, s)) {
    i = n & ~3;
    arena.wasm!.rmsprop(w.byteOffset, g.byteOffset, s.byteOffset, i, lr, rho, eps);
  }
  rmspropScalar(w, g, s, i, n, lr, rho, eps);
}

/**
 * The scalar twin of {@linkcode rmspropStep}, over elements `from … n − 1`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rmspropScalar } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), s = new Float32Array([0]);
 * rmspropScalar(w, new Float32Array([2]), s, 0, 1, 0.1, 0, 0);
 * assertEquals(s[0], 4);
 * ```
 *
 * @param w Parameters.
 * @param g Gradient.
 * @param s Running mean of squared gradients.
 * @param from The first element.
 * @param n One past the last.
 * @param lr Learning rate.
 * @param rho Decay.
 * @param eps Added to the denominator.
 */
export function rmspropScalar(
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
  from: number,
  n: number,
  lr: number,
  rho: number,
  eps: number,
): void {
  for (let i = from; i < n; i++) {
    const si = s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
    w[i] -= lr * g[i] / (Math.sqrt(si) + eps);
  }
}

/**
 * Adam's hyperparameters for one step: the step size `a` with the bias corrections folded in.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { AdamStep } from "./optimizer_kernels.ts";
 * const step: AdamStep = { a: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
 * assertEquals(step.beta2, 0.999);
 * ```
 */
export interface AdamStep {
  /** Step size, bias corrections included. */
  a: number;
  /** First-moment decay. */
  beta1: number;
  /** Second-moment decay. */
  beta2: number;
  /** Added to the denominator. */
  eps: number;
}

/**
 * One Adam step over `n` elements: m ← β₁·m + (1 − β₁)·g; v ← β₂·v + (1 − β₂)·g²;
 * w ← w − a·m / (√v + ε).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { adamStep } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamStep(undefined, w, new Float32Array([1]), m, v, 1, { a: 0.1, beta1: 0, beta2: 0, eps: 0 });
 * assertEquals(w[0].toFixed(2), "0.90");
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param w Parameters.
 * @param g Gradient.
 * @param m First moment.
 * @param v Second moment.
 * @param n How many elements.
 * @param step Step size and decays.
 */
export function adamStep(
  arena: Arena | undefined,
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  n: number,
  step: AdamStep,
): void {
  const { a, beta1, beta2, eps } = step;
  let i = 0;
  if (allOwned(arena, w, g, m, v)) {
    i = n & ~3;
    arena.wasm!.adam(
      w.byteOffset,
      g.byteOffset,
      m.byteOffset,
      v.byteOffset,
      i,
      a,
      beta1,
      beta2,
      eps,
    );
  }
  adamScalar(w, g, m, v, i, n, step);
}

/**
 * The scalar twin of {@linkcode adamStep}, over elements `from … n − 1`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { adamScalar } from "./optimizer_kernels.ts";
 * const w = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamScalar(w, new Float32Array([1]), m, v, 0, 1, { a: 0.1, beta1: 0, beta2: 0, eps: 0 });
 * assertEquals(m[0], 1);
 * assertEquals(v[0], 1);
 * ```
 *
 * @param w Parameters.
 * @param g Gradient.
 * @param m First moment.
 * @param v Second moment.
 * @param from The first element.
 * @param n One past the last.
 * @param step Step size and decays.
 */
export function adamScalar(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  from: number,
  n: number,
  step: AdamStep,
): void {
  const { a, beta1: b1, beta2: b2, eps } = step;
  for (let i = from; i < n; i++) {
    const mi = m[i] = b1 * m[i] + (1 - b1) * g[i];
    const vi = v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= a * mi / (Math.sqrt(vi) + eps);
  }
}
