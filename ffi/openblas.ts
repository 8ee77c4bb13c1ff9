/**
 * The OpenBLAS binding: the symbol table and the library loader (where it looks: `paths.ts`).
 *
 * Every symbol takes only "buffer" and number arguments, so that the binding works under
 * `--allow-ffi=<absolute library path>` (pointer helpers need the unscoped flag).
 *
 * @module
 */

import { candidateOpenBlasPaths, KNOWN_OPENBLAS_PATHS, OPENBLAS_FIX, permitted } from "./paths.ts";

/**
 * CBLAS enum `CBLAS_ORDER`: row-major storage.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CBLAS_ROW_MAJOR } from "../src/native/mod.ts";
 * assertEquals(CBLAS_ROW_MAJOR, 101);
 * ```
 */
export const CBLAS_ROW_MAJOR = 101;
/**
 * CBLAS enum `CBLAS_TRANSPOSE`: use the matrix as stored.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CBLAS_NO_TRANS } from "../src/native/mod.ts";
 * assertEquals(CBLAS_NO_TRANS, 111);
 * ```
 */
export const CBLAS_NO_TRANS = 111;
/**
 * CBLAS enum `CBLAS_TRANSPOSE`: use the transpose of the stored matrix.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CBLAS_TRANS } from "../src/native/mod.ts";
 * assertEquals(CBLAS_TRANS, 112);
 * ```
 */
export const CBLAS_TRANS = 112;

/**
 * The OpenBLAS functions dfa calls, with their C prototypes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SYMBOLS } from "../src/native/mod.ts";
 * assertEquals(SYMBOLS.cblas_sgemm.parameters.length, 14);
 * ```
 */
export const SYMBOLS = {
  // void cblas_sgemm(
  cblas_sgemm: {
    parameters: [
      "i32", // const enum CBLAS_ORDER Order
      "i32", // const enum CBLAS_TRANSPOSE TransA
      "i32", // const enum CBLAS_TRANSPOSE TransB
      "i32", // const blasint M
      "i32", // const blasint N
      "i32", // const blasint K
      "f32", // const float alpha
      "buffer", // const float *A
      "i32", // const blasint lda
      "buffer", // const float *B
      "i32", // const blasint ldb
      "f32", // const float beta
      "buffer", // float *C
      "i32", // const blasint ldc
    ],
    result: "void",
  },
  // void cblas_sgemv(
  cblas_sgemv: {
    parameters: [
      "i32", // const enum CBLAS_ORDER order
      "i32", // const enum CBLAS_TRANSPOSE trans
      "i32", // const blasint m
      "i32", // const blasint n
      "f32", // const float alpha
      "buffer", // const float *a
      "i32", // const blasint lda
      "buffer", // const float *x
      "i32", // const blasint incx
      "f32", // const float beta
      "buffer", // float *y
      "i32", // const blasint incy
    ],
    result: "void",
  },
  // void cblas_saxpy(
  cblas_saxpy: {
    parameters: [
      "i32", // const blasint n
      "f32", // const float alpha
      "buffer", // const float *x
      "i32", // const blasint incx
      "buffer", // float *y
      "i32", // const blasint incy
    ],
    result: "void",
  },
  // void cblas_sscal(
  cblas_sscal: {
    parameters: [
      "i32", // const blasint N
      "f32", // const float alpha
      "buffer", // float *X
      "i32", // const blasint incX
    ],
    result: "void",
  },
  // void openblas_set_num_threads(
  openblas_set_num_threads: {
    parameters: [
      "i32", // int num_threads
    ],
    result: "void",
  },
  // int openblas_get_num_threads(void);
  openblas_get_num_threads: { parameters: [], result: "i32" },
  // char *openblas_get_corename(void): the kernels picked for this CPU ("Haswell", "Zen", …).
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  // char *strncpy(
  // The C library's, found through OpenBLAS's own dependencies: it copies the core's name into a
  // buffer that JavaScript can read, where reading the pointer itself (Deno.UnsafePointerView)
  // would need unscoped --allow-ffi.
  strncpy: {
    parameters: [
      "buffer", // char *dest
      "pointer", // const char *src
      "usize", // size_t n
    ],
    result: "pointer",
    optional: true,
  },
} as const;

