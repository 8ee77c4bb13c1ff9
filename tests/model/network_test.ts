import { fastGradients, finiteDifferences, maxRelErr, randomBatch } from "../_gradient_check.ts";
import { evalPython } from "../_numpy.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertInstanceOf,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  type Activation,
  loadNetwork,
  type Loss,
  Matrix,
  Network,
  rowArgmax,
  type Rule,
  saveNetwork,
  train,
  TrainingDivergedError,
} from "../../mod.ts";
import { ACTIVATIONS, lossAndError, LOSSES, Workspace } from "../../src/model/mod.ts";
import { Optimizer } from "../../src/train/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { referenceLoss, referenceParams, referenceUpdates } from "../../src/testing/mod.ts";

Deno.test("backprop gradients match finite differences for every activation and loss", async (t) => {
  for (const hidden of ACTIVATIONS) {
    for (const loss of LOSSES) {
      await t.step(`${hidden} hidden, ${loss} output`, () => {
        const net = Network.create({
          sizes: [5, 7, 6, 4],
          hidden,
          loss,
          rule: "bp",
          init: "xavier",
          biasInit: "uniform",
          seed: 11,
        });
        const B = 3, { x, y, ws } = randomBatch(net, B, 5, "uniform");
        const fast = fastGradients(net, ws, B, "bp");
        const p = referenceParams(net), fd = finiteDifferences(net, p, x, y);
        for (let k = 0; k < net.depth; k++) {
          const fdw = p.w[k].flatMap((row) => fd(row)), fdb = fd(p.b[k]);
          // ReLU's kink makes a few differences one-sided; elsewhere agreement is to float precision.
          const tol = hidden === "relu" ? 2e-2 : 2e-3;
          assert(maxRelErr(fast.w[k], fdw) < tol, `W${k + 1}: ${maxRelErr(fast.w[k], fdw)}`);
          assert(maxRelErr(fast.b[k], fdb) < tol, `b${k + 1}: ${maxRelErr(fast.b[k], fdb)}`);
        }
      });
    }
  }
});

Deno.test("BP, FA and DFA updates match a direct computation of their formulas", async (t) => {
  for (const rule of ["bp", "fa", "dfa"] as Rule[]) {
    for (const hidden of ["tanh", "relu", "sigmoid"] as Activation[]) {
      await t.step(`${rule}, ${hidden}`, () => {
        const net = Network.create({
          sizes: [6, 9, 8, 3],
          hidden,
          rule,
          init: "xavier",
          biasInit: "uniform",
          seed: 3,
        });
        const B = 4, { x, y, ws } = randomBatch(net, B, 9, "uniform");
        const fast = fastGradients(net, ws, B, rule);
        const ref = referenceUpdates(net, x, y, rule);
        for (let k = 0; k < net.depth; k++) {
          const e = maxRelErr(fast.w[k], ref.w[k].flat());
          assert(e < 1e-5, `${rule} W${k + 1}: ${e}`);
          assert(maxRelErr(fast.b[k], ref.b[k]) < 1e-5, `${rule} b${k + 1}`);
        }
      });
    }
  }
});

Deno.test("dfa and fa updates differ from the backprop gradient", () => {
  for (const rule of ["dfa", "fa"] as Rule[]) {
    const net = Network.create({ sizes: [6, 9, 8, 3], rule, init: "xavier", seed: 4 });
    const B = 8, { ws } = randomBatch(net, B, 2, "uniform");
    const mine = fastGradients(net, ws, B, rule), bp = fastGradients(net, ws, B, "bp");
    // The output layer's update is the same for every rule; the hidden ones are not.
    assertEquals(mine.w[net.depth - 1], bp.w[net.depth - 1]);
    for (let k = 0; k < net.depth - 1; k++) {
      const a = mine.w[k], b = bp.w[k];
      const cos = a.reduce((s, v, i) => s + v * b[i], 0) /
        Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
      assert(Math.abs(cos) < 0.99, `${rule} W${k + 1} is the backprop gradient (cos ${cos})`);
    }
  }
  // And a network keeps the rule it was built with.
  assertEquals(Network.create({ sizes: [2, 3, 2], rule: "dfa" }).rule, "dfa");
  assertThrows(() =>
    Network.create({ sizes: [2, 3, 2], rule: "bp" }).backward(
      new Workspace([2, 3, 2], 1),
      1,
      "dfa",
    )
  );
});

