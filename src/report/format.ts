// One way to print the numbers the scripts report: error rates, durations and sizes.

/** A fraction as a percentage with two decimals ("1.68 %"), or "–" when there is none. */
export function pct(f: number | undefined): string {
  return f === undefined || Number.isNaN(f) ? "–" : `${(100 * f).toFixed(2)} %`;
}

/** An angle in degrees ("78.6°"), or "–" where it is undefined (NaN: nothing to compare). */
export function degrees(angle: number, digits = 1): string {
  return Number.isNaN(angle) ? "–" : `${angle.toFixed(digits)}°`;
}

/** Seconds with one decimal ("12.3 s"). */
export function secs(s: number): string {
  return `${s.toFixed(1)} s`;
}

/** A byte count in kB, MB or GB. */
export function formatBytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
    ? `${(n / 1e6).toFixed(1)} MB`
    : `${(n / 1e3).toFixed(1)} kB`;
}