/**
 * The loaded OpenBLAS library.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getBlas } from "../mod.ts";
 * import { type OpenBlasLibrary } from "../src/native/mod.ts";
 * const symbols: OpenBlasLibrary["symbols"] = getBlas().symbols;
 * assertEquals(symbols.openblas_get_num_threads() >= 1, true);
 * ```
 */
export type OpenBlasLibrary = Deno.DynamicLibrary<typeof SYMBOLS>;

/**
 * Options for {@linkcode openOpenBlas}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type OpenBlasOptions, openOpenBlas } from "../src/native/mod.ts";
 * const options: OpenBlasOptions = { paths: ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0"] };
 * const lib = openOpenBlas(options);
 * assertEquals(typeof lib.symbols.cblas_sgemm, "function");
 * lib.close();
 * ```
 */
export interface OpenBlasOptions {
  /**
   * Paths to try, in order, instead of the environment override followed by
   * {@linkcode KNOWN_OPENBLAS_PATHS}.
   */
  paths?: readonly string[];
}

/**
 * Opens OpenBLAS: the path in `DFA_OPENBLAS_PATH` first, then {@linkcode KNOWN_OPENBLAS_PATHS}.
 * A path the FFI permission does not cover is skipped without a prompt.
 *
 * @example Open the library and ask for its thread count
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { openOpenBlas } from "../src/native/mod.ts";
 * const lib = openOpenBlas();
 * assertEquals(lib.symbols.openblas_get_num_threads() >= 1, true);
 * lib.close();
 * ```
 *
 * @param options Paths to try instead of the default ones.
 * @returns The loaded library.
 * @throws {Deno.errors.NotCapable} When FFI permission covers none of the paths.
 * @throws {Deno.errors.NotFound} When no path loads: the message lists each path tried and why.
 */
export function openOpenBlas(options: OpenBlasOptions = {}): OpenBlasLibrary {
  return openOpenBlasAt(options).library;
}

/**
 * Like {@linkcode openOpenBlas}, and says which path loaded.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { openOpenBlasAt } from "../src/native/mod.ts";
 * const { library, path } = openOpenBlasAt();
 * assertEquals(path.includes("openblas"), true);
 * library.close();
 * ```
 *
 * @param options Paths to try instead of the default ones.
 * @returns The loaded library and its path.
 * @throws {Deno.errors.NotCapable} When FFI permission covers none of the paths.
 * @throws {Deno.errors.NotFound} When no path loads.
 */
export function openOpenBlasAt(
  options: OpenBlasOptions = {},
): { library: OpenBlasLibrary; path: string } {
  const paths = options.paths ?? candidateOpenBlasPaths();
  const tried: string[] = [];
  let anyPermitted = false;
  for (const path of paths) {
    if (!permitted({ name: "ffi", path })) {
      tried.push(`  ${path}: not covered by --allow-ffi`);
      continue;
    }
    anyPermitted = true;
    try {
      return { library: Deno.dlopen(path, SYMBOLS), path };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      tried.push(`  ${path}: ${reason}`);
    }
  }
  const fix = OPENBLAS_FIX;
  if (!anyPermitted) {
    throw new Deno.errors.NotCapable(
      `Cannot load OpenBLAS: FFI permission covers none of the paths tried; run with ` +
        `--allow-ffi=<absolute path of libopenblas>, e.g. --allow-ffi=${
          paths[0] ?? KNOWN_OPENBLAS_PATHS[0]
        }\nPaths tried:\n${tried.join("\n")}\n${fix}`,
    );
  }
  throw new Deno.errors.NotFound(
    `Cannot load OpenBLAS: no path loaded\nPaths tried:\n${tried.join("\n")}\n${fix}`,
  );
}