function xorData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Matrix(n, 2), y = new Matrix(n, 2);
  for (let i = 0; i < n; i++) {
    const a = rng.int(2), b = rng.int(2);
    x.set(i, 0, a + 0.1 * rng.normal());
    x.set(i, 1, b + 0.1 * rng.normal());
    y.set(i, a ^ b, 1);
  }
  return { x, y, labels: rowArgmax(y) };
}

Deno.test("the same seed gives bit-identical weights", () => {
  const data = xorData(300, 1);
  const run = (opt: "sgd" | "adam") => {
    const net = Network.create({ sizes: [2, 16, 2], rule: "dfa", init: "xavier", seed: 42 });
    train(net, data, { epochs: 3, batchSize: 32, optimizer: { name: opt, lr: 0.01 }, seed: 7 });
    return net.params.map((p) => p.value.slice());
  };
  for (const opt of ["sgd", "adam"] as const) assertEquals(run(opt), run(opt));
  const other = Network.create({ sizes: [2, 16, 2], rule: "dfa", init: "xavier", seed: 43 });
  assert(
    other.params[0].value.some((v, i) =>
      v !== Network.create({ sizes: [2, 16, 2], init: "xavier", seed: 42 }).params[0].value[i]
    ),
  );
});

Deno.test("firstInit starts the first layer its own way and the others as init says", () => {
  const sizes = [5, 4, 3, 2], base = { sizes, rule: "fa" as const, seed: 3 };
  const net = Network.create({ ...base, init: "zeros", firstInit: "uniform" });
  const [w1, , w2, , w3] = net.params.map((p) => p.value);
  assert(w1.some((v) => v !== 0) && w1.every((v) => Math.abs(v) <= 1 / Math.sqrt(5)));
  assert([...w2, ...w3].every((v) => v === 0), "the later layers start from zeros");
  // A firstInit equal to init changes nothing, draws included.
  const same = Network.create({ ...base, init: "uniform", firstInit: "uniform" });
  assertEquals(
    same.params.map((p) => p.value),
    Network.create({ ...base, init: "uniform" }).params.map((p) => p.value),
  );
  assertThrows(
    () => Network.create({ sizes, firstInit: "odd" as "zeros" }),
    RangeError,
    "an initialisation must be one of",
  );
});

Deno.test("DFA, FA and BP all learn a nonlinear problem", () => {
  const data = xorData(400, 2), test = xorData(200, 3);
  for (const rule of ["bp", "fa", "dfa"] as Rule[]) {
    const net = Network.create({ sizes: [2, 32, 32, 2], rule, init: "xavier", seed: 5 });
    const r = train(net, data, {
      epochs: 60,
      batchSize: 20,
      optimizer: { name: "adam", lr: 0.01 },
      test,
    });
    assert(
      r.epochs.at(-1)!.testError! < 0.05,
      `${rule}: test error ${r.epochs.at(-1)!.testError}`,
    );
  }
});

Deno.test("a learning rate that diverges stops with an error naming the epoch", () => {
  const data = xorData(200, 4);
  const net = Network.create({
    sizes: [2, 8, 2],
    loss: "mse",
    hidden: "linear",
    init: "normal",
    seed: 1,
  });
  const e = assertThrows(
    () => train(net, data, { epochs: 50, batchSize: 200, optimizer: { name: "sgd", lr: 10 } }),
    TrainingDivergedError,
  );
  assertInstanceOf(e, TrainingDivergedError);
  assertGreater(e.epoch, 0);
  assert(e.message.includes(`epoch ${e.epoch}`), e.message);
});

