// Convolution, pooling and dropout: the fast paths against the naive double-precision references
// and against finite differences.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { type LayerSpec, Network, parseArchitecture, type Rule } from "../../mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { convNaive, poolNaive } from "../../src/testing/mod.ts";
import { fastGradients, randomBatch } from "../_gradient_check.ts";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assertEquals(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(b[i]));
    assert(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
};

/** A net of one spatial layer and an output layer, for calling the layer's forward directly. */
function single(kind: "conv" | "maxpool" | "avgpool", spec: LayerSpec, seed = 1) {
  const size = (d: number[]) => d[0] * d[1] * d[2];
  return Network.create({
    sizes: [size(spec.in), size(spec.out), 2],
    layers: [kind, "dense"],
    specs: [spec, undefined],
    hidden: "linear",
    init: "uniform",
    biasInit: "uniform",
    seed,
  });
}

Deno.test("a convolution computes what the naive double-precision one does", async (t) => {
  const cases: LayerSpec[] = [
    { in: [2, 7, 7], out: [3, 4, 4], kernel: 3, stride: 2, pad: 1 },
    { in: [1, 6, 5], out: [4, 2, 1], kernel: 5, stride: 1, pad: 0 },
    { in: [3, 5, 5], out: [2, 5, 5], kernel: 3, stride: 1, pad: 1 },
  ];
  for (const spec of cases) {
    await t.step(
      `(${spec.in}) → (${spec.out}), k ${spec.kernel} s ${spec.stride} p ${spec.pad}`,
      () => {
        const net = single("conv", spec), layer = net.layers[0], B = 3, rng = new Rng(2);
        const x = Float32Array.from({ length: B * layer.inputs }, () => rng.normal());
        const a = new Float32Array(B * layer.outputs);
        layer.forward(x, B, new Float32Array(B).fill(1), a);
        for (let b = 0; b < B; b++) {
          const want = convNaive(
            Array.from(x.subarray(b * layer.inputs, (b + 1) * layer.inputs)),
            Array.from(layer.weight!.data),
            Array.from(layer.bias),
            spec,
          );
          close(a.subarray(b * layer.outputs, (b + 1) * layer.outputs), want, 1e-5, `sample ${b}`);
        }
      },
    );
  }
});

Deno.test("a batch larger than one chunk of patches gives the naive forward, input gradient and ∂W", () => {
  // 81·784 patch floats a sample: the layer makes and multiplies them two samples at a time, so a
  // batch of 5 runs as chunks of 2, 2 and 1.
  const spec: LayerSpec = { in: [1, 28, 28], out: [2, 28, 28], kernel: 9, stride: 1, pad: 4 };
  const net = single("conv", spec, 3), layer = net.layers[0], B = 5, rng = new Rng(4);
  const [K, H, W] = spec.out, k = 9, p = 4, n = layer.inputs, m = layer.outputs;
  const x = Float32Array.from({ length: B * n }, () => rng.normal());
  const delta = Float32Array.from({ length: B * m }, () => rng.normal());
  const a = new Float32Array(B * m), dx = new Float32Array(B * n);
  layer.forward(x, B, new Float32Array(B).fill(1), a);
  layer.gradients(x, delta, B, 1, new Float32Array(B).fill(1));
  layer.backward(delta, B, dx);
  const w = layer.weight!.data, wantW = new Float64Array(w.length), wantB = new Float64Array(K);
  const wantDx = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    const want = convNaive(
      Array.from(x.subarray(b * n, (b + 1) * n)),
      Array.from(w),
      Array.from(layer.bias),
      spec,
    );
    close(a.subarray(b * m, (b + 1) * m), want, 1e-5, `output of sample ${b}`);
    for (let o = 0; o < K; o++) {
      for (let y = 0; y < H; y++) {
        for (let z = 0; z < W; z++) {
          const d = delta[b * m + (o * H + y) * W + z];
          wantB[o] += d;
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const iy = y + i - p, ix = z + j - p;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              wantW[o * k * k + i * k + j] += d * x[b * n + iy * W + ix];
              wantDx[b * n + iy * W + ix] += d * w[o * k * k + i * k + j];
            }
          }
        }
      }
    }
  }
  close(layer.params[0].grad, wantW, 1e-4, "∂W");
  close(layer.params[1].grad, wantB, 1e-4, "∂b");
  close(dx, wantDx, 1e-4, "input gradient");
});

