/**
 * The spatial kernels in plain TypeScript: im2col and its adjoint, the channel reorderings of a
 * convolution's products, per-channel sums, and max pooling. They are the scalar twins of the SIMD
 * kernels (`spatial_kernels.ts`), which run them on any array outside a kernel arena, and the
 * reference the tests hold the SIMD kernels to.
 *
 * @module
 */

/**
 * The geometry of a patch extraction: (C, H, W) images, k×k windows at stride s with zero padding
 * p, giving Ho×Wo positions.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { PatchGeometry } from "./spatial.ts";
 * const g: PatchGeometry = { C: 1, H: 28, W: 28, Ho: 28, Wo: 28, k: 5, s: 1, p: 2 };
 * assertEquals(g.C * g.k * g.k, 25); // rows of patches
 * ```
 */
export interface PatchGeometry {
  /** Input channels. */
  C: number;
  /** Input height. */
  H: number;
  /** Input width. */
  W: number;
  /** Output height. */
  Ho: number;
  /** Output width. */
  Wo: number;
  /** Window size. */
  k: number;
  /** Stride. */
  s: number;
  /** Zero padding on every side. */
  p: number;
}

/** The outputs ox whose input column ox·s − p + j lies inside the image: [lo, hi), hi ≥ lo. */
function span(j: number, g: PatchGeometry): [number, number] {
  const lo = Math.max(0, Math.ceil((g.p - j) / g.s));
  return [lo, Math.max(lo, Math.min(g.Wo, Math.floor((g.W - 1 + g.p - j) / g.s) + 1))];
}

/**
 * Visits the lines of the columns in their order (row (c, i, j), sample, output row): each line's
 * start in the columns, the input index of its output ox = 0 (pixel ox at `src + ox·s`; it may be
 * negative, ox = 0 lying in the padding), whether the input row lies inside the image, and the
 * outputs [lo, hi) whose pixels lie inside it.
 */
function eachLine(
  g: PatchGeometry,
  B: number,
  visit: (line: number, src: number, inside: boolean, lo: number, hi: number) => void,
): void {
  const { C, H, W, Ho, Wo, k, s, p } = g;
  let line = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const [lo, hi] = span(j, g);
        for (let b = 0; b < B; b++) {
          const img = (b * C + c) * H * W;
          for (let oy = 0; oy < Ho; oy++, line += Wo) {
            const iy = oy * s - p + i;
            visit(line, img + iy * W - p + j, iy >= 0 && iy < H, lo, hi);
          }
        }
      }
    }
  }
}

/**
 * Copies a batch's patches into columns: cols[(c·k + i)·k + j][b·P + oy·Wo + ox] =
 * x[b][c][oy·s − p + i][ox·s − p + j], zero outside the image (P = Ho·Wo).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { im2col } from "./spatial.ts";
 * const cols = new Float32Array(4 * 4);
 * im2col(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 1, { C: 1, H: 3, W: 3, Ho: 2, Wo: 2, k: 2, s: 1, p: 0 }, cols);
 * assertEquals(Array.from(cols.subarray(0, 4)), [1, 2, 4, 5]); // the top-left value of each patch
 * ```
 *
 * @param x (B, C·H·W).
 * @param B Samples.
 * @param g The geometry.
 * @param cols Receives (C·k·k, B·P).
 */
export function im2col(x: Float32Array, B: number, g: PatchGeometry, cols: Float32Array): void {
  const { Wo, s } = g;
  eachLine(g, B, (line, src, inside, lo, hi) => {
    if (!inside || hi === lo) {
      cols.fill(0, line, line + Wo);
      return;
    }
    for (let ox = 0; ox < lo; ox++) cols[line + ox] = 0;
    for (let ox = hi; ox < Wo; ox++) cols[line + ox] = 0;
    for (let ox = lo; ox < hi; ox++) cols[line + ox] = x[src + ox * s];
  });
}

/**
 * The adjoint of {@linkcode im2col}: adds each column entry back to the pixel it came from.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { col2im } from "./spatial.ts";
 * const x = new Float32Array(9);
 * col2im(new Float32Array(16).fill(1), 1, { C: 1, H: 3, W: 3, Ho: 2, Wo: 2, k: 2, s: 1, p: 0 }, x);
 * assertEquals(x[4], 4); // the centre pixel is in all four patches
 * ```
 *
 * @param cols (C·k·k, B·P).
 * @param B Samples.
 * @param g The geometry.
 * @param x Receives (B, C·H·W) (overwritten).
 */
export function col2im(cols: Float32Array, B: number, g: PatchGeometry, x: Float32Array): void {
  const { C, H, W, s } = g;
  x.fill(0, 0, B * C * H * W);
  eachLine(g, B, (line, dst, inside, lo, hi) => {
    if (!inside) return;
    for (let ox = lo; ox < hi; ox++) x[dst + ox * s] += cols[line + ox];
  });
}

