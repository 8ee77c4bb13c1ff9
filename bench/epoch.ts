// One DFA epoch of the 784–800–10 tanh/sigmoid net over 60 000 MNIST-sized samples, against the
// same BLAS calls alone (same shapes, same buffers, same order), in the same process.
// Run: deno task bench:epoch [--batch 200,64,1000] [--optimizer sgd] [--reps 3] [--floats]
import { parseArgs } from "@std/cli";
import { type Dataset, getBlas, Matrix, Network, rowArgmax, train } from "../mod.ts";
import { Workspace } from "../src/model/mod.ts";
import { Optimizer, trainStep } from "../src/train/mod.ts";
import { BatchSource } from "../src/data/mod.ts";
import { Rng } from "../src/tensor/mod.ts";

const args = parseArgs(Deno.args, {
  string: ["batch", "optimizer", "reps", "rule"],
  boolean: ["floats"],
  default: { batch: "200,64,1000", optimizer: "sgd", reps: "3", rule: "dfa" },
});
const reps = Number(args.reps), rule = args.rule as "dfa" | "bp" | "fa";
const blas = getBlas();
const rng = new Rng(7);
const n = 60000, sizes = [784, 800, 10];
// Synthetic data of MNIST's shape and kind: 8-bit pixels scaled to [0, 1] (the GEMMs' timing does
// not depend on the values; the batch gather does depend on their being bytes). --floats: values
// that are not k/255, gathered as floats.
const pixels = new Float32Array(n * 784);
for (let i = 0; i < pixels.length; i++) {
  pixels[i] = args.floats ? rng.uniform() : rng.int(256) / 255;
}
const x = new Matrix(n, 784, pixels);
const y = new Matrix(n, 10);
for (let i = 0; i < n; i++) y.data[i * 10 + rng.int(10)] = 1;
const data: Dataset = { x, y, labels: rowArgmax(y) };

/** Buffers and weights for the BLAS calls alone (their own: training is not disturbed). */
function blasOnly(B: number) {
  const ws = new Workspace(sizes, B), net = Network.create({ sizes, rule, seed: 1 });
  const [W1, b1, W2, b2] = net.params.map((p) => p.value), F = net.feedback[0]?.data ?? W2;
  const [gW1, gb1, gW2, gb2] = net.params.map((p) => p.grad);
  /** The BLAS calls of one batch of m samples, in training's order, without the elementwise work. */
  return (m: number, sgd: boolean) => {
    blas.sgemm(false, false, m, 800, 1, 1, ws.ones, 1, b1, 800, 0, ws.h[0], 800);
    blas.sgemm(false, true, m, 800, 784, 1, ws.x, 784, W1, 784, 1, ws.h[0], 800);
    blas.sgemm(false, false, m, 10, 1, 1, ws.ones, 1, b2, 10, 0, ws.h[1], 10);
    blas.sgemm(false, true, m, 10, 800, 1, ws.h[0], 800, W2, 800, 1, ws.h[1], 10);
    // δ1 = e·B1 (DFA), e·F (FA) or e·W2 (BP): the same shapes
    blas.sgemm(false, false, m, 800, 10, 1, ws.delta[1], 10, F, 800, 0, ws.delta[0], 800);
    if (sgd) {
      blas.sgemm(true, false, 800, 784, m, -1e-9, ws.delta[0], 800, ws.x, 784, 1, W1, 784);
      blas.sgemv(true, m, 800, -1e-9, ws.delta[0], 800, ws.ones, 1, b1);
      blas.sgemm(true, false, 10, 800, m, -1e-9, ws.delta[1], 10, ws.h[0], 800, 1, W2, 800);
      blas.sgemv(true, m, 10, -1e-9, ws.delta[1], 10, ws.ones, 1, b2);
    } else {
      blas.sgemm(true, false, 800, 784, m, 1, ws.delta[0], 800, ws.x, 784, 0, gW1, 784);
      blas.sgemv(true, m, 800, 1, ws.delta[0], 800, ws.ones, 0, gb1);
      blas.sgemm(true, false, 10, 800, m, 1, ws.delta[1], 10, ws.h[0], 800, 0, gW2, 800);
      blas.sgemv(true, m, 10, 1, ws.delta[1], 10, ws.ones, 0, gb2);
    }
  };
}

/** The BLAS calls of one epoch alone. */
function gemmOnly(B: number, sgd: boolean) {
  const step = blasOnly(B), batches = Math.ceil(n / B);
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) step(Math.min(B, n - b * B), sgd);
  return (performance.now() - t0) / 1000;
}

/**
 * One epoch's training steps, each followed by the same BLAS calls alone, timed separately: both
 * see the machine in the same state, so a shared machine's drift cancels out of the ratio. The
 * steps are train()'s own: shuffle, fill the batch, trainBatch.
 */
function interleaved(B: number, optimizer: string, seed: number) {
  const net = Network.create({ sizes, rule, init: "normal", seed: 1 });
  const opt = new Optimizer({ name: optimizer as "sgd", lr: 1e-6 });
  const ws = net.workspace(B), source = new BatchSource(data, B), step = blasOnly(B);
  const shuffler = new Rng(seed), batches = Math.ceil(n / B), sgd = optimizer === "sgd";
  let train = 0, gemm = 0;
  for (let epoch = 0; epoch < 2; epoch++) { // the first warms up
    train = gemm = 0;
    let t0 = performance.now();
    for (let i = 0; i < n; i++) source.order[i] = i;
    shuffler.shuffle(source.order);
    train += performance.now() - t0;
    for (let b = 0; b < batches; b++) {
      const m = Math.min(B, n - b * B);
      t0 = performance.now();
      const x = source.fill(b * B, m, ws);
      trainStep(net, ws, m, opt, { x });
      const t1 = performance.now();
      step(m, sgd);
      const t2 = performance.now();
      train += t1 - t0;
      gemm += t2 - t1;
    }
  }
  return train / gemm;
}

/** The time of one epoch once training runs: the second of two (the first pays for set-up). */
function epoch(B: number, optimizer: string) {
  const net = Network.create({ sizes, rule, init: "normal", seed: 1 });
  const r = train(net, data, {
    epochs: 2,
    batchSize: B,
    optimizer: new Optimizer({ name: optimizer as "sgd", lr: 1e-6 }),
  });
  return r.epochs[1].seconds;
}

console.log(
  `${rule} epoch of 784–800–10 over ${n} ${
    args.floats ? "float" : "8-bit"
  } samples, ${args.optimizer}, threads ${blas.threads}; best of ${reps}, interleaved`,
);
for (const B of String(args.batch).split(",").map(Number)) {
  let te = Infinity, tg = Infinity;
  const ratios: number[] = [];
  epoch(B, args.optimizer), gemmOnly(B, args.optimizer === "sgd"); // warm up
  for (let r = 0; r < reps; r++) {
    te = Math.min(te, epoch(B, args.optimizer));
    tg = Math.min(tg, gemmOnly(B, args.optimizer === "sgd"));
    ratios.push(interleaved(B, args.optimizer, r));
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `batch ${String(B).padStart(4)}: epoch ${te.toFixed(3)} s, BLAS calls alone ${
      tg.toFixed(3)
    } s, ratio ${(te / tg).toFixed(3)}; batch by batch: ratio ${
      ratios[(reps - 1) >> 1].toFixed(3)
    } (median of ${reps}; ${ratios[0].toFixed(3)}–${ratios[reps - 1].toFixed(3)})`,
  );
}
