/**
 * The process-wide {@linkcode Blas}: loaded once, on first use, with its threads and whether it
 * flushes subnormals decided then.
 *
 * @module
 */

import { type OpenBlasOptions, openOpenBlasAt } from "../../ffi/openblas.ts";
import { Blas } from "./blas.ts";
import { openSubnormalFlush } from "./subnormals.ts";

let shared: Blas | undefined;

/**
 * Options for {@linkcode getBlas}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type BlasOptions, getBlas } from "./get_blas.ts";
 * const options: BlasOptions = { flushSubnormals: false };
 * assertEquals(getBlas(options).flushesSubnormals, false);
 * ```
 */
export interface BlasOptions extends OpenBlasOptions {
  /**
   * Run every BLAS call, and every step and evaluation of `train` (through `Blas.flushed`), with
   * subnormal floats flushed to zero (x86-64 Linux; needs FFI permission for the C maths library
   * too, `KNOWN_LIBM_PATHS`). Numbers below float32's normal range (~1.2e-38) become zero instead
   * of taking the core's slow path; JavaScript's arithmetic outside those is untouched. A
   * process-wide choice: OpenBLAS's threads take it when the library loads, so only the call that
   * loads it decides; a later call that asks otherwise throws. A Deno worker has a `getBlas` of its
   * own on the same library: ask there as the main thread did. Default false.
   */
  flushSubnormals?: boolean;
}

/** Tiny inputs whose products are subnormal: zero everywhere when every thread flushes them. */
function flushesOnEveryThread(blas: Blas): boolean {
  const n = 256, a = new Float32Array(n * n).fill(1e-20), c = new Float32Array(n * n);
  blas.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
  return c.every((v) => v === 0);
}

/**
 * The process-wide {@linkcode Blas}, loaded on first use with all cores as threads (or the
 * `DFA_THREADS` environment variable, where it is readable).
 *
 * @example Read the thread count
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getBlas } from "../../mod.ts";
 * assertEquals(getBlas().threads >= 1, true);
 * ```
 *
 * @param options Where to look for the library, and whether to flush subnormals; used only by the
 * call that loads it.
 * @returns The shared instance.
 * @throws {Error} When `flushSubnormals` asks otherwise than the already loaded instance does, or
 * when OpenBLAS's threads do not flush them.
 */
export function getBlas(options?: BlasOptions): Blas {
  const flushing = options?.flushSubnormals;
  if (shared) {
    if (flushing !== undefined && flushing !== shared.flushesSubnormals) {
      throw new Error(
        `Cannot ${flushing ? "flush" : "stop flushing"} subnormals: OpenBLAS is already loaded ` +
          `${
            shared.flushesSubnormals ? "flushing" : "keeping"
          } them; ask on the first getBlas call`,
      );
    }
    return shared;
  }
  const flush = flushing ? openSubnormalFlush() : undefined;
  flush?.enter(); // the threads OpenBLAS starts as it loads copy this thread's MXCSR
  let loaded;
  try {
    loaded = openOpenBlasAt(options);
  } finally {
    flush?.leave();
  }
  const blas = new Blas(loaded.library, loaded.path, flush);
  const env = Deno.permissions.querySync({ name: "env", variable: "DFA_THREADS" }).state ===
      "granted"
    ? Deno.env.get("DFA_THREADS")
    : undefined;
  const threads = env === undefined ? navigator.hardwareConcurrency : Number(env);
  if (!Number.isInteger(threads) || threads < 1) {
    blas.close();
    throw new RangeError(`Cannot set OpenBLAS threads from DFA_THREADS: ${env}`);
  }
  blas.threads = threads;
  if (flush && !flushesOnEveryThread(blas)) {
    blas.close();
    throw new Error(
      `Cannot flush subnormals: OpenBLAS's threads keep them (were they started before?): ${loaded.path}`,
    );
  }
  shared = blas;
  return blas;
}
