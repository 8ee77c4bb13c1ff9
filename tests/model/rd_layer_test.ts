import { fastGradients, finiteDifferences, maxRelErr, randomBatch } from "../_gradient_check.ts";
import { assert, assertEquals, assertLess, assertThrows } from "@std/assert";
import {
  type LayerKind,
  loadNetwork,
  type Loss,
  Matrix,
  Network,
  rowArgmax,
  type Rule,
  saveNetwork,
  train,
} from "../../mod.ts";
import type { RdLayer } from "../../src/model/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { referenceParams, referenceUpdates } from "../../src/testing/mod.ts";

const architectures: [string, number[], LayerKind[]][] = [
  ["one RD layer", [12, 4], ["rd"]],
  ["dense then RD", [6, 8, 3], ["dense", "rd"]],
  ["RD then dense", [6, 8, 3], ["rd", "dense"]],
];

Deno.test("RD-layer gradients match finite differences", async (t) => {
  for (const [name, sizes, layers] of architectures) {
    for (const loss of ["bce", "mse", "ce"] as Loss[]) {
      await t.step(`${name}, ${loss}`, () => {
        const net = Network.create({
          sizes,
          layers,
          loss,
          rule: "bp",
          init: "normal",
          biasInit: "uniform",
          seed: 21,
        });
        const B = 3, { x, y, ws } = randomBatch(net, B, 4);
        const fast = fastGradients(net, ws, B, "bp");
        const p = referenceParams(net), fd = finiteDifferences(net, p, x, y);
        for (let k = 0; k < net.depth; k++) {
          if (layers[k] === "rd") {
            assertLess(maxRelErr(fast.d1[k], fd(p.d1[k])), 2e-3, `d1 of layer ${k + 1}`);
            assertLess(maxRelErr(fast.d2[k], fd(p.d2[k])), 2e-3, `d2 of layer ${k + 1}`);
          } else {
            assertLess(maxRelErr(fast.w[k], p.w[k].flatMap((row) => fd(row))), 2e-3, `W${k + 1}`);
          }
          assertLess(maxRelErr(fast.b[k], fd(p.b[k])), 2e-3, `b${k + 1}`);
        }
      });
    }
  }
});

Deno.test("RD-layer updates under BP and DFA match their formulas", async (t) => {
  for (const [name, sizes, layers] of architectures) {
    for (const rule of ["bp", "dfa"] as Rule[]) {
      await t.step(`${name}, ${rule}`, () => {
        const net = Network.create({ sizes, layers, rule, init: "normal", seed: 8 });
        const B = 5, { x, y, ws } = randomBatch(net, B, 6);
        const fast = fastGradients(net, ws, B, rule), ref = referenceUpdates(net, x, y, rule);
        for (let k = 0; k < net.depth; k++) {
          if (layers[k] === "rd") {
            assertLess(maxRelErr(fast.d1[k], ref.d1[k]), 1e-5);
            assertLess(maxRelErr(fast.d2[k], ref.d2[k]), 1e-5);
          } else assertLess(maxRelErr(fast.w[k], ref.w[k].flat()), 1e-5);
          assertLess(maxRelErr(fast.b[k], ref.b[k]), 1e-5);
        }
      });
    }
  }
});

Deno.test("an RD layer has n_in + n_out trainable parameters and learns", () => {
  const net = Network.create({ sizes: [500, 10], layers: ["rd"], rule: "bp", seed: 1 });
  assertEquals(
    net.params.filter((p) => p.name !== "b1").reduce((t, p) => t + p.value.length, 0),
    510,
  );
  assert(net.params.every((p) => !p.name.startsWith("W")), "no gradient for the fixed R");
  // A separable problem: the class is the sign of the first feature.
  const small = Network.create({ sizes: [50, 10], layers: ["rd"], rule: "bp", seed: 1 });
  const rng = new Rng(2), n = 600;
  const x = new Matrix(n, 50, rng.fillNormal(new Float32Array(n * 50))), y = new Matrix(n, 10);
  for (let i = 0; i < n; i++) y.set(i, x.get(i, 0) > 0 ? 1 : 0, 1);
  const data = { x, y, labels: rowArgmax(y) };
  const before = small.evaluate(data).error;
  const r = train(small, data, {
    epochs: 60,
    batchSize: 50,
    optimizer: { name: "adam", lr: 0.02 },
  });
  assertLess(r.epochs.at(-1)!.trainError, before);
  assertLess(r.epochs.at(-1)!.trainError, 0.2);
});

Deno.test("RD networks save and load, and FA with RD layers is refused", async () => {
  const net = Network.create({ sizes: [6, 4, 3], layers: ["rd", "dense"], rule: "dfa", seed: 3 });
  const path = `${await Deno.makeTempDir()}/rd.npz`;
  saveNetwork(net, path);
  const back = loadNetwork(path);
  assertEquals(back.layers.map((l) => l.kind), ["rd", "dense"]);
  const [rd, rdBack] = [net.layers[0] as RdLayer, back.layers[0] as RdLayer];
  assertEquals(rdBack.d1, rd.d1);
  assertEquals(rdBack.feedback!.data, rd.feedback!.data);
  const x = Matrix.from([[1, 2, 3, 4, 5, 6]]);
  assertEquals(back.predict(x).data, net.predict(x).data);
  assertThrows(
    () => Network.create({ sizes: [6, 3], layers: ["rd"], rule: "fa" }),
    RangeError,
    "FA",
  );
  assertThrows(() => Network.create({ sizes: [6, 3], layers: ["rd", "rd"] }), RangeError);
  assert(true);
});
