import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { taskFlags } from "../../src/cli/task_flags.ts";
import { TASKS } from "../../src/cli/tasks.ts";
import { getBlas, openLibm, openSubnormalFlush } from "../../src/native/mod.ts";
import { runDeno, runTask } from "../_tasks.ts";

const linuxX64 = Deno.build.os === "linux" && Deno.build.arch === "x86_64";
const mod = new URL("../../src/native/mod.ts", import.meta.url).href;
const rootMod = new URL("../../mod.ts", import.meta.url).href;
const trainMod = new URL("../../src/train/mod.ts", import.meta.url).href;

/** Runs `code` (MOD: the native module) in a child Deno with `threads` OpenBLAS threads. */
async function child(code: string, threads: number): Promise<{ code: number; out: string }> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    file,
    code.replaceAll("ROOT_MOD", rootMod).replaceAll("TRAIN_MOD", trainMod).replaceAll("MOD", mod),
  );
  try {
    const r = await runDeno(
      ["run", "--quiet", "--no-prompt", "--allow-ffi", "--allow-read", "--allow-env", file],
      { DFA_THREADS: String(threads) },
    );
    return { code: r.code, out: r.stdout.trim() + r.stderr.trim() };
  } finally {
    await Deno.remove(file);
  }
}

/** Every BLAS call on inputs near 1e-20 (products near 1e-40, subnormal), and one on normal ones. */
const probe = (flush: boolean) =>
  `import { getBlas } from "MOD";
const blas = getBlas({ flushSubnormals: ${flush} }), n = 256;
const nonzero = (v) => v.filter((x) => x !== 0).length;
const tiny = new Float32Array(n * n).fill(1e-20), c = new Float32Array(n * n), y = new Float32Array(n);
blas.sgemm(false, false, n, n, n, 1, tiny, n, tiny, n, 0, c, n);
const gemm = nonzero(c);
blas.sgemv(false, n, n, 1, tiny, n, tiny.subarray(0, n), 0, y);
const z = new Float32Array(n), s = new Float32Array(n).fill(1e-20);
blas.saxpy(n, 1e-20, tiny, z);
blas.sscal(n, 1e-20, s);
const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 101) / 101 - 0.5);
blas.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
console.log(JSON.stringify({
  threads: blas.threads, flushes: blas.flushesSubnormals,
  gemm, gemv: nonzero(y), axpy: nonzero(z), scal: nonzero(s),
  js: [new Float32Array([1e-40])[0] > 0, 1e-310 / 10 > 0], // JavaScript keeps IEEE subnormals
  product: Array.from(c.subarray(0, 64)),
}));`;

Deno.test({
  name: "flushing subnormals zeroes them in every BLAS call on every thread, and nothing else",
  ignore: !linuxX64,
  fn: async () => {
    const [plain, flushed] = await Promise.all([child(probe(false), 2), child(probe(true), 2)]);
    assertEquals(plain.code, 0, plain.out);
    assertEquals(flushed.code, 0, flushed.out);
    const p = JSON.parse(plain.out), f = JSON.parse(flushed.out);
    assertEquals([p.threads, p.flushes, f.threads, f.flushes], [2, false, 2, true]);
    // IEEE by default: each product is a subnormal, and so are the sums of a few.
    assertEquals([p.gemm, p.gemv, p.axpy, p.scal], [256 * 256, 256, 256, 256]);
    // Flushed: zero everywhere, the half OpenBLAS's second thread computes included.
    assertEquals([f.gemm, f.gemv, f.axpy, f.scal], [0, 0, 0, 0]);
    // Numbers of normal size multiply to the same bits; JavaScript still has subnormals after.
    assertEquals(f.product, p.product);
    assertEquals(f.js, [true, true]);
  },
});

Deno.test({
  name: "the call that loads OpenBLAS decides whether it flushes subnormals",
  ignore: !linuxX64,
  fn: async () => {
    // This process loaded it keeping them: asking otherwise now is refused, asking the same is not.
    const blas = getBlas();
    assertEquals(blas.flushesSubnormals, false);
    assertEquals(getBlas({ flushSubnormals: false }), blas);
    const e = assertThrows(() => getBlas({ flushSubnormals: true }), Error);
    assertStringIncludes(e.message, "Cannot flush subnormals: OpenBLAS is already loaded keeping");
    // Threads OpenBLAS started before (loaded once by hand) cannot take the bits: refused, as
    // the check product shows, rather than flushing on one thread and not on the other.
    const r = await child(
      `import { getBlas, openOpenBlas } from "MOD";
openOpenBlas();
try { getBlas({ flushSubnormals: true }); console.log("loaded"); }
catch (e) { console.log(e.message); }`,
      2,
    );
    assertEquals(r.code, 0, r.out);
    assertStringIncludes(r.out, "Cannot flush subnormals: OpenBLAS's threads keep them");
  },
});

