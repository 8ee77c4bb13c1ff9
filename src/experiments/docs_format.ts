// How the docs' results tables write rules, errors and seeds, and the Markdown table they share.
import { mean, std } from "./statistics.ts";

/** Reads one file of `results/` by its name (e.g. `"pipeline.json"`) and returns its parsed JSON. */
export type ResultsReader = (file: string) => unknown;

/** A test error (a fraction) as a percentage with two decimals: 0.0168 → "1.68 %". */
export const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** Test errors (%) of several seeds as "mean ± std % (n seeds)", one seed as "x % (1 seed)". */
export function seedSummary(errors: number[]): string {
  if (errors.length === 1) return `${errors[0].toFixed(2)} % (1 seed)`;
  return `${mean(errors).toFixed(2)} ± ${std(errors).toFixed(2)} % (${errors.length} seeds)`;
}

/** A Markdown table, columns padded to their widest cell. */
export function markdownTable(head: string[], rows: string[][]): string {
  const width = head.map((h, j) => Math.max(3, ...[h, ...rows.map((r) => r[j])].map(len)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, j) => c + " ".repeat(width[j] - len(c))).join(" | ")} |`;
  return [line(head), `| ${width.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)]
    .join("\n");
}
const len = (s: string) => [...s].length;
