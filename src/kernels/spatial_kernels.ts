/**
 * The spatial kernels of convolution and pooling layers, in SIMD when every buffer lies in one
 * kernel arena (a workspace's), else by their scalar twins in `spatial.ts`. Every call checks its
 * buffers' sizes first: a wrong size throws a `RangeError` and never reaches the module's memory.
 *
 * @module
 */

import type { Arena } from "./arena.ts";
import {
  col2im,
  im2col,
  maxpool,
  maxpoolBack,
  type PatchGeometry,
  rowSums,
  toBatchMajor,
  toChannelMajor,
} from "./spatial.ts";

/** Throws unless every buffer holds at least its length. */
function need(what: string, ...pairs: [ArrayBufferView & { length: number }, number][]): void {
  for (const [buffer, n] of pairs) {
    if (!Number.isSafeInteger(n) || n < 0 || buffer.length < n) {
      throw new RangeError(
        `Cannot run ${what}: a buffer of ${buffer.length} values is given for ${n}`,
      );
    }
  }
}

/** The module when `arena` holds every buffer, else undefined (the scalar twin runs). */
function simd(arena: Arena | undefined, ...buffers: ArrayBufferView[]) {
  return arena && buffers.every((b) => arena.holds(b)) ? arena.wasm! : undefined;
}

/** The geometry as the module takes it, after B. */
function dims(g: PatchGeometry): number[] {
  return [g.C, g.H, g.W, g.Ho, g.Wo, g.k, g.s, g.p];
}

/**
 * {@linkcode im2col}, in SIMD on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { im2colIn } from "./spatial_kernels.ts";
 * const arena = new Arena(32), x = arena.alloc(9), cols = arena.alloc(16);
 * x.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * im2colIn(arena, x, 1, { C: 1, H: 3, W: 3, Ho: 2, Wo: 2, k: 2, s: 1, p: 0 }, cols);
 * assertEquals(Array.from(cols.subarray(12)), [5, 6, 8, 9]); // the bottom-right values
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param x (B, C·H·W).
 * @param B Samples (≥ 1).
 * @param g The geometry.
 * @param cols Receives (C·k·k, B·Ho·Wo).
 * @throws {RangeError} When a buffer is too small.
 */
export function im2colIn(
  arena: Arena | undefined,
  x: Float32Array,
  B: number,
  g: PatchGeometry,
  cols: Float32Array,
): void {
  need("im2col", [x, B * g.C * g.H * g.W], [cols, g.C * g.k * g.k * B * g.Ho * g.Wo]);
  if (B === 0) return;
  const m = simd(arena, x, cols);
  if (m) m.im2col(x.byteOffset, cols.byteOffset, B, ...dims(g));
  else im2col(x, B, g, cols);
}

/**
 * {@linkcode col2im}, in SIMD on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { col2imIn } from "./spatial_kernels.ts";
 * const arena = new Arena(32), cols = arena.alloc(16).fill(1), x = arena.alloc(9);
 * col2imIn(arena, cols, 1, { C: 1, H: 3, W: 3, Ho: 2, Wo: 2, k: 2, s: 1, p: 0 }, x);
 * assertEquals(Array.from(x), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param cols (C·k·k, B·Ho·Wo).
 * @param B Samples (≥ 1).
 * @param g The geometry.
 * @param x Receives (B, C·H·W), overwritten.
 * @throws {RangeError} When a buffer is too small.
 */
export function col2imIn(
  arena: Arena | undefined,
  cols: Float32Array,
  B: number,
  g: PatchGeometry,
  x: Float32Array,
): void {
  need("col2im", [x, B * g.C * g.H * g.W], [cols, g.C * g.k * g.k * B * g.Ho * g.Wo]);
  if (B === 0) return;
  const m = simd(arena, x, cols);
  if (m) m.col2im(cols.byteOffset, x.byteOffset, B, ...dims(g));
  else col2im(cols, B, g, x);
}

/**
 * {@linkcode toBatchMajor}, in SIMD on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { toBatchMajorIn } from "./spatial_kernels.ts";
 * const arena = new Arena(32), t = arena.alloc(4), a = arena.alloc(4), bias = arena.alloc(2);
 * t.set([1, 2, 3, 4]);
 * bias.set([10, 20]);
 * toBatchMajorIn(arena, t, a, bias, 2, 2, 1);
 * assertEquals(Array.from(a), [11, 23, 12, 24]);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param t (K, B·P).
 * @param a Receives (B, K·P).
 * @param bias K values.
 * @param K Channels.
 * @param B Samples.
 * @param P Positions per channel.
 * @throws {RangeError} When a buffer is too small.
 */
export function toBatchMajorIn(
  arena: Arena | undefined,
  t: Float32Array,
  a: Float32Array,
  bias: Float32Array,
  K: number,
  B: number,
  P: number,
): void {
  need("the reordering to batch-major", [t, K * B * P], [a, K * B * P], [bias, K]);
  if (K * B * P === 0) return;
  const m = simd(arena, t, a, bias);
  if (m) m.to_batch_major(t.byteOffset, a.byteOffset, bias.byteOffset, K, B, P);
  else toBatchMajor(t, a, bias, K, B, P);
}

