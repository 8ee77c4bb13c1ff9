// Measuring alignment takes work linear in depth: DFA's products of the forward matrices above each
// layer are made once, top down, and equal those made for each layer on its own.
import { assert, assertEquals } from "@std/assert";
import { Network, parseArchitecture } from "../../mod.ts";
import { alignment, forwardProducts, weightAlignment } from "../../src/train/mod.ts";

/** A deep narrow DFA net, a batch of 4 in its workspace. */
function deep(layers: number) {
  const net = Network.create({
    ...parseArchitecture(`fc:3x${layers}`, [1, 1, 3], 2),
    rule: "dfa",
    seed: 1,
  });
  const ws = net.workspace(4);
  ws.x.set([0.5, -1, 0.2, 1, 0, -0.3, 0.7, 0.1, 0.9, -0.5, 0.4, 0]);
  ws.y.set([1, 0, 0, 1, 1, 0, 0, 1]);
  return { net, ws };
}

/** Counts the reads of every layer's forward matrix while `f` runs. */
function weightReads(net: Network, f: () => void): number {
  let reads = 0;
  for (const layer of net.layers) {
    const w = layer.weight;
    Object.defineProperty(layer, "weight", {
      get: () => (reads++, w),
      configurable: true,
    });
  }
  f();
  return reads;
}

Deno.test("alignment of a deep net reads each layer's weights a bounded number of times", () => {
  const L = 80, { net, ws } = deep(L);
  const reads = weightReads(net, () => assertEquals(alignment(net, ws, 4).length, L));
  // One product per layer from the one above; each layer's own would read ~L²/2 = 3 200 times.
  assert(reads <= 8 * L, `${reads} reads of the weights of ${L + 1} layers`);
});

Deno.test("the products made top down equal those made for each layer on its own", () => {
  const { net } = deep(12);
  const all = forwardProducts(net);
  for (let k = 0; k < 12; k++) {
    assertEquals(all[k], forwardProducts(net, k)[k], `layer ${k + 1}`);
    assertEquals(weightAlignment(net, k, all), weightAlignment(net, k), `layer ${k + 1}`);
  }
  assertEquals(all[11]?.length, 2 * 3); // (classes, n) of the last hidden layer: W of the output
});

Deno.test("a convolution above a layer leaves it no single product, as before", () => {
  const net = Network.create({
    ...parseArchitecture("conv:2x3x3,conv:2x2x2,fc:5", [1, 6, 6], 3),
    rule: "dfa",
    seed: 2,
  });
  const all = forwardProducts(net);
  assertEquals(all.map((p) => p !== undefined), [false, true, true]);
  assertEquals(weightAlignment(net, 0), undefined);
});
