// dfa-linear-net.ipynb: a net with no activation learns M = W2·W1 by DFA (or another rule) on the
// whole dataset at once, its cost and alignment recorded as it goes.
import { alignment } from "../train/alignment.ts";
import { matmul } from "../tensor/gemm.ts";
import { Matrix } from "../tensor/matrix.ts";
import { Network } from "../model/network.ts";
import { Optimizer } from "../train/optimizers.ts";
import { Rng } from "../tensor/random.ts";
import type { Rule } from "../model/rules/registry.ts";
import { trainStep } from "../train/step.ts";
import { degrees } from "../report/format.ts";

/** The linear-net experiment's settings. */
export interface LinearNetOptions {
  /** Columns of M. */
  inputs: number;
  /** Rows of M. */
  outputs: number;
  hidden: number;
  samples: number;
  /** Learning rate on summed gradients. */
  lr: number;
  epochs: number;
  /** Stop when the cost falls to this. */
  tolerance: number;
  rule: Rule;
  /** Record (and log) every this many epochs. */
  every: number;
  seed: number;
}

/** One recorded epoch. */
export interface LinearNetPoint {
  epoch: number;
  cost: number;
  criterion: number;
  angle: number;
}

/** How the run ended: its epochs, cost, D = Σ|M − W2·W1| and record. */
export interface LinearNetResult {
  rule: Rule;
  /** The net's widths: inputs, hidden units, outputs. */
  sizes: number[];
  /** The learning rate (plain SGD on summed gradients). */
  lr: number;
  epochs: number;
  cost: number;
  D: number;
  seconds: number;
  history: LinearNetPoint[];
}

/**
 * Trains the linear net; `log` gets a line at each recorded epoch.
 *
 * @throws {RangeError} When the cost diverges.
 */
export function linearNet(
  o: LinearNetOptions,
  log?: (line: string) => void,
): LinearNetResult {
  const { inputs: nIn, outputs: nOut, samples: n, rule, every, epochs } = o;
  // The task: M with integer entries in [−10, 10), samples x ~ N(0, 1), targets M·x.
  const rng = new Rng(o.seed);
  const M = new Matrix(nOut, nIn);
  for (let i = 0; i < M.size; i++) M.data[i] = rng.int(20) - 10;
  const X = new Matrix(n, nIn, rng.fillNormal(new Float32Array(n * nIn)));
  const Y = matmul(X, M, { transB: true }); // (n, nOut) = X · Mᵀ

  const net = Network.create({
    sizes: [nIn, o.hidden, nOut],
    hidden: "linear",
    loss: "mse",
    rule,
    bias: false,
    init: rule === "bp" ? "normal" : "zeros", // backprop cannot leave all-zero weights
    feedbackInit: "normal",
    seed: o.seed + 1,
  });
  const ws = net.workspace(n);
  const optimizer = new Optimizer({ name: "sgd", lr: o.lr });
  const history: LinearNetPoint[] = [];
  let cost = NaN, epoch = 0;
  const t0 = performance.now();
  for (epoch = 1; epoch <= epochs; epoch++) {
    ws.x.set(X.data);
    ws.y.set(Y.data);
    cost = trainStep(net, ws, n, optimizer).loss;
    if (!Number.isFinite(cost)) {
      throw new RangeError(
        `Cannot continue: the cost diverged at epoch ${epoch}: ${cost} (try a smaller --lr)`,
      );
    }
    // The first epoch starts from zero weights, where the angle is undefined, as in the notebook.
    if ((epoch - 1) % every === 0 && epoch > 1 || cost <= o.tolerance) {
      const a = rule === "bp" ? undefined : alignment(net, ws, n)[0];
      history.push({ epoch, cost, criterion: a?.criterion ?? NaN, angle: a?.angle ?? 0 });
      log?.(
        `epoch ${String(epoch).padStart(4)}: cost ${cost.toPrecision(6)}` +
          (a
            ? `, alignment criterion ${a.criterion.toFixed(4)} (> 0: ${a.criterion > 0}), angle ${
              degrees(a.angle, 2)
            }`
            : ""),
      );
    }
    if (cost <= o.tolerance) break;
  }
  const W = matmul(net.layers[1].weight!, net.layers[0].weight!); // W2·W1: (nOut, nIn)
  let D = 0;
  for (let i = 0; i < M.size; i++) D += Math.abs(M.data[i] - W.data[i]);
  const seconds = (performance.now() - t0) / 1000;
  return {
    rule,
    sizes: [nIn, o.hidden, nOut],
    lr: o.lr,
    epochs: Math.min(epoch, epochs),
    cost,
    D,
    seconds,
    history,
  };
}
