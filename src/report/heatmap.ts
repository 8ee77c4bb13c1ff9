// Heat maps: a value over a grid of two ordinal fields, its colours scaled to the cells that vary.
import type { Chart } from "./charts.ts";

/**
 * The colour domain of a square heat map without its diagonal: the least and the greatest `value`
 * of the cells where `x` and `y` differ (the diagonal, an item with itself, is drawn apart).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { offDiagonalDomain } from "./heatmap.ts";
 * const cells = [
 *   { a: 1, b: 1, v: 0 }, { a: 1, b: 2, v: 12 },
 *   { a: 2, b: 1, v: 12 }, { a: 2, b: 2, v: 0 },
 *   { a: 3, b: 1, v: 15 },
 * ];
 * assertEquals(offDiagonalDomain(cells, "a", "b", "v"), [12, 15]);
 * ```
 *
 * @param values The cells.
 * @param x The field of the columns.
 * @param y The field of the rows.
 * @param value The coloured field.
 * @returns [least, greatest], or undefined when no cell is off the diagonal.
 */
export function offDiagonalDomain(
  values: Record<string, unknown>[],
  x: string,
  y: string,
  value: string,
): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    const n = Number(v[value]);
    if (v[x] === v[y] || !Number.isFinite(n)) continue;
    lo = Math.min(lo, n), hi = Math.max(hi, n);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * The colour of a heat map's diagonal when it is drawn apart from the scale.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DIAGONAL_COLOUR } from "./heatmap.ts";
 * assertEquals(DIAGONAL_COLOUR, "#d9d9d9");
 * ```
 */
export const DIAGONAL_COLOUR = "#d9d9d9";

/**
 * A heat map of `value` over the grid of `x` and `y` (ordinal axes). With `offDiagonal`, the colour
 * scale spans the cells off the diagonal only (see {@linkcode offDiagonalDomain}) and the diagonal
 * is drawn in plain grey: a matrix whose diagonal is 0 by construction (how often a learner
 * disagrees with itself) shows its spread instead of one colour.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { heatmap } from "./heatmap.ts";
 * const cells = [[1, 1, 0], [1, 2, 12], [2, 1, 14], [2, 2, 0]].map(([a, b, v]) => ({ a, b, v }));
 * const spec = heatmap("d", "Disagreement", cells, "a", "b", "v", true).spec as {
 *   layer: { encoding: { color: { scale: { domain: number[] } } } }[];
 * };
 * assertEquals(spec.layer[0].encoding.color.scale.domain, [12, 14]);
 * ```
 */
export function heatmap(
  name: string,
  title: string,
  values: Record<string, unknown>[],
  x: string,
  y: string,
  value: string,
  offDiagonal = false,
): Chart {
  const axes = {
    x: { field: x, type: "ordinal", title: x, axis: { labelOverlap: "greedy" } },
    y: { field: y, type: "ordinal", title: y, axis: { labelOverlap: "greedy" } },
  };
  const domain = offDiagonal ? offDiagonalDomain(values, x, y, value) : undefined;
  if (!domain) {
    return {
      name,
      title,
      values,
      spec: {
        width: 420,
        height: 420,
        mark: "rect",
        encoding: { ...axes, color: { field: value, type: "quantitative", title: value } },
      },
    };
  }
  const same = `datum[${JSON.stringify(x)}] === datum[${JSON.stringify(y)}]`;
  return {
    name,
    title,
    values,
    spec: {
      width: 420,
      height: 420,
      encoding: axes,
      layer: [{
        transform: [{ filter: `!(${same})` }],
        mark: "rect",
        encoding: {
          color: {
            field: value,
            type: "quantitative",
            title: value,
            scale: { domain },
          },
        },
      }, {
        transform: [{ filter: same }],
        mark: { type: "rect", color: DIAGONAL_COLOUR },
      }],
    },
  };
}
