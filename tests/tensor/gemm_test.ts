import { assert, assertEquals, assertThrows } from "@std/assert";
import { getBlas, Matrix } from "../../mod.ts";
import { gemm, Rng } from "../../src/tensor/mod.ts";
import { gemmNaive } from "../../src/testing/mod.ts";

function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  return new Matrix(rows, cols, rng.fillNormal(new Float32Array(rows * cols)));
}

function maxRelativeError(got: Float32Array, want: Float32Array): number {
  let scale = 0, err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return scale === 0 ? err : err / scale;
}

Deno.test("gemm matches the naive reference over hundreds of random shapes", () => {
  const rng = new Rng(2024);
  const sizes = [1, 2, 3, 7, 16, 31, 64, 65, 127];
  for (let trial = 0; trial < 400; trial++) {
    const m = sizes[rng.int(sizes.length)], n = sizes[rng.int(sizes.length)];
    const k = sizes[rng.int(sizes.length)];
    const transA = rng.int(2) === 1, transB = rng.int(2) === 1;
    const alpha = [1, -0.5, 2.25][rng.int(3)], beta = [0, 1, 0.75][rng.int(3)];
    // Views at an offset: the operands live in the middle of larger matrices.
    const pad = rng.int(3);
    const aFull = randomMatrix(rng, (transA ? k : m) + pad + 1, transA ? m : k);
    const bFull = randomMatrix(rng, (transB ? n : k) + pad, transB ? k : n);
    const a = aFull.rowRange(pad, pad + (transA ? k : m));
    const b = bFull.rowRange(pad, pad + (transB ? n : k));
    const cFull = randomMatrix(rng, m + pad, n);
    const c = cFull.rowRange(pad, pad + m);
    const want = c.clone();
    gemmNaive(a, b, want, { transA, transB, alpha, beta });
    const before = cFull.data.slice(0, pad * n);
    gemm(a, b, c, { transA, transB, alpha, beta });
    const err = maxRelativeError(c.data, want.data);
    assert(err < 1e-5, `${m}×${n}×${k} tA=${transA} tB=${transB}: relative error ${err}`);
    assertEquals(cFull.data.slice(0, pad * n), before, "rows before the view are untouched");
  }
});

Deno.test("gemm with beta 0 ignores NaN in C and k = 0 scales C", () => {
  const c = new Matrix(2, 2, new Float32Array([NaN, NaN, NaN, NaN]));
  gemm(Matrix.from([[1], [2]]), Matrix.from([[3, 4]]), c);
  assertEquals(c.toArray(), [[3, 4], [6, 8]]);
  const c2 = Matrix.from([[1, 2], [3, 4]]);
  gemm(new Matrix(2, 0), new Matrix(0, 2), c2, { beta: 0.5 });
  assertEquals(c2.toArray(), [[0.5, 1], [1.5, 2]]);
});

Deno.test("gemm rejects shapes that do not fit with a RangeError naming them", () => {
  const e = assertThrows(
    () => gemm(new Matrix(3, 4), new Matrix(5, 2), new Matrix(3, 2)),
    RangeError,
  );
  assertEquals(e.message, "Cannot multiply 3×4 by 5×2: inner sizes differ");
  assertThrows(
    () => gemm(new Matrix(3, 4), new Matrix(4, 2), new Matrix(2, 3)),
    RangeError,
    "Cannot store a 3×2 product in 2×3",
  );
});

Deno.test("sgemm rejects every wrong size before the native call", async (t) => {
  const blas = getBlas();
  const f = (n: number) => new Float32Array(n);
  const cases: [string, () => void, string][] = [
    [
      "negative m",
      () => blas.sgemm(false, false, -1, 2, 2, 1, f(4), 2, f(4), 2, 0, f(4), 2),
      "m must",
    ],
    [
      "fractional k",
      () => blas.sgemm(false, false, 2, 2, 1.5, 1, f(4), 2, f(4), 2, 0, f(4), 2),
      "k must",
    ],
    [
      "huge n",
      () => blas.sgemm(false, false, 2, 2 ** 31, 2, 1, f(4), 2, f(4), 2, 0, f(4), 2),
      "n must",
    ],
    [
      "lda too small",
      () => blas.sgemm(false, false, 2, 2, 3, 1, f(6), 2, f(6), 2, 0, f(4), 2),
      "lda",
    ],
    [
      "lda too small, A transposed",
      () => blas.sgemm(true, false, 3, 2, 2, 1, f(6), 2, f(4), 2, 0, f(6), 2),
      "lda",
    ],
    [
      "ldb too small",
      () => blas.sgemm(false, true, 2, 3, 2, 1, f(4), 2, f(6), 1, 0, f(6), 3),
      "ldb",
    ],
    [
      "ldc too small",
      () => blas.sgemm(false, false, 2, 3, 2, 1, f(4), 2, f(6), 3, 0, f(6), 2),
      "ldc",
    ],
    [
      "A too short",
      () => blas.sgemm(false, false, 2, 2, 2, 1, f(3), 2, f(4), 2, 0, f(4), 2),
      "A (2×2, lda 2) needs 4",
    ],
    [
      "A too short for its lda",
      () => blas.sgemm(false, false, 2, 2, 2, 1, f(4), 3, f(4), 2, 0, f(4), 2),
      "needs 5",
    ],
    [
      "B too short",
      () => blas.sgemm(false, false, 2, 2, 2, 1, f(4), 2, f(3), 2, 0, f(4), 2),
      "B (2×2, ldb 2)",
    ],
    [
      "C too short",
      () => blas.sgemm(false, false, 2, 2, 2, 1, f(4), 2, f(4), 2, 0, f(3), 2),
      "C (2×2, ldc 2)",
    ],
    [
      "view too short",
      () => blas.sgemm(false, false, 2, 2, 2, 1, f(8).subarray(5), 2, f(4), 2, 0, f(4), 2),
      "A",
    ],
    ["C overlaps A", () => {
      const buf = f(8);
      blas.sgemm(false, false, 2, 2, 2, 1, buf.subarray(0, 4), 2, f(4), 2, 0, buf.subarray(2), 2);
    }, "overlaps"],
    ["saxpy x too short", () => blas.saxpy(4, 1, f(3), f(4)), "saxpy"],
    ["sscal x too short", () => blas.sscal(4, 1, f(3)), "sscal"],
    ["threads 0", () => {
      blas.threads = 0;
    }, "threads"],
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, () => {
      assertThrows(call, RangeError, message);
    });
  }
  await t.step("not a Float32Array is a TypeError", () => {
    assertThrows(
      () =>
        blas.sgemm(
          false,
          false,
          1,
          1,
          1,
          1,
          new Float64Array(1) as unknown as Float32Array,
          1,
          f(1),
          1,
          0,
          f(1),
          1,
        ),
      TypeError,
      "A must be a Float32Array",
    );
  });
});

Deno.test("saxpy and sscal update vectors in place", () => {
  const blas = getBlas();
  const y = new Float32Array([1, 2, 3]);
  blas.saxpy(3, 2, new Float32Array([1, 1, 1]), y);
  assertEquals(Array.from(y), [3, 4, 5]);
  blas.sscal(2, -1, y);
  assertEquals(Array.from(y), [-3, -4, 5]);
});

Deno.test("thread count can be read and set", () => {
  const blas = getBlas();
  const before = blas.threads;
  blas.threads = 1;
  assertEquals(blas.threads, 1);
  blas.threads = before;
  assertEquals(blas.threads, before);
});
