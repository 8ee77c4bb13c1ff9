// LeNet-5 on MNIST-sized data: an epoch over N samples (default 6 400: 100 batches of 64) with
// BLAS timing on, against the time inside BLAS calls; GFLOP/s of the convolutions' products
// (forward, input gradient, weight gradient: 3 GEMMs of 2·K·C·k²·B·P flops a layer and batch).
// Run: deno run -A bench/lenet.ts [--samples 6400] [--rule bp]   (under /usr/bin/time -v for RSS)
import { parseArgs } from "@std/cli";
import {
  type Dataset,
  getBlas,
  LENET5,
  Matrix,
  Network,
  parseArchitecture,
  rowArgmax,
  type Rule,
  train,
} from "../mod.ts";
import { Rng } from "../src/tensor/mod.ts";

const args = parseArgs(Deno.args, {
  string: ["samples", "rule"],
  default: { samples: "6400", rule: "bp" },
});
const n = Number(args.samples), rule = args.rule as Rule, B = 64, rng = new Rng(3);
const x = new Matrix(n, 784, Float32Array.from({ length: n * 784 }, () => rng.int(256) / 255));
const y = new Matrix(n, 10);
for (let i = 0; i < n; i++) y.data[i * 10 + rng.int(10)] = 1;
const data: Dataset = { x, y, labels: rowArgmax(y) };
const arch = parseArchitecture(LENET5, [1, 28, 28], 10, "relu");
const net = Network.create({ ...arch, rule, init: "uniform", seed: 1 });
const blas = getBlas();
blas.timing = { seconds: 0, calls: 0 };
// Two epochs: the first carries the run's one-off set-up (the inputs checked and encoded as bytes
// once a training); the second is the epoch measured.
let t0 = performance.now(), setup = { wall: 0, blas: 0 };
train(net, data, {
  epochs: 2,
  batchSize: B,
  optimizer: { name: "adam", lr: 1e-3 },
  seed: 1,
  onEpoch: (s) => {
    if (s.epoch !== 1) return;
    setup = { wall: (performance.now() - t0) / 1000, blas: blas.timing!.seconds };
    blas.timing = { seconds: 0, calls: 0 };
    t0 = performance.now();
  },
});
const wall = (performance.now() - t0) / 1000, inBlas = blas.timing.seconds;
// The convolutions' flops for the samples (every batch full).
let flops = 0;
arch.layers.forEach((kind, k) => {
  const s = arch.specs[k];
  if (kind !== "conv" || !s) return;
  const ckk = s.in[0] * s.kernel! * s.kernel!, K = s.out[0], P = s.out[1] * s.out[2];
  flops += 3 * 2 * K * ckk * P * n;
});
console.log(
  `LeNet-5, ${rule}, ${n} samples, batch ${B}: ${wall.toFixed(2)} s, of which BLAS ${
    inBlas.toFixed(2)
  } s (${blas.timing.calls} calls): ${
    (wall / inBlas).toFixed(2)
  }× the BLAS time (the second epoch; ` +
    `the first, with the run's set-up: ${(setup.wall / setup.blas).toFixed(2)}×)`,
);
console.log(
  `the convolutions' GEMMs: ${(flops / 1e9).toFixed(2)} GFLOP, ${
    (flops / 1e9 / inBlas).toFixed(2)
  } GFLOP/s over all BLAS time (a lower bound for theirs); peak RSS: run under /usr/bin/time -v`,
);
