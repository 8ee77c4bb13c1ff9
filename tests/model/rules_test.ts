// The rules beyond BP and DFA: feedback alignment through convolutions, the sign-concordant
// rules and DRTP; each differs from backprop where it should and equals it where it must.
import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { FEEDBACK_RULES, Network, parseArchitecture, type Rule, RULES } from "../../mod.ts";
import { sendSignal } from "../../src/model/mod.ts";
import { weightAlignment } from "../../src/train/mod.ts";
import { randomBatch } from "../_gradient_check.ts";

const arch = parseArchitecture("conv:3x3x3,maxpool:2,fc:12", [2, 8, 8], 4, "tanh");

/** The signal `rule` sends to hidden layer k, and backprop's, for one batch. */
function signals(net: Network, rule: Rule, k: number) {
  const B = 5, { ws } = randomBatch(net, B, 3), L = net.depth, C = net.sizes[L];
  const yHat = net.forward(ws, B);
  for (let i = 0; i < B * C; i++) ws.delta[L - 1][i] = yHat[i] - ws.y[i];
  net.backward(ws, B, "bp"); // every δ above k as backprop has it
  const n = net.layers[k].outputs, got = new Float32Array(B * n), bp = new Float32Array(B * n);
  sendSignal(net, rule, { deltas: ws.delta, k, B, out: got, target: ws.y });
  sendSignal(net, "bp", { deltas: ws.delta, k, B, out: bp, target: ws.y });
  return { got, bp, ws, B };
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let d = 0, x = 0, y = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i], x += a[i] * a[i], y += b[i] * b[i];
  return d / Math.sqrt(x * y);
};
const same = (a: Float32Array, b: Float32Array, tol = 1e-6) =>
  a.every((v, i) => Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])));

Deno.test("FA sends the error through a fixed kernel shaped like the convolution's", () => {
  const net = Network.create({ ...arch, rule: "fa", init: "uniform", seed: 1 });
  // One per hidden layer, shaped like the weights above it: none above the convolution (the pool
  // has no weights: the signal passes down its own way), the dense layers' above the others.
  assertEquals(net.feedback.map((f) => [f.rows, f.cols]), [[0, 0], [12, 27], [4, 12]]);
  const { got, bp } = signals(net, "fa", 1); // to the pool's output, through F₂ (12, 27)
  assert(!same(got, bp), "FA's signal is not backprop's");
  // With F set to the forward weights, FA is backprop.
  net.feedback[1].data.set(net.layers[2].weight!.data);
  const again = signals(net, "fa", 1);
  assert(same(again.got, again.bp));
});

Deno.test("FA through a convolution equals backprop when its kernel is the forward one", () => {
  const a = parseArchitecture("conv:2x3x3,conv:3x3x3:p1", [1, 6, 6], 2, "tanh");
  const net = Network.create({ ...a, rule: "fa", init: "uniform", seed: 2 });
  const F = net.feedback[0], W = net.layers[1].weight!;
  assertEquals([F.rows, F.cols], [W.rows, W.cols]);
  const first = signals(net, "fa", 0);
  assert(!same(first.got, first.bp));
  F.data.set(W.data);
  const second = signals(net, "fa", 0);
  assert(same(second.got, second.bp), "through col2im with W itself");
});

Deno.test("uSF equals backprop on a net whose weights are already ±1/√(3·fan-in)", () => {
  const net = Network.create({ ...arch, rule: "usf", init: "uniform", seed: 3 });
  for (const l of net.layers) {
    const W = l.weight;
    if (!W || !W.size) continue;
    const s = 1 / Math.sqrt(3 * W.cols);
    W.data.forEach((v, i) => (W.data[i] = v >= 0 ? s : -s));
  }
  for (const k of [0, 1, 2]) {
    const { got, bp } = signals(net, "usf", k);
    assert(same(got, bp, 1e-5), `layer ${k + 1}`);
  }
  // With weights of other magnitudes the signal differs, but keeps backprop's direction roughly.
  const other = Network.create({ ...arch, rule: "usf", init: "uniform", seed: 4 });
  const { got, bp } = signals(other, "usf", 2);
  assert(!same(got, bp));
  assert(cosine(got, bp) > 0.5, `cosine ${cosine(got, bp)}`);
});

Deno.test("brSF redraws its magnitudes every batch and frSF keeps them", () => {
  for (const rule of ["brsf", "frsf"] as const) {
    const net = Network.create({ ...arch, rule, init: "uniform", seed: 5 });
    const a = signals(net, rule, 2).got, b = signals(net, rule, 2).got;
    assertEquals(same(a, b), rule === "frsf", `${rule}: the same signal twice`);
    const { got, bp } = signals(net, rule, 2);
    assert(cosine(got, bp) > 0.3, `${rule}: cosine ${cosine(got, bp)}`);
  }
});

