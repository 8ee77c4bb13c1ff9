/**
 * Training an RD layer by DFA, the variants the stacking study compares: which matrix carries the
 * output error to D1 (D2 always takes its exact local gradient), and a warm-up by exact backprop.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import { ndarray } from "../io/ndarray.ts";
import type { RdLayer } from "../model/layers/rd.ts";
import type { Network } from "../model/network.ts";
import { networkFromArrays, networkToArrays } from "../model/serialize.ts";
import { Rng } from "../tensor/random.ts";
import { train, type TrainOptions } from "../train/train.ts";

/**
 * Sets the matrix that carries the error to D1 in a one-RD-layer DFA network: its own random one
 * (`"random"`, as drawn), R itself (`"aligned"`), or R with each class's row times a random sign
 * (`"signs"`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import type { RdLayer } from "../model/mod.ts";
 * import { prepareRdDfa } from "./mod.ts";
 * const net = Network.create({ sizes: [4, 2], layers: ["rd"], rule: "dfa", seed: 1 });
 * prepareRdDfa(net, { rdFeedback: "aligned", seed: 1 });
 * const layer = net.layers[0] as RdLayer;
 * assertEquals(layer.feedback!.data.every((v, i) => v === layer.r.data[i]), true);
 * ```
 *
 * @param net The network.
 * @param o The variant, and the seed of the signs.
 */
export function prepareRdDfa(
  net: Network,
  o: { rdFeedback?: "random" | "aligned" | "signs"; seed: number },
): void {
  const layer = net.layers[0] as RdLayer, F = layer.feedback!.data, R = layer.r.data;
  if (o.rdFeedback === "aligned" || o.rdFeedback === "signs") {
    const rng = new Rng(o.seed + 1), nIn = layer.inputs;
    for (let c = 0; c < layer.outputs; c++) {
      const sign = o.rdFeedback === "signs" && rng.uniform() < 0.5 ? -1 : 1;
      for (let i = 0; i < nIn; i++) F[c * nIn + i] = sign * R[c * nIn + i];
    }
  }
}

/**
 * Trains a DFA network's values for `epochs` epochs by exact backprop first (in a BP copy), then
 * hands them back: DFA continues from there.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax } from "../../mod.ts";
 * import { warmUp } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1]]);
 * const net = Network.create({ sizes: [2, 2], layers: ["rd"], rule: "dfa", seed: 1 });
 * const before = net.params[0].value.slice();
 * warmUp(net, { x: Matrix.from([[1, 0], [0, 1]]), y, labels: rowArgmax(y) }, 2, { batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } });
 * assertEquals(net.params[0].value.some((v, i) => v !== before[i]), true);
 * ```
 *
 * @param net The DFA network.
 * @param data The training set.
 * @param epochs Epochs of backprop (0: none).
 * @param options How to train them.
 */
export function warmUp(
  net: Network,
  data: Dataset,
  epochs: number,
  options: Omit<TrainOptions, "epochs">,
): void {
  if (epochs <= 0) return;
  const arrays = networkToArrays(net), config = { ...net.config, rule: "bp" as const };
  const json = new TextEncoder().encode(JSON.stringify(config));
  const bp = networkFromArrays({ ...arrays, config: ndarray("uint8", [json.length], json) });
  train(bp, data, { ...options, epochs });
  bp.params.forEach((p, i) => net.params[i].value.set(p.value));
}