Deno.test("max and average pooling compute what the naive ones do", () => {
  const spec: LayerSpec = { in: [2, 4, 6], out: [2, 2, 3], kernel: 2, stride: 2 };
  for (const kind of ["maxpool", "avgpool"] as const) {
    const layer = single(kind, spec).layers[0], B = 2, rng = new Rng(3);
    const x = Float32Array.from({ length: B * 48 }, () => rng.normal());
    const a = new Float32Array(B * 12);
    layer.forward(x, B, new Float32Array(B), a);
    for (let b = 0; b < B; b++) {
      const want = poolNaive(
        Array.from(x.subarray(b * 48, (b + 1) * 48)),
        spec,
        kind === "maxpool" ? "max" : "avg",
      );
      close(a.subarray(b * 12, (b + 1) * 12), want, 1e-6, `${kind} sample ${b}`);
    }
  }
});

/** The summed BCE loss of a conv→max→conv→avg→dense net, in double precision, from scratch. */
function referenceLoss(net: Network, x: number[][], y: number[][]): number {
  const [c1, , c2, , fc] = net.layers; // the pools (layers 2 and 4) have no parameters
  const specs = net.config.specs!;
  const tanh = (v: number[]) => v.map(Math.tanh);
  let total = 0;
  x.forEach((xs, i) => {
    let h = tanh(convNaive(xs, Array.from(c1.weight!.data), Array.from(c1.bias), specs[0]!));
    h = poolNaive(h, specs[1]!, "max");
    h = tanh(convNaive(h, Array.from(c2.weight!.data), Array.from(c2.bias), specs[2]!));
    h = poolNaive(h, specs[3]!, "avg");
    const W = fc.weight!;
    for (let o = 0; o < W.rows; o++) {
      let a = fc.bias[o];
      for (let j = 0; j < W.cols; j++) a += W.data[o * W.cols + j] * h[j];
      const p = 1 / (1 + Math.exp(-a)), t = y[i][o];
      total -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    }
  });
  return total;
}

Deno.test("backprop through convolutions and pooling matches finite differences", () => {
  const arch = parseArchitecture("conv:3x3x3:p1,maxpool:2,conv:4x2x2,avgpool:2", [2, 6, 6], 3);
  const net = Network.create({
    ...arch,
    rule: "bp",
    init: "uniform",
    biasInit: "uniform",
    seed: 5,
  });
  const B = 3, { x, y, ws } = randomBatch(net, B, 9);
  const fast = fastGradients(net, ws, B, "bp");
  const h = 1e-3;
  const check = (values: Float32Array, got: number[], what: string) => {
    const want = Array.from(values, (v, i) => {
      values[i] = v + h;
      const up = referenceLoss(net, x, y);
      values[i] = v - h;
      const down = referenceLoss(net, x, y);
      values[i] = v;
      return (up - down) / (2 * h);
    });
    close(got, want, 2e-3, what);
  };
  for (const k of [0, 2, 4]) {
    check(net.layers[k].weight!.data, fast.w[k], `∂W${k + 1}`);
    check(net.layers[k].bias, fast.b[k], `∂b${k + 1}`);
  }
});

Deno.test("dropout: evaluation passes through, training drops and rescales, and backprop masks", () => {
  const net = Network.create({
    ...parseArchitecture("fc:50,dropout:0.4", [20, 1, 1], 3),
    rule: "bp",
    init: "uniform",
    seed: 2,
  });
  const B = 40, { ws } = randomBatch(net, B, 4);
  const drop = net.layers[1], n = drop.outputs;
  net.forward(ws, B);
  assertEquals(ws.h[1].subarray(0, B * n), ws.h[0].subarray(0, B * n));
  net.forward(ws, B, ws.x, false, true);
  let dropped = 0;
  for (let i = 0; i < B * n; i++) {
    if (ws.h[1][i] === 0) dropped++;
    else assertAlmostEquals(ws.h[1][i], ws.h[0][i] / 0.6, 1e-5);
  }
  assertAlmostEquals(dropped / (B * n), 0.4, 0.05);
  const up = Float32Array.from({ length: B * n }, (_, i) => i + 1), out = new Float32Array(B * n);
  drop.backward(up, B, out);
  for (let i = 0; i < B * n; i++) {
    assertAlmostEquals(out[i], ws.h[1][i] === 0 ? 0 : up[i] / 0.6, 1e-6 * up[i]);
  }
});

