// GEMM throughput through the checked wrapper, and the wrapper's overhead against a direct FFI call,
// at the shapes of the 784–800–10 MNIST net (batch-major: activations are (batch, features)).
// Run: deno task bench:gemm [--batch 200] [--reps 30]
import { parseArgs } from "@std/cli";
import { CBLAS_NO_TRANS, CBLAS_ROW_MAJOR, CBLAS_TRANS } from "../src/native/mod.ts";
import { getBlas } from "../mod.ts";
import { Rng } from "../src/tensor/mod.ts";

const args = parseArgs(Deno.args, {
  string: ["batch", "reps"],
  default: { batch: "200", reps: "30" },
});
const B = Number(args.batch), reps = Number(args.reps);
const blas = getBlas();
const rng = new Rng(1);

// [name, m, n, k, transA, transB]
const shapes: [string, number, number, number, boolean, boolean][] = [
  [`forward  x·W1ᵀ   (${B}×784)·(784×800)`, B, 800, 784, false, true],
  [`grad     δ1ᵀ·x   (800×${B})·(${B}×784)`, 800, 784, B, true, false],
  [`forward  h·W2ᵀ   (${B}×800)·(800×10)`, B, 10, 800, false, true],
  [`grad     eᵀ·h    (10×${B})·(${B}×800)`, 10, 800, B, true, false],
  [`feedback e·B1    (${B}×10)·(10×800)`, B, 800, 10, false, false],
  [`backprop δ2·W2   (${B}×10)·(10×800)`, B, 800, 10, false, false],
];

function time(fn: () => void, iters: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) fn();
  return (performance.now() - t0) / iters;
}

console.log(
  `threads ${blas.threads}, batch ${B}, ${reps} interleaved rounds, min and median per call`,
);
console.log("shape".padEnd(44), "GFLOP/s", "  wrapper ms", " direct ms", " overhead (min, median)");
for (const [name, m, n, k, tA, tB] of shapes) {
  const a = rng.fillNormal(new Float32Array(m * k)), b = rng.fillNormal(new Float32Array(k * n));
  const c = new Float32Array(m * n);
  const lda = tA ? m : k, ldb = tB ? k : n;
  const wrapped = () => blas.sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n);
  const direct = () =>
    blas.symbols.cblas_sgemm(
      CBLAS_ROW_MAJOR,
      tA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      tB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m,
      n,
      k,
      1,
      a,
      lda,
      b,
      ldb,
      0,
      c,
      n,
    );
  const iters = Math.max(5, Math.round(2e8 / (2 * m * n * k)));
  for (let i = 0; i < iters; i++) wrapped(), direct();
  const tw: number[] = [], td: number[] = [];
  for (let r = 0; r < reps; r++) {
    tw.push(time(wrapped, iters));
    td.push(time(direct, iters));
  }
  tw.sort((x, y) => x - y);
  td.sort((x, y) => x - y);
  const med = (v: number[]) => v[v.length >> 1];
  const gflops = (2 * m * n * k) / (tw[0] * 1e6);
  const pct = (w: number, d: number) => `${(((w - d) / d) * 100).toFixed(2)} %`;
  console.log(
    name.padEnd(44),
    gflops.toFixed(1).padStart(7),
    tw[0].toFixed(4).padStart(12),
    td[0].toFixed(4).padStart(10),
    `  ${pct(tw[0], td[0])}, ${pct(med(tw), med(td))}`,
  );
}

// The wrapper's own cost, without the noise of a GEMM around it: the same checks on a call whose
// product is empty (m = 0 returns after validating), against the fastest shape above.
{
  const a = new Float32Array(784 * 800),
    b = new Float32Array(784 * 800),
    c = new Float32Array(800 * 800);
  const iters = 1_000_000;
  for (let i = 0; i < 10_000; i++) {
    blas.sgemm(false, true, 0, 800, 784, 1, a, 784, b, 784, 0, c, 800);
  }
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    blas.sgemm(false, true, 0, 800, 784, 1, a, 784, b, 784, 0, c, 800);
  }
  const us = ((performance.now() - t0) / iters) * 1000;
  console.log(
    `validation alone: ${us.toFixed(3)} µs a call, ${
      (us / 1000 / 0.05 * 100).toFixed(3)
    } % of a 0.05 ms GEMM ` +
      `(the smallest MNIST shape above)`,
  );
}
