/**
 * Mini-batches in shuffled order: a training set held ready for the training loop, which copies
 * each batch's rows into contiguous buffers for the GEMMs.
 *
 * Inputs that are 8-bit images scaled to [0, 1] (every value bit for bit k/255 for a byte k, as
 * the MNIST loaders make them) are held as their bytes: a shuffled batch then reads a quarter of
 * the memory (MNIST: 47 MB instead of 188 MB an epoch, the most of which is cache misses), and the
 * SIMD kernels decode it into the very same floats. Other inputs are copied as floats, from a
 * copy in the kernels' memory where one bulk copy moves a row (half the time of `set()` calls):
 * while a source lives, float inputs take twice their memory (up to 512 MiB of inputs; beyond
 * that, where a second copy would cost more than it saves, or without WebAssembly SIMD, rows are
 * copied from the dataset itself). One-hot targets are
 * written from the labels instead of read from scattered rows.
 *
 * @module
 */

import type { Dataset } from "./dataset.ts";
import { Arena } from "../kernels/arena.ts";
import { encodeBytes, gatherBytes, gatherRows } from "../kernels/byte_codecs.ts";

/** Floats encoded per call: 256 KiB of staging, a size that stays in the L2 cache. */
/** Float inputs larger than this (bytes) are not copied into the arena. */
const FLOAT_COPY_LIMIT = 512 * 2 ** 20;
const STAGE = 65536;

/** Whether every target row is +0 but for a 1 at its label. */
function isOneHot(data: Dataset): boolean {
  const Y = data.y.data, c = data.y.cols, bits = new Uint32Array(Y.buffer, Y.byteOffset, Y.length);
  for (let r = 0; r < data.y.rows; r++) {
    const label = data.labels[r];
    if (label >= c || Y[r * c + label] !== 1) return false;
    for (let j = 0; j < c; j++) if (j !== label && bits[r * c + j] !== 0) return false;
  }
  return true;
}

/**
 * A training set ready for shuffled mini-batches: {@linkcode train} makes one per call, or takes
 * one made beforehand, so that several trainings on the same data (the weak learners) encode 8-bit
 * inputs once.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * import { BatchSource } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [128 / 255, 1 / 255], [1, 0]]), y = Matrix.from([[1, 0], [0, 1], [1, 0]]);
 * const source = new BatchSource({ x, y, labels: rowArgmax(y) }, 2);
 * assertEquals(source.bytes, true); // every input is k/255
 * source.order.set([2, 1, 0]);
 * const ws = { x: new Float32Array(4), y: new Float32Array(4), labels: new Uint8Array(2) };
 * assertEquals(Array.from(source.fill(1, 2, ws)), [ 0.501960813999176, 0.003921568859368563, 0, 1 ]);
 * assertEquals(Array.from(ws.labels), [ 1, 0 ]);
 * ```
 */
export class BatchSource {
  /** The samples. */
  readonly data: Dataset;
  /** The largest batch {@linkcode BatchSource.fill} takes. */
  readonly maxBatch: number;
  /** The order in which samples are taken; the training loop shuffles it every epoch. */
  readonly order: Uint32Array;
  /** Whether the inputs are held as bytes (every value was k/255 for a byte k). */
  readonly bytes: boolean;
  /** Whether the targets are one-hot rows of the labels (then written from the labels). */
  readonly oneHot: boolean;
  #arena?: Arena;
  /** 8-bit inputs as bytes, or other inputs as a copy of their floats, in the kernels' arena. */
  #codes?: Uint8Array;
  #floats?: Float32Array;
  /** The batch's inputs, in the arena. */
  #batch?: Float32Array;

  /**
   * Prepares a training set: inputs that are all k/255 are encoded as bytes (one pass).
   *
   * @param data The samples.
   * @param maxBatch The largest batch to be filled.
   * @param options `bytes: false` gathers floats even where the inputs are 8-bit (default true).
   * @throws {RangeError} When the batch size is not a positive integer or the sizes disagree.
   */
  constructor(data: Dataset, maxBatch: number, options: { bytes?: boolean } = {}) {
    const n = data.x.rows;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(
        `Cannot prepare batches: the batch size must be a positive integer: ${maxBatch}`,
      );
    }
    if (data.y.rows !== n || data.labels.length !== n) {
      throw new RangeError(
        `Cannot prepare batches: ${n} inputs but ${data.y.rows} targets and ${data.labels.length} labels`,
      );
    }
    this.data = data;
    this.maxBatch = maxBatch = Math.min(maxBatch, Math.max(1, n));
    const k = (options.bytes === false ? undefined : BatchSource.#encode(data, maxBatch)) ??
      BatchSource.#copy(data, maxBatch);
    this.bytes = k?.codes !== undefined;
    this.#arena = k?.arena;
    this.#codes = k?.codes;
    this.#floats = k?.floats;
    this.#batch = k?.batch;
    this.order = k?.order ?? new Uint32Array(n); // without SIMD, or past wasm32's memory
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.oneHot = isOneHot(data);
  }