Deno.test({
  name: "the flush switch sets the bits on the calling thread and clears them after",
  ignore: !linuxX64,
  fn: () => {
    const flush = openSubnormalFlush(), sgemm = getBlas().symbols.cblas_sgemm;
    const a = new Float32Array([1e-20]), c = new Float32Array(1);
    const product = () => (sgemm(101, 111, 111, 1, 1, 1, 1, a, 1, a, 1, 0, c, 1), c[0]);
    try {
      assert(product() > 0);
      flush.enter();
      const flushed = product();
      flush.leave();
      assertEquals(flushed, 0);
      assert(product() > 0);
    } finally {
      flush.close();
    }
  },
});

/** One epoch of RMSprop on inputs near 1e-20: the weights' mean squares are near 1e-41. */
const tinyTraining = (flush: boolean) =>
  `import { getBlas, Matrix, Network, rowArgmax, train } from "ROOT_MOD";
import { Optimizer } from "TRAIN_MOD";
const blas = getBlas({ flushSubnormals: ${flush} });
const net = Network.create({ sizes: [4, 3], seed: 1 }), x = new Matrix(8, 4), y = new Matrix(8, 3);
x.data.fill(1e-20);
for (let i = 0; i < 8; i++) y.data[i * 3 + (i % 3)] = 1;
const optimizer = new Optimizer({ name: "rmsprop", lr: 1e-3, rho: 0.99 });
train(net, { x, y, labels: rowArgmax(y) }, { epochs: 1, batchSize: 8, optimizer, test: { x, y, labels: rowArgmax(y) } });
const m = optimizer.stateOf(net.params)[0].slots[0]; // W1's, updated by a SIMD kernel
const store = new Float32Array([1e-20]);
store[0] *= 1e-20; // outside a step: IEEE again
console.log(JSON.stringify({ zeros: m.filter((v) => v === 0).length, n: m.length, store: store[0] > 0 }));`;

Deno.test({
  name: "with subnormals flushed, train runs each step flushed, its SIMD kernels included",
  ignore: !linuxX64,
  fn: async () => {
    const [plain, flushed] = await Promise.all([false, true].map((f) => child(tinyTraining(f), 1)));
    assertEquals(plain.code, 0, plain.out);
    assertEquals(flushed.code, 0, flushed.out);
    assertEquals(JSON.parse(plain.out), { zeros: 0, n: 12, store: true });
    assertEquals(JSON.parse(flushed.out), { zeros: 12, n: 12, store: true });
  },
});

Deno.test({
  name: "the flush nests: only the outermost enter and leave switch, and an extra leave is refused",
  ignore: !linuxX64,
  fn: () => {
    const flush = openSubnormalFlush(), f32 = new Float32Array(1);
    const tiny = () => (f32[0] = 1e-20, f32[0] *= 1e-20, f32[0]); // 1e-40 unless flushed
    try {
      flush.enter();
      flush.enter();
      flush.leave();
      assertEquals(tiny(), 0); // still inside the outer enter
      flush.leave();
      assert(tiny() > 0);
      assertThrows(
        () => flush.leave(),
        Error,
        "Cannot leave the subnormal flush: it was not entered",
      );
    } finally {
      flush.close();
    }
  },
});

Deno.test("a maths library that does not load is one error naming each path and the flag", () => {
  const paths = ["/nonexistent/libm.so.6", "/also/missing/libm.so.6"];
  const e = assertThrows(() => openLibm(paths), Deno.errors.NotFound);
  for (const p of paths) assertStringIncludes(e.message, p);
  assertStringIncludes(e.message, "--allow-ffi=");
});

Deno.test("a task gets FFI to the maths library only when it flushes subnormals", () => {
  const ffi = (task: string, args: string[]) =>
    taskFlags(TASKS[task], "/lib/blas.so", args, "/lib/m.so").filter((f) =>
      f.startsWith("--allow-ffi")
    );
  assertEquals(ffi("mnist", []), ["--allow-ffi=/lib/blas.so"]);
  assertEquals(ffi("mnist", ["--flush-subnormals"]), ["--allow-ffi=/lib/blas.so,/lib/m.so"]);
  assertEquals(ffi("reproduce", ["t", "--flush-subnormals"]), [
    "--allow-ffi=/lib/blas.so,/lib/m.so",
  ]);
  assertEquals(ffi("bench:subnormals", []), ["--allow-ffi=/lib/blas.so,/lib/m.so"]);
  assertEquals(ffi("create-dataset", ["--flush-subnormals"]), []);
});

Deno.test({
  name:
    "deno task mnist --flush-subnormals trains in its sandbox, as it would without on a small net",
  ignore: !linuxX64,
  fn: async () => {
    const small = ["--rule", "fa", "--hidden", "30,30", "--epochs", "1", "--train-samples", "300"];
    const runs = await Promise.all([[], ["--flush-subnormals"]].map((extra) =>
      runTask("mnist", [
        ...small,
        ...extra,
        ...["--test-samples", "100", "--json", "--quiet", "--no-report"],
      ])
    ));
    const [plain, flushed] = runs.map((r) => {
      assertEquals(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    });
    assertEquals([plain.options.flushSubnormals, flushed.options.flushSubnormals], [false, true]);
    // No subnormals in this net's products: the same loss to the last bit.
    assertEquals(flushed.epochs[0].loss, plain.epochs[0].loss);
  },
});