Deno.test("brSF's redraws follow the network's seed", () => {
  const a = Network.create({ ...arch, rule: "brsf", init: "uniform", seed: 5 });
  const b = Network.create({ ...arch, rule: "brsf", init: "uniform", seed: 6 });
  b.params.forEach((p, i) => p.value.set(a.params[i].value)); // the same weights, other seeds
  assert(!same(signals(a, "brsf", 2).got, signals(b, "brsf", 2).got), "the same redraws");
  const fresh = () => Network.create({ ...arch, rule: "brsf", init: "uniform", seed: 5 });
  assertEquals(signals(fresh(), "brsf", 2).got, signals(fresh(), "brsf", 2).got, "one seed");
});

Deno.test("a rule that refuses RD layers names every rule that trains them", () => {
  const kinds = ["dense", "rd"], trains = RULES.filter((r) => !FEEDBACK_RULES[r].refuse(kinds));
  assertEquals(trains, ["bp", "dfa", "cdfa"]);
  for (const rule of RULES.filter((r) => !trains.includes(r))) {
    const why = FEEDBACK_RULES[rule].refuse(kinds)!;
    const named = why.slice(why.lastIndexOf("train them with ")).match(/\b[a-z]+\b/g)!;
    assertEquals(named.filter((w) => RULES.includes(w as Rule)), trains, why);
  }
});

Deno.test("DRTP sends the targets, not the error: δh = −y·B", () => {
  const net = Network.create({ sizes: [6, 5, 3], rule: "drtp", init: "uniform", seed: 6 });
  const { got, ws, B } = signals(net, "drtp", 0), Bk = net.feedback[0];
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < 5; j++) {
      let want = 0;
      for (let c = 0; c < 3; c++) want -= ws.y[r * 3 + c] * Bk.data[c * 5 + j];
      assertAlmostEquals(got[r * 5 + j], want, 1e-6);
    }
  }
  // The output does not enter: the same targets give the same signal whatever the network says.
  net.layers[1].weight!.data.fill(0.5);
  assert(same(signals(net, "drtp", 0).got, got));
});

Deno.test("the weight diagnostics compare each rule's backward weights with the forward ones", () => {
  // FA: an independent random F is near 90° from W; with F = W, 0° and a norm ratio of 1.
  const fa = Network.create({ sizes: [20, 30, 25, 4], rule: "fa", init: "uniform", seed: 7 });
  const far = weightAlignment(fa, 0)!;
  assert(far.angle > 75 && far.angle < 105, `FA at the start: ${far.angle}°`);
  fa.feedback[0].data.set(fa.layers[1].weight!.data);
  assertEquals(weightAlignment(fa, 0), { angle: 0, normRatio: 1 });
  // uSF: sign(W)·s keeps W's signs: well under 90° (about 30° for uniform weights).
  const usf = Network.create({ sizes: [20, 30, 25, 4], rule: "usf", init: "uniform", seed: 7 });
  signals(usf, "usf", 0); // the backward weights of this batch
  assert(weightAlignment(usf, 0)!.angle < 40, `uSF: ${weightAlignment(usf, 0)!.angle}°`);
  // DFA: B_k against the product of the weights above; BP has no backward weights.
  const dfa = Network.create({ sizes: [6, 5, 4, 3], rule: "dfa", init: "uniform", seed: 2 });
  const P = new Float32Array(3 * 5);
  const [w2, w3] = [dfa.layers[1].weight!, dfa.layers[2].weight!];
  for (let r = 0; r < 3; r++) {
    for (let j = 0; j < 5; j++) {
      for (let p = 0; p < 4; p++) P[r * 5 + j] += w3.data[r * 4 + p] * w2.data[p * 5 + j];
    }
  }
  dfa.feedback[0].data.set(P);
  assertAlmostEquals(weightAlignment(dfa, 0)!.angle, 0, 1e-2);
  assertEquals(weightAlignment(Network.create({ sizes: [4, 3, 2], rule: "bp" }), 0), undefined);
});

Deno.test("cdfa sends every position of a channel the same signal: e·B_k, B_k (classes, C)", () => {
  const net = Network.create({ ...arch, rule: "cdfa", init: "uniform", seed: 4 });
  // conv → (3, 6, 6) and pool → (3, 3, 3) get B_k (4, 3), shared by their positions; fc:12 DFA's.
  assertEquals(net.feedback.map((f) => [f.rows, f.cols]), [[4, 3], [4, 3], [4, 12]]);
  for (const k of [0, 1, 2]) {
    const { got, bp, ws, B } = signals(net, "cdfa", k);
    const e = ws.delta[net.depth - 1], Bk = net.feedback[k], n = Bk.cols, C = Bk.rows;
    const P = net.layers[k].outputs / n;
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < n; c++) {
        let want = 0;
        for (let j = 0; j < C; j++) want += e[b * C + j] * Bk.data[j * n + c];
        for (let p = 0; p < P; p++) {
          assertAlmostEquals(
            got[(b * n + c) * P + p],
            want,
            1e-5,
            `layer ${k}, (${b}, ${c}, ${p})`,
          );
        }
      }
    }
    assert(!same(got, bp), `layer ${k}: not backprop's signal`);
  }
});