/**
 * A convolution's product, channel-major, to the batch-major layout of every layer, plus a bias
 * per channel: a (B, K, P) ← t (K, B, P) + bias.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toBatchMajor } from "./spatial.ts";
 * const a = new Float32Array(4);
 * toBatchMajor(new Float32Array([1, 2, 3, 4]), a, new Float32Array([10, 20]), 2, 2, 1);
 * assertEquals(Array.from(a), [11, 23, 12, 24]);
 * ```
 *
 * @param t (K, B·P).
 * @param a Receives (B, K·P).
 * @param bias K values.
 * @param K Channels.
 * @param B Samples.
 * @param P Positions per channel.
 */
export function toBatchMajor(
  t: Float32Array,
  a: Float32Array,
  bias: Float32Array,
  K: number,
  B: number,
  P: number,
): void {
  for (let c = 0; c < K; c++) {
    const add = bias[c];
    for (let b = 0; b < B; b++) {
      const from = (c * B + b) * P, to = (b * K + c) * P;
      for (let q = 0; q < P; q++) a[to + q] = t[from + q] + add;
    }
  }
}

/**
 * The inverse reordering, without bias: t (K, B, P) ← d (B, K, P).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toChannelMajor } from "./spatial.ts";
 * const t = new Float32Array(4);
 * toChannelMajor(new Float32Array([1, 2, 3, 4]), t, 2, 2, 1);
 * assertEquals(Array.from(t), [1, 3, 2, 4]);
 * ```
 *
 * @param d (B, K·P).
 * @param t Receives (K, B·P).
 * @param K Channels.
 * @param B Samples.
 * @param P Positions per channel.
 */
export function toChannelMajor(
  d: Float32Array,
  t: Float32Array,
  K: number,
  B: number,
  P: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < K; c++) {
      t.set(d.subarray((b * K + c) * P, (b * K + c + 1) * P), (c * B + b) * P);
    }
  }
}

/**
 * out[r] = scale · the sum of row r of m (rows, n).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rowSums } from "./spatial.ts";
 * const out = new Float32Array(2);
 * rowSums(new Float32Array([1, 2, 3, 4]), out, 2, 2, 0.5);
 * assertEquals(Array.from(out), [1.5, 3.5]);
 * ```
 *
 * @param m (rows, n).
 * @param out Receives the rows' sums.
 * @param rows Rows.
 * @param n Row length.
 * @param scale Multiplies each sum.
 */
export function rowSums(
  m: Float32Array,
  out: Float32Array,
  rows: number,
  n: number,
  scale: number,
): void {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let q = r * n; q < (r + 1) * n; q++) sum += m[q];
    out[r] = scale * sum;
  }
}

/**
 * Max pooling of BC planes H×W into Ho×Wo, k×k windows at stride s: each output the window's
 * maximum, `win` the index in `x` of the first of its maxima.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { maxpool } from "./spatial.ts";
 * const a = new Float32Array(1), win = new Int32Array(1);
 * maxpool(new Float32Array([1, 4, 3, 2]), a, win, 1, { C: 1, H: 2, W: 2, Ho: 1, Wo: 1, k: 2, s: 2, p: 0 });
 * assertEquals(a[0], 4);
 * assertEquals(win[0], 1);
 * ```
 *
 * @param x (BC, H·W).
 * @param a Receives (BC, Ho·Wo).
 * @param win Receives the winners' indices.
 * @param BC Planes: samples times channels.
 * @param g The geometry (C and p unused).
 */
export function maxpool(
  x: Float32Array,
  a: Float32Array,
  win: Int32Array,
  BC: number,
  g: PatchGeometry,
): void {
  const { H, W, Ho, Wo, k, s } = g;
  let o = 0;
  for (let bc = 0; bc < BC; bc++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++, o++) {
        const first = bc * H * W + oy * s * W + ox * s;
        let best = first;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) if (x[first + i * W + j] > x[best]) best = first + i * W + j;
        }
        a[o] = x[best];
        win[o] = best;
      }
    }
  }
}

/**
 * Max pooling's backward pass: out ← 0, then out[win[o]] += d[o] for o < n.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { maxpoolBack } from "./spatial.ts";
 * const out = new Float32Array(4);
 * maxpoolBack(new Float32Array([5]), out, new Int32Array([1]), 1, 4);
 * assertEquals(Array.from(out), [0, 5, 0, 0]);
 * ```
 *
 * @param d The outputs' δ, n values.
 * @param out Receives the inputs' δ, `inputs` values.
 * @param win The winners of the forward pass.
 * @param n Outputs.
 * @param inputs Inputs.
 */
export function maxpoolBack(
  d: Float32Array,
  out: Float32Array,
  win: Int32Array,
  n: number,
  inputs: number,
): void {
  out.fill(0, 0, inputs);
  for (let o = 0; o < n; o++) out[win[o]] += d[o];
}
