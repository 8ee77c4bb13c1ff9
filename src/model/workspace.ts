/**
 * The buffers of a training or evaluation batch, allocated once in a SIMD kernel arena and reused,
 * so that a training step allocates nothing.
 *
 * @module
 */

import { Arena } from "../kernels/arena.ts";
import { checkMemory, DEFAULT_MAX_BYTES } from "./memory.ts";

/**
 * Buffers for batches of up to `maxBatch` samples, reused across batches.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { Workspace } from "./mod.ts";
 * const net = Network.create({ sizes: [3, 4, 2], seed: 1 });
 * const ws = new Workspace(net.sizes, 8);
 * ws.x.set([1, 0, -1]);
 * assertEquals(net.forward(ws, 1).length >= 2, true); // outputs of the first row in ws.h
 * ```
 */
export class Workspace {
  /** The largest batch the buffers hold. */
  readonly maxBatch: number;
  /** Input batch, (maxBatch, n₀). */
  readonly x: Float32Array;
  /** Target batch, (maxBatch, classes). */
  readonly y: Float32Array;
  /** Labels of the batch. */
  readonly labels: Uint8Array;
  /** Output of each layer, (maxBatch, n_{k+1}); the last holds ŷ. */
  readonly h: Float32Array[];
  /** δ of each layer; the last holds the output error e. */
  readonly delta: Float32Array[];
  /** maxBatch ones, for bias sums. */
  readonly ones: Float32Array;
  /** Each layer's scratch (empty for most), as its `scratchFloats` asked. */
  readonly scratch: Float32Array[];
  /** The kernel arena that holds the buffers above. */
  readonly arena: Arena;
  /** The last batch's outcome, reused so that a training step allocates nothing. */
  readonly result: BatchResult = { loss: 0, errors: 0 };

  /**
   * Allocates the buffers.
   *
   * @param sizes The network's layer widths.
   * @param maxBatch The largest batch.
   * @param scratch Floats of scratch for each layer (default none).
   * @param maxBytes The most bytes the buffers may take (default {@linkcode DEFAULT_MAX_BYTES}).
   * @throws {RangeError} When the batch size is not a positive integer, or the buffers would take
   *   more than `maxBytes`.
   */
  constructor(
    sizes: readonly number[],
    maxBatch: number,
    scratch: readonly number[] = [],
    maxBytes: number = DEFAULT_MAX_BYTES,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(
        `Cannot allocate a workspace: the batch size must be a positive integer: ${maxBatch}`,
      );
    }
    this.maxBatch = maxBatch;
    const last = sizes[sizes.length - 1];
    const lengths = [sizes[0], last, ...sizes.slice(1), ...sizes.slice(1), 1].map((n) =>
      n * maxBatch
    );
    const floats = [...lengths, ...scratch].reduce((t, n) => t + Arena.padded(n), 0);
    checkMemory(`a workspace for batches of ${maxBatch}`, 4 * floats, maxBytes);
    const k = this.arena = new Arena(floats);
    this.x = k.alloc(maxBatch * sizes[0]);
    this.y = k.alloc(maxBatch * last);
    this.labels = new Uint8Array(maxBatch);
    this.h = sizes.slice(1).map((n) => k.alloc(maxBatch * n));
    this.delta = sizes.slice(1).map((n) => k.alloc(maxBatch * n));
    this.ones = k.alloc(maxBatch).fill(1);
    this.scratch = sizes.slice(1).map((_, i) => k.alloc(scratch[i] ?? 0));
  }
}

/**
 * The outcome of one training batch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import type { BatchResult } from "./mod.ts";
 * import { Optimizer, trainStep } from "../train/mod.ts";
 * const net = Network.create({ sizes: [2, 2], seed: 1 });
 * const ws = net.workspace(1);
 * ws.y.set([1, 0]);
 * const r: BatchResult = trainStep(net, ws, 1, new Optimizer({ name: "sgd", lr: 0.1 }));
 * assertEquals(r.loss > 0, true);
 * ```
 */
export interface BatchResult {
  /** Loss summed over the batch. */
  loss: number;
  /** Misclassified samples in the batch. */
  errors: number;
}