Deno.test("optimisers follow their update formulas", async (t) => {
  const g1 = [0.5, -1, 2], g2 = [-0.25, 0.5, 1];
  const cases: [string, (w: number[], g: number[], s: number[][], step: number) => void][] = [
    [
      "momentum",
      (w, g, s) => g.forEach((gi, i) => (s[0][i] = 0.9 * s[0][i] - 0.1 * gi, w[i] += s[0][i])),
    ],
    [
      "rmsprop",
      (w, g, s) =>
        g.forEach((
          gi,
          i,
        ) => (s[0][i] = 0.9 * s[0][i] + 0.1 * gi * gi,
          w[i] -= 0.1 * gi / (Math.sqrt(s[0][i]) + 1e-8))
        ),
    ],
    ["adam", (w, g, s, step) =>
      g.forEach((gi, i) => {
        s[0][i] = 0.9 * s[0][i] + 0.1 * gi;
        s[1][i] = 0.999 * s[1][i] + 0.001 * gi * gi;
        const mh = s[0][i] / (1 - 0.9 ** step), vh = s[1][i] / (1 - 0.999 ** step);
        w[i] -= 0.1 * mh / (Math.sqrt(vh) + 1e-8);
      })],
    ["sgd", (w, g) => g.forEach((gi, i) => w[i] -= 0.1 * gi)],
  ];
  for (const [name, rule] of cases) {
    await t.step(name, () => {
      const opt = new Optimizer({ name: name as "adam", lr: 0.1 });
      const w = new Float32Array([1, 2, 3]), ref = [1, 2, 3], s = [[0, 0, 0], [0, 0, 0]];
      const p = { name: "w", value: w, grad: new Float32Array(3) };
      [g1, g2].forEach((g, step) => {
        p.grad.set(g);
        opt.update(p);
        rule(ref, g, s, step + 1);
      });
      // Adam's bias correction is folded into the step size, which rounds differently.
      Array.from(w).forEach((v, i) => assertAlmostEquals(v, ref[i], 1e-4));
    });
  }
  assertThrows(() => new Optimizer({ name: "sgd", lr: -1 }), RangeError);
});

Deno.test("an optimiser's decays must lie in [0, 1), and settings given as undefined keep their defaults", () => {
  for (const key of ["momentum", "rho", "beta1", "beta2"] as const) {
    for (const bad of [1, -0.1, NaN]) {
      const error = assertThrows(
        () => new Optimizer({ name: "adam", lr: 1, [key]: bad }),
        RangeError,
      );
      assertStringIncludes(error.message, `${key} must be in [0, 1): ${bad}`);
    }
  }
  const opt = new Optimizer({ name: "rmsprop", lr: 1, rho: undefined, eps: undefined });
  assertEquals([opt.options.rho, opt.options.eps], [0.9, 1e-8]);
  assertEquals(new Optimizer({ name: "rmsprop", lr: 1, rho: 0.99 }).options.rho, 0.99);
});

Deno.test("RMSprop's mean square starts at initialMean, as Torch's did in 2016", () => {
  // Torch's optim.rmsprop filled m with 1 before the first step from June to September 2016.
  const g = [0.5, -1, 2];
  for (const [m0, arena] of [[0, false], [1, false], [1, true], [0.25, true]] as const) {
    const net = Network.create({ sizes: [3, 1], seed: 1 }); // W1 has 3 weights, in an arena
    const p = arena
      ? net.params[0]
      : { name: "w", value: new Float32Array(3), grad: new Float32Array(3) };
    p.value.set([1, 2, 3]);
    const opt = new Optimizer({ name: "rmsprop", lr: 0.1, initialMean: m0 });
    assertEquals(opt.stateOf([p])[0].slots[0][0], m0); // what a checkpoint would save
    opt.prepare([p], arena ? net.arena : undefined);
    p.grad.set(g);
    opt.update(p);
    g.forEach((gi, i) => {
      const m = 0.9 * m0 + 0.1 * gi * gi;
      assertAlmostEquals(p.value[i], i + 1 - 0.1 * gi / (Math.sqrt(m) + 1e-8), 1e-6);
    });
  }
  assertEquals(new Optimizer({ name: "rmsprop", lr: 1 }).options.initialMean, 0);
  for (const bad of [-1, NaN, Infinity]) {
    assertThrows(
      () => new Optimizer({ name: "rmsprop", lr: 1, initialMean: bad }),
      RangeError,
      `the initial mean must be ≥ 0: ${bad}`,
    );
  }
});

