/**
 * The native layer: the OpenBLAS binding (its symbol table and loader) and {@linkcode Blas}, the
 * checked gateway every native call goes through.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getBlas } from "./mod.ts";
 * assertEquals(getBlas().threads >= 1, true);
 * ```
 *
 * @module
 */

export * from "../../ffi/libm.ts";
export * from "../../ffi/openblas.ts";
export * from "../../ffi/paths.ts";
export * from "./blas.ts";
export * from "./get_blas.ts";
export * from "./subnormals.ts";
