/**
 * Where OpenBLAS is looked for: the `DFA_OPENBLAS_PATH` override, then the usual paths of
 * Debian/Ubuntu, Fedora, Arch, Alpine and Homebrew; and what to do when it is in none of them.
 *
 * @module
 */

/**
 * The environment variable that names the OpenBLAS library to load before any known path.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OPENBLAS_PATH_ENV } from "../src/native/mod.ts";
 * assertEquals(OPENBLAS_PATH_ENV, "DFA_OPENBLAS_PATH");
 * ```
 */
export const OPENBLAS_PATH_ENV = "DFA_OPENBLAS_PATH";

/**
 * Where OpenBLAS lives on common systems, tried in this order after the environment override.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { KNOWN_OPENBLAS_PATHS } from "../src/native/mod.ts";
 * assertEquals(KNOWN_OPENBLAS_PATHS[0], "/usr/lib/x86_64-linux-gnu/libopenblas.so.0");
 * ```
 */
export const KNOWN_OPENBLAS_PATHS: readonly string[] = [
  // Debian, Ubuntu (libopenblas0-pthread, libopenblas0-openmp, libopenblas0-serial)
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  // Fedora, RHEL (openblas, openblas-threads)
  "/usr/lib64/libopenblasp.so.0",
  "/usr/lib64/libopenblas.so.0",
  // Arch (openblas), Alpine (openblas)
  "/usr/lib/libopenblas.so.0",
  "/usr/lib/libopenblas.so",
  // Homebrew on Apple silicon and on Intel
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

/**
 * What to do when OpenBLAS cannot be found: the packages that bring it, and the override.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OPENBLAS_FIX } from "../src/native/mod.ts";
 * assertEquals(OPENBLAS_FIX.includes("libopenblas0-pthread"), true);
 * ```
 */
export const OPENBLAS_FIX: string =
  `To fix: install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread; ` +
  `Fedora: dnf install openblas-threads; Arch: pacman -S openblas; Alpine: apk add openblas; ` +
  `macOS: brew install openblas), or set ${OPENBLAS_PATH_ENV} to the library's absolute path ` +
  `and grant it with --allow-ffi=<that path> (and --allow-env=${OPENBLAS_PATH_ENV}).`;

/**
 * The library {@linkcode openOpenBlas} would try first that exists: the path in
 * `DFA_OPENBLAS_PATH` when it is set (taken as given), else the first of
 * {@linkcode KNOWN_OPENBLAS_PATHS} that read permission shows to exist. What a launcher grants
 * `--allow-ffi=` to.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { locateOpenBlas } from "../src/native/mod.ts";
 * assertEquals(locateOpenBlas()?.includes("openblas"), true);
 * ```
 *
 * @returns The path, or undefined when none is found.
 */
export function locateOpenBlas(): string | undefined {
  const paths = candidateOpenBlasPaths();
  if (paths.length > KNOWN_OPENBLAS_PATHS.length) return paths[0]; // the override, as given
  return paths.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false; // missing, or not readable under this process's permissions
    }
  });
}

/**
 * Whether a permission is granted, asked without a prompt.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { permitted } from "./paths.ts";
 * assertEquals(typeof permitted({ name: "env", variable: "HOME" }), "boolean");
 * ```
 *
 * @param descriptor The permission.
 * @returns Whether it is granted.
 */
export function permitted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/**
 * The paths {@linkcode openOpenBlas} tries when it is given none: the environment override first.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { candidateOpenBlasPaths, KNOWN_OPENBLAS_PATHS } from "../src/native/mod.ts";
 * assertEquals(candidateOpenBlasPaths().at(-1) === KNOWN_OPENBLAS_PATHS.at(-1), true);
 * ```
 */
export function candidateOpenBlasPaths(): string[] {
  const override = permitted({ name: "env", variable: OPENBLAS_PATH_ENV })
    ? Deno.env.get(OPENBLAS_PATH_ENV)
    : undefined;
  return override ? [override, ...KNOWN_OPENBLAS_PATHS] : [...KNOWN_OPENBLAS_PATHS];
}
