// One way to print the numbers the scripts report: error rates, durations and sizes.

/**
 * A fraction as a percentage with two decimals ("1.68 %"), or "–" when there is none.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pct } from "./mod.ts";
 * assertEquals([pct(0.0168), pct(undefined)], ["1.68 %", "–"]);
 * ```
 */
export function pct(f: number | undefined): string {
  return f === undefined || Number.isNaN(f) ? "–" : `${(100 * f).toFixed(2)} %`;
}

/**
 * An angle in degrees ("78.6°"), or "–" where it is undefined (NaN: nothing to compare).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { degrees } from "./mod.ts";
 * assertEquals([degrees(78.64), degrees(NaN)], ["78.6°", "–"]);
 * ```
 */
export function degrees(angle: number, digits = 1): string {
  return Number.isNaN(angle) ? "–" : `${angle.toFixed(digits)}°`;
}

/**
 * Seconds with one decimal ("12.3 s").
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { secs } from "./mod.ts";
 * assertEquals(secs(12.34), "12.3 s");
 * ```
 */
export function secs(s: number): string {
  return `${s.toFixed(1)} s`;
}

/**
 * A byte count in kB, MB or GB.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatBytes } from "./mod.ts";
 * assertEquals([formatBytes(2048), formatBytes(188e6), formatBytes(4.3e9)], ["2.0 kB", "188.0 MB", "4.30 GB"]);
 * ```
 */
export function formatBytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
    ? `${(n / 1e6).toFixed(1)} MB`
    : `${(n / 1e3).toFixed(1)} kB`;
}
