/**
 * The original program's stacked models run as it runs them, draw for draw: its parameters from
 * NumPy's legacy generator in the order its `train` draws them, then each epoch the whole training
 * set permuted by `np.random.permutation` (the permutations compose, as `x = x[:, perm]` does), cut
 * into batches (the last partial one dropped) and passed to {@linkcode originalDenseStep} or
 * {@linkcode originalRdStep}. With the original's seed (1234) and its outputs, both stacked models
 * start from its very numbers and see its very batches.
 *
 * @module
 */

import type { Dataset } from "../data/dataset.ts";
import type { DenseLayer } from "../model/layers/dense.ts";
import type { RdLayer } from "../model/layers/rd.ts";
import type { Network } from "../model/network.ts";
import { NumpyRandomState } from "../tensor/numpy_random.ts";
import { type EpochStats, TrainingDivergedError, type TrainResult } from "../train/train.ts";
import { originalDenseStep } from "./original_dense.ts";
import { originalRdStep } from "./original_rd.ts";

/**
 * Sets a one-layer network's parameters as the original's `train` draws them from `random`: dense,
 * `W1 = randn(10, 10n)` then `b1 = randn(10, 1)` (stacked-model.py); RD, `D1 = diag(randn(10n))`,
 * `R = randn(10, 10n)`, `D2 = diag(randn(10))`, then `B1 = randn(10n, 10)`, a feedback matrix the
 * original draws and leaves unused (RD-stacked-model.py): it is drawn here as well, so that the
 * permutations that follow are the original's.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import type { DenseLayer } from "../model/mod.ts";
 * import { NumpyRandomState } from "../tensor/numpy_random.ts";
 * import { drawOriginalInit } from "./mod.ts";
 * const net = Network.create({ sizes: [4, 2], loss: "bce", rule: "bp", seed: 1 });
 * drawOriginalInit(net, new NumpyRandomState(1234));
 * // python3 -c "import numpy as np; np.random.seed(1234); print(np.random.randn(2, 4)[0, 0])"
 * assertEquals((net.layers[0] as DenseLayer).weight.data[0], Math.fround(0.47143516373249306));
 * ```
 *
 * @param net A network of one dense layer or of one RD layer without a bias.
 * @param random The generator, seeded as the original seeds it.
 * @throws {RangeError} When the network is neither.
 */
export function drawOriginalInit(net: Network, random: NumpyRandomState): void {
  const layer = net.layers[0];
  if (net.depth === 1 && layer.kind === "dense") {
    const dense = layer as DenseLayer;
    dense.weight.data.set(random.randn(dense.weight.size)); // W1: (outputs, inputs)
    dense.bias.set(random.randn(dense.outputs)); // b1: (outputs, 1)
    return;
  }
  if (net.depth === 1 && layer.kind === "rd" && !(layer as RdLayer).hasBias) {
    const rd = layer as RdLayer;
    rd.d1.set(random.randn(rd.inputs)); // D1: diag (inputs)
    rd.r.data.set(random.randn(rd.r.size)); // R: (outputs, inputs)
    rd.d2.set(random.randn(rd.outputs)); // D2: diag (outputs)
    random.randn(rd.inputs * rd.outputs); // B1: (inputs, outputs), unused by the original
    return;
  }
  throw new RangeError(
    "Cannot draw the original's parameters: the network must be one dense layer or one RD layer without a bias",
  );
}

/**
 * Trains a one-layer network the original's way: each epoch the training set permuted further by
 * `random.permutation` (the original permutes its already permuted copy), batches in that order
 * (the last partial one dropped), {@linkcode originalRdStep} for an RD layer or
 * {@linkcode originalDenseStep} for a dense one, and a stop when the training error changes by no
 * more than `tolerance` from one epoch to the next (none without a tolerance, as the original's
 * dense model).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax } from "../../mod.ts";
 * import { trainOriginal } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
 * const data = { x: Matrix.from([[1, 0], [0, 1], [2, 0], [0, 2]]), y, labels: rowArgmax(y) };
 * const net = Network.create({ sizes: [2, 2], layers: ["rd"], rule: "bp", bias: false, seed: 3 });
 * assertEquals(trainOriginal(net, data, { epochs: 3, lr: 1e-3, batchSize: 2, seed: 1 }).epochs.length, 3);
 * ```
 *
 * @param net A network of one RD layer without a bias or of one dense layer with sigmoid outputs,
 *   updated in place.
 * @param data The training set.
 * @param o Epochs, learning rate, batch size, tolerance and progress; the generator of the
 *   permutations (`random`, that of {@linkcode drawOriginalInit} to follow the original draw for
 *   draw), else one seeded with `seed`.
 * @returns Per-epoch statistics.
 * @throws {TrainingDivergedError} When the loss stops being finite.
 */
export function trainOriginal(
  net: Network,
  data: Dataset,
  o: {
    epochs: number;
    lr: number;
    batchSize: number;
    seed: number;
    random?: NumpyRandomState;
    tolerance?: number;
    onEpoch?: (s: EpochStats) => void;
  },
): TrainResult {
  const n = data.x.rows, f = data.x.cols, C = data.y.cols, B = Math.min(o.batchSize, n);
  const random = o.random ?? new NumpyRandomState(o.seed);
  const ws = net.workspace(B), batches = Math.floor(n / B);
  let order = new Uint32Array(n).map((_, i) => i); // where each position's sample came from
  const result: TrainResult = { epochs: [], converged: false };
  const step = net.layers[0].kind === "rd" ? originalRdStep : originalDenseStep;
  let previous = 0; // as the original: the first epoch compares with 0
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now(), perm = random.permutation(n);
    order = perm.map((p) => order[p]); // x = x[:, perm]
    let loss = 0, errors = 0;
    for (let b = 0; b < batches; b++) {
      for (let r = 0; r < B; r++) {
        const s = order[b * B + r];
        ws.x.set(data.x.data.subarray(s * f, (s + 1) * f), r * f);
        ws.y.set(data.y.data.subarray(s * C, (s + 1) * C), r * C);
        ws.labels[r] = data.labels[s];
      }
      const r = step(net, ws, B, o.lr);
      if (!Number.isFinite(r.loss)) throw new TrainingDivergedError(epoch, b + 1, r.loss);
      loss += r.loss;
      errors += r.errors;
    }
    const stats: EpochStats = {
      epoch,
      loss: loss / (batches * B),
      trainError: errors / n, // the original divides by the dataset's size
      seconds: (performance.now() - t0) / 1000,
    };
    result.epochs.push(stats);
    o.onEpoch?.(stats);
    if (o.tolerance !== undefined && Math.abs(stats.trainError - previous) <= o.tolerance) {
      result.converged = true;
      break;
    }
    previous = stats.trainError;
  }
  return result;
}
