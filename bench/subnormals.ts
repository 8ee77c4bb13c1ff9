// The cost of subnormal floats in OpenBLAS's sgemm, and what flushing them to zero saves: the
// 64×240·240×240 product of a 100×240 net's hidden layer, on inputs of normal size (1e-2) and on
// inputs whose products are subnormal (1e-20, as deep in a 100×240 FA net), each plain and with
// the flush-to-zero bits set around the call, in one process on one thread (the bits belong to the
// thread: OpenBLAS's own threads take them only when the library loads, see getBlas).
// Run: deno task bench:subnormals [--reps 20]
import { parseArgs } from "@std/cli";
import { getBlas } from "../mod.ts";
import { Rng } from "../src/tensor/mod.ts";
import { CBLAS_NO_TRANS, CBLAS_ROW_MAJOR, openSubnormalFlush } from "../src/native/mod.ts";

const args = parseArgs(Deno.args, { string: ["reps"], default: { reps: "20" } });
const reps = Number(args.reps);
const blas = getBlas(), flush = openSubnormalFlush(), rng = new Rng(1);
blas.threads = 1;
const [m, n, k] = [64, 240, 240];

function uniform(length: number, scale: number): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = (rng.uniform() - 0.5) * scale;
  return a;
}

/** Milliseconds a product, and how many of its entries are not zero. */
function time(scale: number, flushed: boolean): { ms: number; nonzero: number } {
  const a = uniform(m * k, scale), b = uniform(k * n, scale), c = new Float32Array(m * n);
  const call = () =>
    blas.symbols.cblas_sgemm(
      CBLAS_ROW_MAJOR,
      CBLAS_NO_TRANS,
      CBLAS_NO_TRANS,
      m,
      n,
      k,
      1,
      a,
      k,
      b,
      n,
      0,
      c,
      n,
    );
  call(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    if (flushed) flush.enter();
    call();
    if (flushed) flush.leave();
  }
  return { ms: (performance.now() - t0) / reps, nonzero: c.filter((v) => v !== 0).length };
}

console.log(`sgemm ${m}×${k}·${k}×${n}, one thread, mean of ${reps} calls`);
console.log("inputs   plain ms  flushed ms  plain/flushed  nonzero entries (plain, flushed)");
for (const scale of [1e-2, 1e-20]) {
  const plain = time(scale, false), flushed = time(scale, true);
  console.log(
    `${scale.toExponential(0).padEnd(7)} ${plain.ms.toFixed(3).padStart(9)} ${
      flushed.ms.toFixed(3).padStart(11)
    } ${(plain.ms / flushed.ms).toFixed(1).padStart(14)}  ${plain.nonzero}, ${flushed.nonzero}`,
  );
}
// What the switch itself costs: two fesetenv calls around each BLAS call.
const switches = 100_000, t0 = performance.now();
for (let i = 0; i < switches; i++) flush.enter(), flush.leave();
console.log(`enter + leave: ${((performance.now() - t0) * 1e6 / switches).toFixed(0)} ns`);
