/**
 * The naive double-precision references of the spatial layers, written straight from their
 * definitions (loops over every index, no im2col, no BLAS): what the tests hold the fast paths to.
 *
 * @module
 */

import type { LayerSpec } from "../model/layers/layer.ts";

/**
 * One sample's convolution: out[k][oy][ox] = b[k] + Σ_c Σ_i Σ_j w[k][c][i][j] ·
 * x[c][oy·s − p + i][ox·s − p + j], zero outside the image.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { convNaive } from "./mod.ts";
 * const out = convNaive([1, 2, 3, 4], [1, 1, 1, 1], [0.5], { in: [1, 2, 2], out: [1, 1, 1], kernel: 2 });
 * assertEquals(out, [10.5]);
 * ```
 *
 * @param x (C·H·W).
 * @param w (K·C·k·k).
 * @param b (K).
 * @param spec The geometry.
 * @returns (K·Ho·Wo).
 */
export function convNaive(x: number[], w: number[], b: number[], spec: LayerSpec): number[] {
  const [C, H, W] = spec.in, [K, Ho, Wo] = spec.out;
  const k = spec.kernel ?? 1, s = spec.stride ?? 1, p = spec.pad ?? 0;
  const out: number[] = [];
  for (let o = 0; o < K; o++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let sum = b[o] ?? 0;
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const iy = oy * s - p + i, ix = ox * s - p + j;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              sum += w[((o * C + c) * k + i) * k + j] * x[(c * H + iy) * W + ix];
            }
          }
        }
        out.push(sum);
      }
    }
  }
  return out;
}

/**
 * One sample's pooling over k×k windows with stride s: the maximum or the mean.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { poolNaive } from "./mod.ts";
 * assertEquals(poolNaive([1, 5, 3, 2], { in: [1, 2, 2], out: [1, 1, 1], kernel: 2 }, "max"), [5]);
 * ```
 *
 * @param x (C·H·W).
 * @param spec The geometry.
 * @param kind `"max"` or `"avg"`.
 * @returns (C·Ho·Wo).
 */
export function poolNaive(x: number[], spec: LayerSpec, kind: "max" | "avg"): number[] {
  const [C, H, W] = spec.in, [, Ho, Wo] = spec.out, k = spec.kernel ?? 2, s = spec.stride ?? k;
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const window: number[] = [];
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) window.push(x[(c * H + oy * s + i) * W + ox * s + j]);
        }
        out.push(kind === "max" ? Math.max(...window) : window.reduce((a, v) => a + v, 0) / k / k);
      }
    }
  }
  return out;
}
