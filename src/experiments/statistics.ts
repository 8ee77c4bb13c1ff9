// Summaries of a cell's seeds: their mean and sample standard deviation.

/**
 * The mean of the values (NaN for none).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mean } from "./mod.ts";
 * assertEquals(mean([1, 2, 6]), 3);
 * ```
 */
export const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * The sample standard deviation (n − 1); 0 for fewer than two values.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { std } from "./mod.ts";
 * assertEquals([std([1, 3]), std([5])], [Math.SQRT2, 0]);
 * ```
 */
export function std(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
}
