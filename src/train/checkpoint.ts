/**
 * Checkpoints of a training run: what `train` needs to go on from an epoch exactly as an
 * unbroken run would (the optimiser's state, where every generator is, the stopping rules' running
 * values, the epochs so far), and `.npz` files that hold them with the network's values, so a run
 * killed at any point loses at most one epoch.
 *
 * @module
 */

import { DataFormatError, ndarray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import type { Network } from "../model/network.ts";
import { networkToArrays } from "../model/serialize.ts";
import type { Rng, RngState } from "../tensor/random.ts";
import type { EarlyStoppingState } from "./early_stopping.ts";
import type { OptimizerState } from "./optimizers.ts";
import type { EpochStats } from "./train_options.ts";
import { isCount, stateProblem } from "./checkpoint_check.ts";

export { checkCheckpoint } from "./checkpoint_check.ts";

/**
 * Everything but the network's values that a run needs to continue after `epoch`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import type { TrainCheckpoint } from "./mod.ts";
 * const y = Matrix.from([[1, 0], [0, 1]]), data = { x: Matrix.from([[1, 0], [0, 1]]), y, labels: rowArgmax(y) };
 * let last: TrainCheckpoint | undefined;
 * train(Network.create({ sizes: [2, 2] }), data, {
 *   epochs: 3, batchSize: 2, optimizer: { name: "rmsprop", lr: 0.01 }, onCheckpoint: (c) => last = c,
 * });
 * assertEquals(last?.epoch, 3);
 * assertEquals(last?.history.length, 3);
 * assertEquals(last?.optimizer.length, 2);
 * ```
 */
export interface TrainCheckpoint {
  /** Epochs finished. */
  epoch: number;
  /** Their statistics. */
  history: EpochStats[];
  /** The running mean of the training error (the `stopAtTrainError` rule's). */
  errorMean: number;
  /** The last epoch's training error (the `tolerance` rule's). */
  previousError: number;
  /** The shuffling's generator. */
  shuffle: RngState;
  /** The network's generators, in {@linkcode networkGenerators}' order. */
  generators: RngState[];
  /** The augmentation's generator, when it has one. */
  augment?: RngState;
  /** The optimiser's state of each of the network's parameters, in their order. */
  optimizer: OptimizerState[];
  /** Early stopping's state, when training has a validation set. */
  early?: EarlyStoppingState;
}

/**
 * The generators a network's training steps draw from, in a fixed order: the rule's (backward
 * weights redrawn every batch) and each layer's that has one (dropout's masks).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network, parseArchitecture } from "../../mod.ts";
 * import { networkGenerators } from "./mod.ts";
 * const net = Network.create({ ...parseArchitecture("fc:8,dropout:0.5", [1, 2, 2], 2, "tanh") });
 * assertEquals(networkGenerators(net).length, 2);
 * ```
 *
 * @param net The network.
 * @returns Its generators.
 */
export function networkGenerators(net: Network): Rng[] {
  return [net.ruleState.rng, ...net.layers.flatMap((l) => l.rng ? [l.rng] : [])];
}

// JSON has no NaN or ±Infinity (a first epoch's previous error, an unset best error): as strings.
const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity"]);
const encode = (_: string, v: unknown) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
const decode = (_: string, v: unknown) =>
  typeof v === "string" && NON_FINITE.has(v) ? Number(v) : v;

/** A checkpoint's saved state (JSON), validated: the error `fail` makes says what is wrong. */
function parseState(json: string, fail: (why: string) => Error) {
  let state;
  try {
    state = JSON.parse(json, decode);
  } catch {
    throw fail(`its state is not JSON: ${json.slice(0, 80)}`);
  }
  if (state === null || typeof state !== "object" || Array.isArray(state)) {
    throw fail(`its state is not an object: ${json.slice(0, 80)}`);
  }
  const why = stateProblem(state);
  if (why) throw fail(`its state is damaged: ${why}`);
  return state;
}

/**
 * Saves a network and a checkpoint of its training as one `.npz` file (atomically: a run killed
 * while saving leaves the previous file whole). NumPy opens it: the network's arrays as
 * `saveNetwork` writes them, the optimiser's slots as `opt<i>_<j>` (parameter i, slot j), early
 * stopping's best values as `best<i>`, and the rest as JSON bytes in `checkpoint`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import { checkpointEpoch, saveCheckpoint } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0]]), y = Matrix.from([[1, 0], [0, 1]]), data = { x, y, labels: rowArgmax(y) };
 * const options = { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } } as const;
 * const path = `${await Deno.makeTempDir()}/run.npz`, net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * train(net, data, { ...options, onCheckpoint: (c) => saveCheckpoint(path, net, c) });
 * assertEquals(checkpointEpoch(path), 2);
 * ```
 *
 * @param path The file.
 * @param net The network being trained.
 * @param checkpoint Its training's checkpoint.
 */
export function saveCheckpoint(path: string, net: Network, checkpoint: TrainCheckpoint): void {
  const arrays: NpzArrays = networkToArrays(net);
  const { optimizer, early, ...rest } = checkpoint;
  optimizer.forEach((s, i) =>
    s.slots.forEach((v, j) => arrays[`opt${i}_${j}`] = ndarray("float32", [v.length], v))
  );
  early?.best.forEach((v, i) => arrays[`best${i}`] = ndarray("float32", [v.length], v));
  const state = {
    ...rest,
    steps: optimizer.map((s) => s.steps),
    slots: optimizer.map((s) => s.slots.length),
    early: early && { bestEpoch: early.bestEpoch, bestError: early.bestError },
  };
  const json = new TextEncoder().encode(JSON.stringify(state, encode));
  arrays.checkpoint = ndarray("uint8", [json.length], json);
  saveNpz(path, arrays);
}

/**
 * Loads a checkpoint saved by {@linkcode saveCheckpoint} into a network built as the saved one was
 * (same configuration): puts the saved values back into it (weights, biases and fixed matrices)
 * and returns the checkpoint, to pass to `train` as `resume`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import { loadCheckpoint, saveCheckpoint } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0]]), y = Matrix.from([[1, 0], [0, 1]]), data = { x, y, labels: rowArgmax(y) };
 * const options = { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } } as const;
 * const path = `${await Deno.makeTempDir()}/run.npz`, net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * train(net, data, { ...options, epochs: 1, onCheckpoint: (c) => saveCheckpoint(path, net, c) });
 * const again = Network.create({ sizes: [2, 3, 2], seed: 9 }); // its values are replaced
 * const resumed = train(again, data, { ...options, resume: loadCheckpoint(path, again) });
 * const unbroken = train(Network.create({ sizes: [2, 3, 2], seed: 1 }), data, options);
 * assertEquals(resumed.epochs.at(-1)?.loss, unbroken.epochs.at(-1)?.loss); // bit for bit
 * ```
 *
 * @param path The file.
 * @param net A network of the saved one's configuration; its values are replaced.
 * @returns The checkpoint.
 * @throws {DataFormatError} When the file is not a checkpoint of a network like `net`, or its
 *   state is damaged (epochs, statistics, running values or generators out of range).
 */
export function loadCheckpoint(path: string, net: Network): TrainCheckpoint {
  const fail = (why: string) => new DataFormatError(`Cannot resume from ${path}: ${why}`);
  const saved = loadNpz(path), mine = networkToArrays(net);
  const text = (k: string) => {
    const a = saved[k];
    if (a?.dtype !== "uint8") throw fail(`'${k}' is missing`);
    return new TextDecoder().decode(a.data as Uint8Array);
  };
  const values = (k: string, n: number) => {
    const a = saved[k];
    if (a?.dtype !== "float32" || a.data.length !== n) {
      throw fail(
        `'${k}' must be ${n} float32 values: ${a ? `${a.data.length} ${a.dtype}` : "none"}`,
      );
    }
    return a.data as Float32Array;
  };
  const config = text("config");
  if (config !== new TextDecoder().decode(mine.config.data as Uint8Array)) {
    throw fail(`it holds another network: ${config}`);
  }
  const state = parseState(text("checkpoint"), fail);
  const params = net.params;
  if (
    !Array.isArray(state.steps) || state.steps.length !== params.length ||
    !state.steps.every((v: unknown) => isCount(v)) || !Array.isArray(state.slots) ||
    state.slots.length !== params.length || !state.slots.every((v: unknown) => isCount(v, 2))
  ) {
    throw fail(`expected the optimiser's steps and slots of ${params.length} parameters`);
  }
  for (const [k, a] of Object.entries(mine)) {
    if (k !== "config") (a.data as Float32Array).set(values(k, a.data.length));
  }
  const { steps, slots, early, ...rest } = state;
  return {
    ...rest,
    optimizer: params.map((p, i) => ({
      steps: steps[i],
      slots: Array.from({ length: slots[i] }, (_, j) => values(`opt${i}_${j}`, p.value.length)),
    })),
    early: early &&
      { ...early, best: params.map((p, i) => values(`best${i}`, p.value.length)) },
  };
}

/**
 * The epochs a checkpoint file holds (each one's statistics, in order), read from its state alone
 * (not its arrays), or undefined when there is no such file: how far a run has come and at what
 * pace, without loading it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import { checkpointHistory, saveCheckpoint } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0]]), y = Matrix.from([[1, 0], [0, 1]]), data = { x, y, labels: rowArgmax(y) };
 * const options = { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } } as const;
 * const path = `${await Deno.makeTempDir()}/run.npz`, net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * const r = train(net, data, { ...options, onCheckpoint: (c) => saveCheckpoint(path, net, c) });
 * assertEquals(checkpointHistory(path)?.map((s) => s.trainError), r.epochs.map((s) => s.trainError));
 * assertEquals(checkpointHistory(`${path}.missing`), undefined);
 * ```
 *
 * @param path The file.
 * @returns Its epochs' statistics.
 * @throws {DataFormatError} When the file holds no checkpoint or its state is damaged.
 */
export function checkpointHistory(path: string): EpochStats[] | undefined {
  try {
    const { checkpoint } = loadNpz(path, ["checkpoint"]);
    if (checkpoint?.dtype !== "uint8") {
      throw new DataFormatError(`Cannot read ${path}: 'checkpoint' is missing`);
    }
    const json = new TextDecoder().decode(checkpoint.data as Uint8Array);
    return parseState(json, (why) => new DataFormatError(`Cannot read ${path}: ${why}`)).history;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * The epoch a checkpoint file holds, read from its state alone (not its arrays), or undefined when
 * there is no such file: to tell how far a run has come without loading it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import { checkpointEpoch, saveCheckpoint } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0]]), y = Matrix.from([[1, 0], [0, 1]]), data = { x, y, labels: rowArgmax(y) };
 * const options = { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } } as const;
 * const path = `${await Deno.makeTempDir()}/run.npz`, net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * train(net, data, { ...options, epochs: 3, onCheckpoint: (c) => saveCheckpoint(path, net, c) });
 * assertEquals(checkpointEpoch(path), 3);
 * assertEquals(checkpointEpoch(`${path}.missing`), undefined);
 * ```
 *
 * @param path The file.
 * @returns The epochs it has finished.
 */
export function checkpointEpoch(path: string): number | undefined {
  return checkpointHistory(path)?.length;
}
