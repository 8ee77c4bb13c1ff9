// Where a direct rule's feedback enters: at every hidden layer's output (the default), or at each
// block's output, after the pooling and dropout above a layer with weights (Nøkland's dfa-torch).
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { Network, parseArchitecture } from "../../mod.ts";
import {
  type FeedbackPoint,
  networkFromArrays,
  networkToArrays,
  passesDown,
} from "../../src/model/mod.ts";
import { randomBatch } from "../_gradient_check.ts";

const conv = parseArchitecture("conv:3x3x3,maxpool:2,fc:12", [2, 8, 8], 4, "tanh");

/** The δs of one batch under the network's own rule, from a training forward pass. */
function deltas(net: Network, seed = 3) {
  const B = 5, { ws } = randomBatch(net, B, seed), L = net.depth, C = net.sizes[L];
  const yHat = net.forward(ws, B, ws.x, false, true);
  for (let i = 0; i < B * C; i++) ws.delta[L - 1][i] = yHat[i] - ws.y[i];
  net.backward(ws, B);
  return { ws, B };
}

/** e·B (B, n) for the output error e (B, C) and a feedback matrix B (C, n). */
function project(e: Float32Array, B: number, C: number, fb: Float32Array, n: number) {
  const out = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < C; j++) {
      for (let i = 0; i < n; i++) out[b * n + i] += e[b * C + j] * fb[j * n + i];
    }
  }
  return out;
}

Deno.test("feedback at blocks reaches a convolution through its max pooling's winners", () => {
  const net = Network.create({
    ...conv,
    rule: "dfa",
    init: "uniform",
    seed: 4,
    feedbackAt: "block",
  });
  // The convolution's signal comes through the pool: it needs no matrix of its own.
  assertEquals(net.feedback.map((f) => [f.rows, f.cols]), [[4, 0], [4, 27], [4, 12]]);
  assertEquals([0, 1, 2].map((k) => passesDown(net, "dfa", k)), [true, false, false]);
  const { ws, B } = deltas(net);
  const e = ws.delta[net.depth - 1], pooled = project(e, B, 4, net.feedback[1].data, 27);
  const h = ws.h[0]; // tanh outputs of the convolution: (B, 3, 6, 6)
  let winners = 0;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const at = (y: number, x: number) => ((b * 3 + c) * 6 + y) * 6 + x;
          const cells = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([di, dj]) =>
            at(2 * i + di, 2 * j + dj)
          );
          const best = cells.reduce((w, p) => (h[p] > h[w] ? p : w));
          for (const p of cells) {
            const want = p === best ? pooled[((b * 3 + c) * 3 + i) * 3 + j] * (1 - h[p] * h[p]) : 0;
            assertAlmostEquals(ws.delta[0][p], want, 1e-5, `sample ${b}, channel ${c}, cell ${p}`);
          }
          winners += Math.abs(ws.delta[0][best]) > 0 ? 1 : 0;
        }
      }
    }
  }
  assert(winners > B * 27 * 0.9, `the winners get a signal: ${winners}`);
});

Deno.test("feedback at layers sends the convolution its own e·B_k at every position", () => {
  const net = Network.create({ ...conv, rule: "dfa", init: "uniform", seed: 4 });
  assertEquals(net.feedback.map((f) => [f.rows, f.cols]), [[4, 108], [4, 27], [4, 12]]);
  const { ws, B } = deltas(net);
  const want = project(ws.delta[net.depth - 1], B, 4, net.feedback[0].data, 108), h = ws.h[0];
  const nonzero = ws.delta[0].subarray(0, B * 108).filter((v) => v !== 0).length;
  assertEquals(nonzero, B * 108, "every position, not only the pooling's winners");
  for (let i = 0; i < B * 108; i++) {
    assertAlmostEquals(ws.delta[0][i], want[i] * (1 - h[i] * h[i]), 1e-5);
  }
});

Deno.test("feedback at blocks passes a dropout's signal down masked and scaled", () => {
  const arch = parseArchitecture("fc:16,dropout:0.5,fc:6", [5, 1, 1], 3, "tanh");
  const net = Network.create({
    ...arch,
    rule: "dfa",
    init: "uniform",
    seed: 7,
    feedbackAt: "block",
  });
  assertEquals(net.feedback.map((f) => [f.rows, f.cols]), [[3, 0], [3, 16], [3, 6]]);
  const { ws, B } = deltas(net, 5);
  const fb = project(ws.delta[net.depth - 1], B, 3, net.feedback[1].data, 16);
  const kept = ws.h[1], h = ws.h[0]; // the dropout's output: 0 where dropped, 2·h where kept
  let dropped = 0;
  for (let i = 0; i < B * 16; i++) {
    if (kept[i] === 0 && h[i] !== 0) dropped++;
    const want = kept[i] === 0 && h[i] !== 0 ? 0 : 2 * fb[i] * (1 - h[i] * h[i]);
    assertAlmostEquals(ws.delta[0][i], want, 1e-5, `unit ${i}`);
  }
  assert(dropped > 10 && dropped < B * 16 - 10, `about half dropped: ${dropped}`);
});

Deno.test("feedback at blocks and at layers are the same on a dense net without dropout", () => {
  const options = { sizes: [6, 5, 4, 3], rule: "dfa" as const, init: "uniform" as const, seed: 2 };
  const a = Network.create(options), b = Network.create({ ...options, feedbackAt: "block" });
  assertEquals(
    b.feedback.map((f) => Array.from(f.data)),
    a.feedback.map((f) => Array.from(f.data)),
  );
  const da = deltas(a), db = deltas(b);
  for (let k = 0; k < a.depth; k++) assertEquals(db.ws.delta[k], da.ws.delta[k], `δ_${k}`);
});

Deno.test("feedback at blocks changes nothing for rules that are not direct", () => {
  for (const rule of ["bp", "fa"] as const) {
    const a = Network.create({ ...conv, rule, init: "uniform", seed: 1 });
    const b = Network.create({ ...conv, rule, init: "uniform", seed: 1, feedbackAt: "block" });
    assertEquals(b.feedback.map((f) => [f.rows, f.cols]), a.feedback.map((f) => [f.rows, f.cols]));
    assertEquals(deltas(b).ws.delta[0], deltas(a).ws.delta[0], rule);
  }
});

Deno.test("a saved network keeps its feedback point, and the default is not written", () => {
  for (const feedbackAt of ["layer", "block"] as const) {
    const net = Network.create({ ...conv, rule: "cdfa", init: "uniform", seed: 9, feedbackAt });
    const back = networkFromArrays(networkToArrays(net));
    assertEquals(back.config, net.config);
    assertEquals("feedbackAt" in back.config, feedbackAt === "block");
    assertEquals(deltas(back).ws.delta[0], deltas(net).ws.delta[0]);
  }
});

Deno.test("an unknown feedback point is refused with the points there are", () => {
  assertThrows(
    () => Network.create({ sizes: [3, 2], feedbackAt: "nowhere" as FeedbackPoint }),
    RangeError,
    "Cannot build a network: the feedback point must be one of layer, block: nowhere",
  );
});