Deno.test("under DFA, the units dropout drops get no update", () => {
  const net = Network.create({
    ...parseArchitecture("fc:30,dropout:0.5", [10, 1, 1], 4),
    rule: "dfa",
    init: "uniform",
    seed: 3,
  });
  const B = 8, { ws } = randomBatch(net, B, 6), L = net.depth, n = 30;
  const yHat = net.forward(ws, B, ws.x, false, true);
  for (let i = 0; i < B * 4; i++) ws.delta[L - 1][i] = yHat[i] - ws.y[i];
  net.backward(ws, B);
  let dropped = 0;
  for (let i = 0; i < B * n; i++) {
    if (ws.h[1][i] === 0 && ws.h[0][i] !== 0) dropped++, assertEquals(ws.delta[0][i], 0);
    else assert(ws.delta[0][i] !== 0);
  }
  assert(dropped > 0);
});

Deno.test("architecture strings that do not fit are refused naming the layer", () => {
  const bad: [string, RegExp][] = [
    ["conv:6x9x9,pool:2", /conv:6x9x9 \(layer 1.*larger than the 8×8 image/],
    ["conv:4x3x3,pool:4", /pool:4 \(layer 2.*does not divide a 6×6 image/],
    ["fc:10,relu:5", /relu:5 \(layer 2.*unknown layer/],
    ["conv:4x3", /conv:KxHxW/],
    ["dropout:1.5", /rate must be in \[0, 1\)/],
  ];
  for (const [text, message] of bad) {
    assertThrows(() => parseArchitecture(text, [1, 8, 8], 10), RangeError, undefined, text);
    try {
      parseArchitecture(text, [1, 8, 8], 10);
    } catch (e) {
      assert(message.test((e as Error).message), `${text}: ${(e as Error).message}`);
    }
  }
});

Deno.test("every layer kind trains under every rule that takes it", async (t) => {
  const arch = parseArchitecture("conv:2x3x3,maxpool:2,fc:8,dropout:0.25", [1, 6, 6], 3, "relu");
  for (const rule of ["bp", "fa", "dfa", "usf", "brsf", "frsf", "drtp"] as Rule[]) {
    await t.step(rule, () => {
      const net = Network.create({ ...arch, rule, init: "uniform", seed: 1 });
      const B = 4, { ws } = randomBatch(net, B, 2);
      const before = net.params.map((p) => p.value.slice());
      const g = fastGradients(net, ws, B, rule);
      assert(g.w.every((w, k) => net.layers[k].params.length === 0 || w.some((v) => v !== 0)));
      assert(before.length === net.params.length);
    });
  }
});

Deno.test("a convolution's gradients are its input's, whatever ran between forward and gradients", () => {
  const arch = parseArchitecture("conv:2x3x3,fc:6", [1, 6, 6], 3);
  const net = Network.create({ ...arch, rule: "bp", init: "uniform", seed: 8 });
  const B = 4, { ws } = randomBatch(net, B, 1), other = randomBatch(net, 7, 2).ws;
  const expected = fastGradients(net, ws, B, "bp").w[0];
  // The same batch again, with an evaluation of other samples between forward and gradients.
  const yHat = net.forward(ws, B), L = net.depth;
  for (let i = 0; i < B * 3; i++) ws.delta[L - 1][i] = yHat[i] - ws.y[i];
  net.backward(ws, B, "bp");
  net.forward(other, 7);
  net.gradients(ws, B, { rule: "bp" });
  assertEquals(Array.from(net.layers[0].params[0].grad), expected);
});
