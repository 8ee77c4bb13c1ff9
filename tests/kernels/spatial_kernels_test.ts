// The SIMD spatial kernels (wasm/kernels.wat) against their scalar twins (src/kernels/spatial.ts),
// which the spatial layer tests hold to the naive double-precision reference: any geometry, odd
// offsets, ties in max pooling, and sizes checked before the module's memory is touched.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { Arena } from "../../src/kernels/arena.ts";
import {
  col2im,
  col2imIn,
  im2col,
  im2colIn,
  maxpool,
  maxpoolBack,
  maxpoolBackIn,
  maxpoolIn,
  type PatchGeometry,
  rowSums,
  rowSumsIn,
  toBatchMajor,
  toBatchMajorIn,
  toChannelMajor,
  toChannelMajorIn,
} from "../../src/kernels/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";

const rng = new Rng(21);
// Room for every buffer of every test (16 MiB of the module's memory; nothing is freed).
const arena = new Arena(1 << 22);
assert(arena.simd, "WebAssembly SIMD is available");

/** A buffer in the arena at an odd offset (the kernels take any 4-byte alignment), filled. */
function inArena(n: number, fill: (i: number) => number = () => rng.normal()): Float32Array {
  const a = arena.alloc(n + 1).subarray(1);
  for (let i = 0; i < n; i++) a[i] = fill(i);
  return a;
}

/** Convolution geometries: strides 1–3, every padding below the kernel, odd and LeNet sizes. */
function* geometries(): Generator<[PatchGeometry, number]> {
  for (const [C, H, W] of [[1, 28, 28], [6, 14, 14], [2, 5, 7], [3, 9, 6]]) {
    for (const k of [1, 2, 3, 5]) {
      for (const s of [1, 2, 3]) {
        for (let p = 0; p < k; p++) {
          const Ho = Math.floor((H + 2 * p - k) / s) + 1, Wo = Math.floor((W + 2 * p - k) / s) + 1;
          if (Ho >= 1 && Wo >= 1) yield [{ C, H, W, Ho, Wo, k, s, p }, 1 + (k + s + p) % 3];
        }
      }
    }
  }
}

Deno.test("SIMD im2col and col2im equal their scalar twins at every stride and padding", () => {
  let cases = 0;
  for (const [g, B] of geometries()) {
    const n = B * g.C * g.H * g.W, m = g.C * g.k * g.k * B * g.Ho * g.Wo;
    const x = inArena(n), cols = inArena(m, () => NaN), want = new Float32Array(m);
    im2colIn(arena, x, B, g, cols);
    im2col(x, B, g, want);
    assertEquals(cols, want, JSON.stringify(g));
    const back = inArena(n, () => NaN), wantBack = new Float32Array(n);
    col2imIn(arena, cols, B, g, back);
    col2im(cols, B, g, wantBack);
    assertEquals(back, wantBack, JSON.stringify(g));
    cases++;
  }
  assert(cases > 100, `${cases} geometries`);
});

Deno.test("SIMD reorderings and bias sums equal their scalar twins", () => {
  for (const [K, B, P] of [[6, 64, 784], [16, 3, 100], [120, 5, 1], [1, 1, 3], [7, 2, 5]]) {
    const t = inArena(K * B * P), bias = inArena(K), a = inArena(K * B * P, () => NaN);
    const want = new Float32Array(K * B * P);
    toBatchMajorIn(arena, t, a, bias, K, B, P);
    toBatchMajor(t, want, bias, K, B, P);
    assertEquals(a, want);
    const back = inArena(K * B * P, () => NaN), wantBack = new Float32Array(K * B * P);
    toChannelMajorIn(arena, a, back, K, B, P);
    toChannelMajor(a, wantBack, K, B, P);
    assertEquals(back, wantBack);
    const sums = inArena(K), wantSums = new Float32Array(K);
    rowSumsIn(arena, t, sums, K, B * P, 0.5);
    rowSums(t, wantSums, K, B * P, 0.5);
    // The SIMD sums add in four lanes, the twin in one: both within float rounding of the sum
    // in double precision (bounded by a small multiple of ε·Σ|m|).
    for (let r = 0; r < K; r++) {
      let exact = 0, abs = 0;
      for (let q = r * B * P; q < (r + 1) * B * P; q++) (exact += t[q]), (abs += Math.abs(t[q]));
      for (const v of [sums[r], wantSums[r]]) {
        assert(Math.abs(v - 0.5 * exact) <= 1e-6 * abs + 1e-7, `row ${r}: ${v} vs ${0.5 * exact}`);
      }
    }
  }
});

Deno.test("SIMD max pooling picks the first of equal maxima, as the scalar twin", () => {
  // Few distinct values, so that windows often hold ties; 2×2/2 runs the four-wide kernel.
  for (
    const [C, H, W, k, s] of [[6, 28, 28, 2, 2], [16, 10, 10, 2, 2], [2, 6, 18, 2, 2], [
      3,
      7,
      7,
      3,
      2,
    ], [2, 5, 5, 2, 1]]
  ) {
    for (const B of [1, 3]) {
      const Ho = (H - k) / s + 1, Wo = (W - k) / s + 1;
      if (!Number.isInteger(Ho) || !Number.isInteger(Wo)) continue;
      const g = { C, H, W, Ho, Wo, k, s, p: 0 }, n = B * C * Ho * Wo, inputs = B * C * H * W;
      const x = inArena(inputs, () => rng.int(4) - 1), a = inArena(n, () => NaN);
      const w = inArena(n), win = new Int32Array(w.buffer, w.byteOffset, n);
      const wantA = new Float32Array(n), wantWin = new Int32Array(n);
      maxpoolIn(arena, x, a, win, B * C, g);
      maxpool(x, wantA, wantWin, B * C, g);
      assertEquals(a, wantA, JSON.stringify(g));
      assertEquals(win, wantWin, JSON.stringify(g));
      const d = inArena(n), out = inArena(inputs, () => NaN), wantOut = new Float32Array(inputs);
      maxpoolBackIn(arena, d, out, win, B * C, g);
      maxpoolBack(d, wantOut, win, n, inputs);
      assertEquals(out, wantOut);
    }
  }
});

Deno.test("a spatial kernel given a buffer too small throws before touching memory", () => {
  const g = { C: 1, H: 4, W: 4, Ho: 2, Wo: 2, k: 3, s: 1, p: 0 };
  const x = inArena(16), cols = inArena(9 * 4 - 1, () => 7);
  assertThrows(() => im2colIn(arena, x, 1, g, cols), RangeError, "Cannot run im2col");
  assert(cols.every((v) => v === 7), "nothing written");
  assertThrows(() => col2imIn(arena, cols, 1, g, x), RangeError);
  assertThrows(() => toBatchMajorIn(arena, x, x, x, 4, 2, 3), RangeError, "batch-major");
  assertThrows(() => rowSumsIn(arena, x, x, 5, 4, 1), RangeError, "row sums");
  assertThrows(
    () => maxpoolIn(arena, x, x, new Int32Array(3), 1, { ...g, k: 2, s: 2 }),
    RangeError,
    "max pooling",
  );
});
