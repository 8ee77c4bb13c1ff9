/**
 * The memory a network takes, worked out from its description before anything is allocated, and
 * the limit it is held to: its parameters with their gradients, an optimiser's slots and the
 * rule's matrices when it is built, a batch's activations and scratch when a workspace is. A
 * description beyond the limit is refused at once instead of filling the machine; `maxBytes`
 * raises it.
 *
 * @module
 */

import { LAYER_KINDS } from "./layers/registry.ts";
import type { NetworkConfig } from "./network_config.ts";
import { feedbackShapes, weightShapes } from "./shapes.ts";

/**
 * The most bytes a network may take unless told otherwise (`maxBytes`): 1 GB, its parameters and
 * one workspace each. By {@linkcode parameterBytes}, the nets of the experiments' tables take at
 * most 121 MB (100×240 tanh; 4×800 54 MB, LeNet-5 2 MB).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BYTES } from "./memory.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(DEFAULT_MAX_BYTES, 1e9);
 * ```
 */
export const DEFAULT_MAX_BYTES = 1e9;

/**
 * Bytes counted for each layer on top of its values: its objects and the padding of its arrays.
 * Measured on a net of 100 000 one-unit layers: 3.4–3.9 KB a layer once built, about 13 KB a
 * layer at the peak of an epoch that also measures alignment (its per-layer diagnostics).
 *
 * @example
 * ```ts
 * import { LAYER_BYTES } from "./memory.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(LAYER_BYTES, 8192);
 * ```
 */
export const LAYER_BYTES = 8192;

/**
 * Throws when `bytes` exceed `maxBytes`, naming what needs them and how to raise the limit.
 *
 * @example
 * ```ts
 * import { checkMemory } from "./memory.ts";
 * import { assertThrows } from "@std/assert";
 * checkMemory("a workspace", 1e6, 1e9);
 * assertThrows(() => checkMemory("a workspace", 2e9, 1e9), RangeError, "maxBytes");
 * ```
 *
 * @param what What would take the memory ("a network of …").
 * @param bytes The bytes it would take.
 * @param maxBytes The limit.
 * @throws {RangeError} When `bytes` exceed `maxBytes`, or `maxBytes` is not a positive number.
 */
export function checkMemory(what: string, bytes: number, maxBytes: number): void {
  if (typeof maxBytes !== "number" || !(maxBytes > 0)) {
    throw new RangeError(`Cannot check ${what}: maxBytes must be a positive number: ${maxBytes}`);
  }
  if (!(bytes <= maxBytes)) {
    const digits = (bytes / 1e9).toPrecision(3) === (maxBytes / 1e9).toPrecision(3) ? 7 : 3;
    const gb = (n: number) => `${(n / 1e9).toPrecision(digits)} GB`;
    throw new RangeError(
      `Cannot allocate ${what}: it needs about ${
        Number.isFinite(bytes) ? gb(bytes) : "unbounded memory"
      }, above the limit of ${gb(maxBytes)} (raise maxBytes to allow it)`,
    );
  }
}

/**
 * About the bytes a network of configuration `c` takes once built: each parameter's drawn value,
 * its copy, gradient and up to two optimiser slots; the rule's feedback matrices; a backward
 * weight's room; {@linkcode LAYER_BYTES} a layer. Works on sizes alone: nothing is allocated.
 *
 * @example
 * ```ts
 * import { networkConfig, parameterBytes } from "./mod.ts";
 * import { assert } from "@std/assert";
 * const bytes = parameterBytes(networkConfig({ sizes: [784, 800, 10] }));
 * assert(bytes > 5 * 4 * 784 * 800 && bytes < 20e6);
 * ```
 *
 * @param c The configuration.
 * @returns The bytes.
 */
export function parameterBytes(c: NetworkConfig): number {
  const shapes = weightShapes(c), classes = c.sizes[c.sizes.length - 1];
  let floats = 0, largest = 0;
  c.layers.forEach((kind, k) => {
    const widths = { inputs: c.sizes[k], outputs: c.sizes[k + 1], spec: c.specs?.[k] };
    const weights = shapes[k][0] * shapes[k][1];
    const extra = kind === "rd"
      ? 2 * (widths.inputs + widths.outputs) + classes * widths.inputs
      : 0;
    floats += 5 * (weights + (LAYER_KINDS[kind].biasLength?.(widths) ?? widths.outputs)) + extra;
    largest = Math.max(largest, weights);
  });
  floats += feedbackShapes(c).reduce((t, [rows, cols]) => t + rows * cols, 0) + largest;
  return 4 * floats + LAYER_BYTES * c.layers.length;
}
