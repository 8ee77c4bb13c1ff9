// Shared by the gradient tests: a random batch, the fast path's gradients, and central finite
// differences of the naive double-precision reference loss.
import type { Network, Rule } from "../mod.ts";
import type { Workspace } from "../src/model/mod.ts";
import { Rng } from "../src/tensor/mod.ts";
import { referenceForward, referenceLoss, type ReferenceParams } from "../src/testing/mod.ts";

/** A batch of B samples: inputs N(0, 1) (or U(−1, 1)), one-hot targets (real ones for MSE). */
export function randomBatch(
  net: Network,
  B: number,
  seed: number,
  inputs: "normal" | "uniform" = "normal",
) {
  const rng = new Rng(seed), C = net.sizes[net.depth];
  const draw = () => (inputs === "normal" ? rng.normal() : rng.uniform() * 2 - 1);
  const x = Array.from({ length: B }, () => Array.from({ length: net.sizes[0] }, draw));
  const y = Array.from({ length: B }, () => {
    if (net.loss === "mse") return Array.from({ length: C }, () => rng.normal());
    const t = new Array(C).fill(0);
    t[rng.int(C)] = 1;
    return t;
  });
  const ws = net.workspace(B);
  ws.x.set(x.flat());
  ws.y.set(y.flat());
  return { x, y, ws };
}

/** The fast path's summed gradients (or rule updates) for the batch in `ws`. */
export function fastGradients(net: Network, ws: Workspace, B: number, rule: Rule) {
  const C = net.sizes[net.depth], yHat = net.forward(ws, B);
  for (let i = 0; i < B * C; i++) ws.delta[net.depth - 1][i] = yHat[i] - ws.y[i];
  net.backward(ws, B, rule);
  net.gradients(ws, B, { rule });
  // Each layer's gradients by parameter kind (empty where the layer has none).
  const of = (prefix: string) =>
    net.layers.map((l) => Array.from(l.params.find((p) => p.name.startsWith(prefix))?.grad ?? []));
  return { w: of("W"), b: of("b"), d1: of("D1_"), d2: of("D2_") };
}

/**
 * Central differences of the batch's summed reference loss with respect to each entry of `arr`,
 * an array inside `p` (perturbed in place and restored).
 */
export function finiteDifferences(net: Network, p: ReferenceParams, x: number[][], y: number[][]) {
  const total = () =>
    x.reduce(
      (s, xs, i) => s + referenceLoss(net, referenceForward(net, p, xs)[net.depth], y[i]),
      0,
    );
  const h = 1e-5;
  return (arr: number[]) =>
    arr.map((v, i) => {
      arr[i] = v + h;
      const up = total();
      arr[i] = v - h;
      const down = total();
      arr[i] = v;
      return (up - down) / (2 * h);
    });
}

/** The largest absolute difference, relative to the largest reference value. */
export function maxRelErr(got: number[], want: number[]): number {
  const scale = Math.max(1e-6, ...want.map(Math.abs));
  return Math.max(0, ...got.map((g, i) => Math.abs(g - want[i]))) / scale;
}