Deno.test("a saved network loads back equal and opens in NumPy", async () => {
  const net = Network.create({ sizes: [4, 6, 3], rule: "fa", init: "normal", seed: 2 });
  const dir = await Deno.makeTempDir(), path = `${dir}/net.npz`;
  saveNetwork(net, path);
  const back = loadNetwork(path);
  assertEquals(back.config, net.config);
  assertEquals(back.params.map((p) => p.value), net.params.map((p) => p.value));
  assertEquals(back.feedback.map((w) => w.data), net.feedback.map((w) => w.data));
  const x = Matrix.from([[1, 2, 3, 4]]);
  assertEquals(back.predict(x).data, net.predict(x).data);
  const out = await evalPython(
    `import sys, json, numpy as np
z = np.load(sys.argv[1])
print(json.dumps({k: list(z[k].shape) for k in sorted(z.files)} | {"rule": json.loads(bytes(z["config"]).decode())["rule"]}))`,
    path,
  );
  const shapes = JSON.parse(out);
  assertEquals([shapes.W1, shapes.W2, shapes.B1, shapes.b1, shapes.rule], [[6, 4], [3, 6], [3, 6], [
    6,
  ], "fa"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad architectures are RangeErrors", () => {
  assertThrows(() => Network.create({ sizes: [3] }), RangeError, "two or more");
  assertThrows(() => Network.create({ sizes: [3, 0, 2] }), RangeError);
  assertThrows(
    () => Network.create({ sizes: [3, 4, 2], hidden: ["tanh", "relu"] }),
    RangeError,
    "1 hidden layers need 1",
  );
  assertThrows(() => new Workspace([3, 2], 0), RangeError);
  const net = Network.create({ sizes: [3, 4, 2] });
  assertThrows(() => net.predict(new Matrix(1, 5)), RangeError, "takes 3");
  const l: Loss = "bce";
  assertEquals(net.loss, l);
});

Deno.test("optimiser steps on SIMD arenas match the scalar loops", () => {
  const rng = new Rng(12);
  for (const name of ["momentum", "rmsprop", "adam"] as const) {
    const net = Network.create({ sizes: [13, 7], seed: 1 }); // parameters in an arena
    const p = net.params[0], w = p.value, g = p.grad;
    assert(net.arena.owns(w) && net.arena.owns(g), "the network's parameters live in its arena");
    const plain = { name: "plain", value: w.slice(), grad: new Float32Array(g.length) };
    const plainW = plain.value;
    const a = new Optimizer({ name, lr: 0.01 }), b = new Optimizer({ name, lr: 0.01 });
    a.prepare(net.params, net.arena);
    b.prepare([plain]);
    for (let step = 0; step < 3; step++) {
      rng.fillNormal(g);
      plain.grad.set(g);
      a.update(p);
      b.update(plain);
    }
    w.forEach((v, i) => assertAlmostEquals(v, plainW[i], 1e-6, `${name} ${i}`));
  }
});

Deno.test("lossAndError sums the losses of the reference, soft targets included", () => {
  const rng = new Rng(31);
  for (const loss of ["bce", "ce", "mse"] as Loss[]) {
    const net = Network.create({ sizes: [3, 4], loss, seed: 1 });
    const rows = 37, C = 4;
    const yHat = Float32Array.from(
      { length: rows * C },
      () => Math.min(0.999, Math.max(0.001, rng.uniform())),
    );
    const y = Float32Array.from(
      { length: rows * C },
      (_, i) => (i % 7 === 0 ? 0.3 : i % C === 1 ? 1 : 0),
    );
    const e = new Float32Array(rows * C);
    let want = 0;
    for (let r = 0; r < rows; r++) {
      want += referenceLoss(
        net,
        Array.from(yHat.subarray(r * C, (r + 1) * C)),
        Array.from(y.subarray(r * C, (r + 1) * C)),
      );
    }
    const got = lossAndError(loss, yHat, y, e, rows * C);
    assertAlmostEquals(got, want, Math.abs(want) * 1e-9, loss);
    assertEquals(e[5], yHat[5] - y[5]);
  }
});

Deno.test("weight decay adds wd·w to the gradient, and lr drops divide the rate by 10", () => {
  // One SGD step with decay: w ← w − lr·(g + wd·w).
  const p = { name: "w", value: new Float32Array([1, -2]), grad: new Float32Array([0.5, 0.5]) };
  const sgd = new Optimizer({ name: "sgd", lr: 0.1, weightDecay: 0.01 });
  assertEquals(sgd.isPlainSgd, false); // not fused into the GEMMs: the decay needs the gradient
  sgd.update(p);
  assertAlmostEquals(p.value[0], 1 - 0.1 * (0.5 + 0.01 * 1), 1e-7);
  assertAlmostEquals(p.value[1], -2 - 0.1 * (0.5 + 0.01 * -2), 1e-7);
  assertThrows(() => new Optimizer({ name: "adam", lr: 1, weightDecay: -1 }), RangeError);
  // The schedule: 1e-2 for epochs 1–2, 1e-3 for 3, 1e-4 for 4; restored afterwards.
  const net = Network.create({ sizes: [3, 2], seed: 1 });
  const y = Matrix.from([[1, 0], [0, 1]]), seen: number[] = [];
  const opt = new Optimizer({ name: "adam", lr: 1e-2 });
  train(net, { x: Matrix.from([[1, 0, 0], [0, 1, 0]]), y, labels: rowArgmax(y) }, {
    epochs: 4,
    batchSize: 2,
    optimizer: opt,
    lrDrops: [2, 3],
    onEpoch: () => seen.push(opt.options.lr),
  });
  seen.forEach((lr, i) => assertAlmostEquals(lr, [1e-2, 1e-2, 1e-3, 1e-4][i], 1e-12));
  assertEquals(opt.options.lr, 1e-2);
});

Deno.test("training stops once the running mean training error reaches zero, as dfa-torch's", () => {
  const data = xorData(400, 2);
  const run = (stopAtTrainError?: number) =>
    train(Network.create({ sizes: [2, 32, 32, 2], rule: "dfa", init: "xavier", seed: 5 }), data, {
      epochs: 80,
      batchSize: 20,
      optimizer: { name: "adam", lr: 0.01 },
      stopAtTrainError,
    });
  const full = run(), stopped = run(1e-4);
  // dfa-torch's rule: mean ← 0.75·mean + 0.25·error, from 1; stop once mean ≤ 1e-4.
  let mean = 1, expected = full.epochs.length;
  for (const e of full.epochs) {
    mean = 0.75 * mean + 0.25 * e.trainError;
    if (mean <= 1e-4) {
      expected = e.epoch;
      break;
    }
  }
  assert(expected < full.epochs.length, `the net fits xor in ${full.epochs.length} epochs`);
  assertEquals(stopped.epochs.length, expected);
  assert(stopped.converged && !full.converged);
  // Up to the stop, the same run epoch for epoch.
  const errors = (r: typeof full) => r.epochs.map((e) => [e.trainError, e.loss]);
  assertEquals(errors(stopped), errors(full).slice(0, expected));
});
