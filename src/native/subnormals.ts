/**
 * Flushing subnormal floats to zero inside BLAS calls and training steps. x86 cores compute on subnormal numbers
 * (below float32's normal range, about 1.2e-38) through a slow path: an `sgemm` whose products
 * fall there runs up to a hundred times slower. Deep nets whose signal fades (100×240 tanh under
 * FA) spend nearly all their time so. The SSE control register (MXCSR) has two bits that make the
 * core treat such numbers as zero: flush-to-zero (results) and denormals-are-zero (inputs).
 *
 * The register belongs to a thread. {@linkcode SubnormalFlush} sets the bits on the calling
 * thread around each BLAS call (and `train` around each step) and clears them after, so
 * JavaScript's own arithmetic keeps IEEE semantics elsewhere; OpenBLAS's worker threads copy the register of the thread that starts them, so
 * `getBlas({ flushSubnormals: true })` loads the library with the bits set.
 *
 * @module
 */

import { type LibmLibrary, openLibm } from "../../ffi/libm.ts";

/** Byte offset of `__mxcsr` in x86-64's 32-byte `fenv_t`. */
const MXCSR_OFFSET = 28;
/** MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6) bits. */
const FTZ_DAZ = 0x8040;

/**
 * Sets and clears the calling thread's flush-to-zero and denormals-are-zero bits, through the C
 * library's `fesetenv` (x86-64 Linux only). Both environments are built once, so each switch is one
 * FFI call (and nested switches none).
 *
 * @example Products below float32's normal range come out as zero between enter and leave
 * ```ts
 * import { getBlas, openSubnormalFlush } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
 *   const flush = openSubnormalFlush(), blas = getBlas();
 *   const a = new Float32Array([1e-20]), c = new Float32Array(1);
 *   blas.sgemm(false, false, 1, 1, 1, 1, a, 1, a, 1, 0, c, 1);
 *   assertEquals(c[0] > 0, true); // 1e-40, a subnormal
 *   flush.enter();
 *   blas.symbols.cblas_sgemm(101, 111, 111, 1, 1, 1, 1, a, 1, a, 1, 0, c, 1);
 *   flush.leave();
 *   assertEquals(c[0], 0);
 *   flush.close();
 * }
 * ```
 */
export class SubnormalFlush {
  #lib: LibmLibrary;
  #flushing = new Uint8Array(32);
  #normal = new Uint8Array(32);
  #depth = 0;

  /**
   * Builds both environments from the calling thread's, and checks that `fesetenv` sets the bits.
   *
   * @param lib The maths library, from `openLibm`.
   * @throws {Error} When the C library does not keep the bits (then they cannot be used).
   */
  constructor(lib: LibmLibrary) {
    this.#lib = lib;
    lib.symbols.fegetenv(this.#normal);
    const normal = new DataView(this.#normal.buffer);
    normal.setUint32(MXCSR_OFFSET, normal.getUint32(MXCSR_OFFSET, true) & ~FTZ_DAZ, true);
    this.#flushing.set(this.#normal);
    const flushing = new DataView(this.#flushing.buffer);
    flushing.setUint32(MXCSR_OFFSET, flushing.getUint32(MXCSR_OFFSET, true) | FTZ_DAZ, true);
    const seen = new Uint8Array(32);
    this.enter();
    lib.symbols.fegetenv(seen);
    this.leave();
    const mxcsr = new DataView(seen.buffer).getUint32(MXCSR_OFFSET, true);
    if ((mxcsr & FTZ_DAZ) !== FTZ_DAZ) {
      throw new Error(
        `Cannot flush subnormals: fesetenv did not set MXCSR's bits 0x8040: 0x${
          mxcsr.toString(16)
        }`,
      );
    }
  }

  /**
   * Sets the calling thread's flush-to-zero and denormals-are-zero bits. Nests: only the outermost
   * enter sets them (one FFI call), the inner ones count.
   */
  enter(): void {
    if (this.#depth++ === 0) this.#lib.symbols.fesetenv(this.#flushing);
  }

  /**
   * Clears them when leaving the outermost enter: IEEE subnormals again, as JavaScript requires.
   *
   * @throws {Error} When there is no enter to leave.
   */
  leave(): void {
    if (this.#depth === 0) throw new Error("Cannot leave the subnormal flush: it was not entered");
    if (--this.#depth === 0) this.#lib.symbols.fesetenv(this.#normal);
  }

  /** Unloads the maths library; the instance must not be used afterwards. */
  close(): void {
    this.#lib.close();
  }
}

/**
 * Opens the C maths library (`KNOWN_LIBM_PATHS`) and returns a {@linkcode SubnormalFlush} on it.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { openSubnormalFlush } from "./mod.ts";
 * if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") openSubnormalFlush().close();
 * else assertThrows(() => openSubnormalFlush(), Deno.errors.NotSupported);
 * ```
 *
 * @param paths Where to look for the library instead of the known paths.
 * @returns The switch.
 * @throws {Deno.errors.NotSupported} Off x86-64 Linux: `fenv_t`'s layout and the bits differ.
 * @throws {Deno.errors.NotFound} When the library does not load (the message lists the paths).
 */
export function openSubnormalFlush(paths?: readonly string[]): SubnormalFlush {
  const { os, arch } = Deno.build;
  if (os !== "linux" || arch !== "x86_64") {
    throw new Deno.errors.NotSupported(
      `Cannot flush subnormals: supported on x86-64 Linux only: ${arch} ${os}`,
    );
  }
  const { library } = openLibm(paths);
  try {
    return new SubnormalFlush(library);
  } catch (error) {
    library.close();
    throw error;
  }
}
