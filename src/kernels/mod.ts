/**
 * The elementwise kernels in WebAssembly SIMD and their scalar twins: an {@linkcode Arena} of
 * buffers the SIMD kernels work on in place, activations, optimiser steps, and 8-bit inputs held
 * as bytes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { activateIn, Arena } from "./mod.ts";
 * const arena = new Arena(8), a = arena.alloc(2);
 * a.set([-1, 1]);
 * activateIn(arena, "relu", a, 2);
 * assertEquals(Array.from(a), [0, 1]);
 * ```
 *
 * @module
 */

export * from "./arena.ts";
export * from "./activations.ts";
export * from "./activation_kernels.ts";
export * from "./optimizer_kernels.ts";
export * from "./byte_codecs.ts";
export * from "./wasm.ts";
export * from "./spatial.ts";
export * from "./spatial_kernels.ts";