  /**
   * A kernel arena holding the inputs (as bytes or floats), the order and the batch buffer, or
   * undefined where it cannot: no WebAssembly SIMD, or past wasm32's memory (2 GiB kept here).
   */
  static #arenaFor(data: Dataset, maxBatch: number, bytes: boolean) {
    const n = data.x.rows, f = data.x.cols, total = n * f;
    const held = Arena.padded(bytes ? Math.ceil(total / 4) : total);
    const stage = bytes ? Arena.padded(Math.min(STAGE, total)) : 0;
    const floats = held + Arena.padded(n) + Arena.padded(maxBatch * f) + stage;
    if (total === 0 || floats * 4 > 2 ** 31 || (!bytes && total * 4 > FLOAT_COPY_LIMIT)) {
      return undefined;
    }
    const arena = new Arena(floats);
    if (!arena.simd) return undefined;
    const inputs = arena.alloc(held), idx = arena.alloc(n);
    return {
      arena,
      inputs,
      order: new Uint32Array(idx.buffer, idx.byteOffset, n),
      batch: arena.alloc(maxBatch * f),
      stage: bytes ? arena.alloc(Math.min(STAGE, total)) : undefined,
    };
  }

  /** The bytes of 8-bit inputs in a kernel arena, or undefined for any other inputs. */
  static #encode(data: Dataset, maxBatch: number) {
    const x = data.x.data, total = data.x.rows * data.x.cols;
    // A look at the first values first, so that other inputs cost no arena.
    for (let i = 0; i < Math.min(total, 4096); i++) {
      if (Math.fround(Math.round(x[i] * 255) / 255) !== x[i]) return undefined;
    }
    const a = BatchSource.#arenaFor(data, maxBatch, true);
    if (!a) return undefined;
    const codes = new Uint8Array(a.inputs.buffer, a.inputs.byteOffset, total), stage = a.stage!;
    for (let i = 0; i < total; i += STAGE) {
      const m = Math.min(STAGE, total - i);
      stage.set(x.subarray(i, i + m));
      if (!encodeBytes(a.arena, stage, codes.subarray(i, i + m), m)) return undefined;
    }
    return { ...a, codes, floats: undefined };
  }

  /** A copy of the float inputs in a kernel arena (a row is one bulk copy there), if it fits. */
  static #copy(data: Dataset, maxBatch: number) {
    const a = BatchSource.#arenaFor(data, maxBatch, false);
    if (!a) return undefined;
    const floats = a.inputs.subarray(0, data.x.rows * data.x.cols);
    floats.set(data.x.data.subarray(0, floats.length));
    return { ...a, codes: undefined, floats };
  }

  /**
   * Copies samples `order[start … start + B)` into the workspace's targets and labels, and their
   * inputs into this source's own buffer (or `ws.x` where the runtime has no WebAssembly SIMD).
   *
   * @param start The first position in {@linkcode BatchSource.order}.
   * @param B Samples in the batch.
   * @param ws Receives targets in `ws.y` and labels in `ws.labels` (and float inputs in `ws.x`).
   * @returns The batch's inputs, (B, features).
   * @throws {RangeError} When the batch does not fit.
   */
  fill(
    start: number,
    B: number,
    ws: { x: Float32Array; y: Float32Array; labels: Uint8Array },
  ): Float32Array {
    const { data, order } = this, f = data.x.cols, c = data.y.cols;
    if (
      !Number.isInteger(B) || B < 0 || B > this.maxBatch || start < 0 ||
      start + B > order.length || ws.y.length < B * c || ws.labels.length < B ||
      (!this.#batch && ws.x.length < B * f)
    ) {
      throw new RangeError(
        `Cannot fill a batch of ${B} from position ${start}: it holds at most ${this.maxBatch} ` +
          `of ${order.length} samples and the buffers take ${ws.labels.length}`,
      );
    }
    const Y = data.y.data, L = data.labels, y = ws.y, labels = ws.labels;
    if (this.oneHot) {
      y.fill(0, 0, B * c);
      for (let r = 0; r < B; r++) y[r * c + (labels[r] = L[order[start + r]])] = 1;
    } else {
      for (let r = 0; r < B; r++) {
        const s = order[start + r];
        // Targets are short rows: a loop beats a call to set().
        for (let j = 0, o = s * c, d = r * c; j < c; j++) y[d + j] = Y[o + j];
        labels[r] = L[s];
      }
    }
    const arena = this.#arena;
    if (this.#codes) gatherBytes(arena, this.#codes, f, order, start, B, this.#batch!);
    else gatherRows(arena, this.#floats ?? data.x.data, f, order, start, B, this.#batch ?? ws.x);
    return this.#batch ?? ws.x;
  }
}
