/**
 * The C maths library's floating-point environment calls, which dfa uses for one thing: to set
 * the x86-64 control register's flush-to-zero and denormals-are-zero bits around BLAS calls
 * (`src/native/subnormals.ts`). Like the OpenBLAS binding, every symbol takes only "buffer"
 * arguments, so it loads under `--allow-ffi=<absolute library path>`.
 *
 * @module
 */

import { permitted } from "./paths.ts";

/**
 * Where the C maths library lives on x86-64 Linux systems, tried in this order: Debian and Ubuntu,
 * Fedora and RHEL, Arch, and Alpine (whose musl keeps it in the C library itself).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { KNOWN_LIBM_PATHS } from "../src/native/mod.ts";
 * assertEquals(KNOWN_LIBM_PATHS[0], "/usr/lib/x86_64-linux-gnu/libm.so.6");
 * ```
 */
export const KNOWN_LIBM_PATHS: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libm.so.6",
  "/lib/x86_64-linux-gnu/libm.so.6",
  "/usr/lib64/libm.so.6",
  "/usr/lib/libm.so.6",
  "/lib/ld-musl-x86_64.so.1",
];

/**
 * The `<fenv.h>` functions dfa calls, with their C prototypes. `fenv_t` is 32 bytes on x86-64
 * (glibc and musl alike), the SSE control and status register `__mxcsr` its last four.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LIBM_SYMBOLS } from "../src/native/mod.ts";
 * assertEquals(LIBM_SYMBOLS.fesetenv.parameters.length, 1);
 * ```
 */
export const LIBM_SYMBOLS = {
  // int fegetenv(
  fegetenv: {
    parameters: [
      "buffer", // fenv_t *envp
    ],
    result: "i32",
  },
  // int fesetenv(
  fesetenv: {
    parameters: [
      "buffer", // const fenv_t *envp
    ],
    result: "i32",
  },
} as const;

/**
 * The loaded maths library.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type LibmLibrary, openLibm } from "../src/native/mod.ts";
 * if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
 *   const lib: LibmLibrary = openLibm().library;
 *   assertEquals(typeof lib.symbols.fesetenv, "function");
 *   lib.close();
 * }
 * ```
 */
export type LibmLibrary = Deno.DynamicLibrary<typeof LIBM_SYMBOLS>;

/**
 * The first of {@linkcode KNOWN_LIBM_PATHS} that read permission shows to exist: what a launcher
 * grants `--allow-ffi=` to when a task flushes subnormals.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { locateLibm } from "../src/native/mod.ts";
 * assertEquals(locateLibm() === undefined || locateLibm()!.includes("lib"), true);
 * ```
 *
 * @returns The path, or undefined when none is found.
 */
export function locateLibm(): string | undefined {
  return KNOWN_LIBM_PATHS.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false; // missing, or not readable under this process's permissions
    }
  });
}

/**
 * Opens the C maths library from the first of `paths` that loads; a path the FFI permission does
 * not cover is skipped without a prompt.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { openLibm } from "../src/native/mod.ts";
 * if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
 *   const { library, path } = openLibm();
 *   assertEquals(path.includes("lib"), true);
 *   library.close();
 * }
 * ```
 *
 * @param paths Paths to try, in order.
 * @returns The loaded library and its path.
 * @throws {Deno.errors.NotFound} When no path loads: the message lists each path tried and why,
 * and the permission flag to give.
 */
export function openLibm(
  paths: readonly string[] = KNOWN_LIBM_PATHS,
): { library: LibmLibrary; path: string } {
  const tried: string[] = [];
  for (const path of paths) {
    if (!permitted({ name: "ffi", path })) {
      tried.push(`  ${path}: not covered by --allow-ffi`);
      continue;
    }
    try {
      return { library: Deno.dlopen(path, LIBM_SYMBOLS), path };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      tried.push(`  ${path}: ${reason}`);
    }
  }
  throw new Deno.errors.NotFound(
    `Cannot load the C maths library: no path loaded\nPaths tried:\n${tried.join("\n")}\n` +
      `To fix: grant the library with --allow-ffi=<its absolute path>, e.g. --allow-ffi=${
        paths[0] ?? KNOWN_LIBM_PATHS[0]
      }`,
  );
}