/**
 * {@linkcode toChannelMajor}, in SIMD on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { toChannelMajorIn } from "./spatial_kernels.ts";
 * const arena = new Arena(16), d = arena.alloc(4), t = arena.alloc(4);
 * d.set([1, 2, 3, 4]);
 * toChannelMajorIn(arena, d, t, 2, 2, 1);
 * assertEquals(Array.from(t), [1, 3, 2, 4]);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param d (B, K·P).
 * @param t Receives (K, B·P).
 * @param K Channels.
 * @param B Samples.
 * @param P Positions per channel.
 * @throws {RangeError} When a buffer is too small.
 */
export function toChannelMajorIn(
  arena: Arena | undefined,
  d: Float32Array,
  t: Float32Array,
  K: number,
  B: number,
  P: number,
): void {
  need("the reordering to channel-major", [d, K * B * P], [t, K * B * P]);
  if (K * B * P === 0) return;
  const m = simd(arena, d, t);
  if (m) m.to_channel_major(d.byteOffset, t.byteOffset, K, B, P);
  else toChannelMajor(d, t, K, B, P);
}

/**
 * {@linkcode rowSums}, in SIMD on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { rowSumsIn } from "./spatial_kernels.ts";
 * const arena = new Arena(16), m = arena.alloc(6), out = arena.alloc(2);
 * m.set([1, 2, 3, 4, 5, 6]);
 * rowSumsIn(arena, m, out, 2, 3, 1);
 * assertEquals(Array.from(out), [6, 15]);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param m (rows, n).
 * @param out Receives `rows` sums.
 * @param rows Rows.
 * @param n Row length.
 * @param scale Multiplies each sum.
 * @throws {RangeError} When a buffer is too small.
 */
export function rowSumsIn(
  arena: Arena | undefined,
  m: Float32Array,
  out: Float32Array,
  rows: number,
  n: number,
  scale: number,
): void {
  need("row sums", [m, rows * n], [out, rows]);
  if (rows === 0) return;
  const w = simd(arena, m, out);
  if (w) w.row_sums(m.byteOffset, out.byteOffset, rows, n, scale);
  else rowSums(m, out, rows, n, scale);
}

/**
 * {@linkcode maxpool}, in WebAssembly on arena buffers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * import { maxpoolIn } from "./spatial_kernels.ts";
 * const arena = new Arena(24), x = arena.alloc(4), a = arena.alloc(1), w = arena.alloc(1);
 * const win = new Int32Array(w.buffer, w.byteOffset, 1);
 * x.set([1, 4, 3, 2]);
 * maxpoolIn(arena, x, a, win, 1, { C: 1, H: 2, W: 2, Ho: 1, Wo: 1, k: 2, s: 2, p: 0 });
 * assertEquals(a[0], 4);
 * assertEquals(win[0], 1);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param x (BC, H·W).
 * @param a Receives (BC, Ho·Wo).
 * @param win Receives the winners' indices.
 * @param BC Planes.
 * @param g The geometry.
 * @throws {RangeError} When a buffer is too small.
 */
export function maxpoolIn(
  arena: Arena | undefined,
  x: Float32Array,
  a: Float32Array,
  win: Int32Array,
  BC: number,
  g: PatchGeometry,
): void {
  const n = BC * g.Ho * g.Wo;
  need("max pooling", [x, BC * g.H * g.W], [a, n], [win, n]);
  if (n === 0) return;
  const m = simd(arena, x, a, win);
  if (!m) return maxpool(x, a, win, BC, g);
  const args = [x.byteOffset, a.byteOffset, win.byteOffset, BC, g.H, g.W, g.Ho, g.Wo] as const;
  if (g.k === 2 && g.s === 2) m.maxpool2(...args); // LeNet's: four outputs at a time
  else m.maxpool(...args, g.k, g.s);
}

/**
 * {@linkcode maxpoolBack}, in WebAssembly on arena buffers (2×2 windows at stride 2: four at a
 * time, each input written once, without clearing first).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { maxpoolBackIn } from "./spatial_kernels.ts";
 * const out = new Float32Array(4);
 * const g = { C: 1, H: 2, W: 2, Ho: 1, Wo: 1, k: 2, s: 2, p: 0 };
 * maxpoolBackIn(undefined, new Float32Array([5]), out, new Int32Array([3]), 1, g);
 * assertEquals(Array.from(out), [0, 0, 0, 5]);
 * ```
 *
 * @param arena The workspace's arena (undefined: the scalar twin).
 * @param d The outputs' δ, (BC, Ho·Wo).
 * @param out Receives the inputs' δ, (BC, H·W).
 * @param win The forward pass's winners (each inside its own window).
 * @param BC Planes.
 * @param g The geometry.
 * @throws {RangeError} When a buffer is too small.
 */
export function maxpoolBackIn(
  arena: Arena | undefined,
  d: Float32Array,
  out: Float32Array,
  win: Int32Array,
  BC: number,
  g: PatchGeometry,
): void {
  const n = BC * g.Ho * g.Wo, inputs = BC * g.H * g.W;
  need("max pooling's backward pass", [d, n], [out, inputs], [win, n]);
  if (n === 0) return;
  const m = simd(arena, d, out, win);
  if (!m) return maxpoolBack(d, out, win, n, inputs);
  const geometry = [BC, g.H, g.W, g.Ho, g.Wo] as const;
  if (g.k === 2 && g.s === 2 && 2 * g.Ho === g.H && 2 * g.Wo === g.W) {
    m.maxpool2_back(d.byteOffset, out.byteOffset, win.byteOffset, ...geometry);
  } else m.maxpool_back(d.byteOffset, out.byteOffset, win.byteOffset, n, inputs);
}
