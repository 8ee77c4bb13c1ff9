/**
 * An arena of float buffers in the linear memory of one instance of the SIMD kernel module: the
 * kernels (`activation_kernels.ts`, `optimizer_kernels.ts`, `byte_codecs.ts`) work in place on
 * buffers allocated here, and fall back to their scalar twins on any other array.
 *
 * @module
 */

import { type KernelExports, kernelModule } from "./wasm.ts";

const PAGE = 65536;

/**
 * A fixed-size arena of 32-byte aligned float buffers that the SIMD kernels can work on.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena } from "./arena.ts";
 * const arena = new Arena(16);
 * const a = arena.alloc(3);
 * assertEquals(a.length, 3);
 * assertEquals(arena.owns(a), true);
 * assertEquals(arena.owns(new Float32Array(3)), false);
 * ```
 */
export class Arena {
  /** The kernels of this arena's module instance; null without WebAssembly SIMD. */
  readonly wasm: KernelExports | null;
  #memory: ArrayBuffer;
  #next = 0;

  /**
   * Creates an arena for `floats` floats in all (each buffer is padded to a multiple of eight).
   *
   * @param floats The total the arena must hold, padding included.
   * @throws {RangeError} When the size is not a non-negative integer.
   */
  constructor(floats: number) {
    if (!Number.isSafeInteger(floats) || floats < 0) {
      throw new RangeError(
        `Cannot create a kernel arena: the size must be a non-negative integer: ${floats}`,
      );
    }
    const module = kernelModule();
    const pages = Math.max(1, Math.ceil((floats * 4) / PAGE));
    if (module && pages <= 65536) {
      const x = new WebAssembly.Instance(module).exports as unknown as KernelExports;
      x.memory.grow(pages - x.memory.buffer.byteLength / PAGE);
      this.wasm = x;
      this.#memory = x.memory.buffer as ArrayBuffer;
    } else {
      // No SIMD here, or over wasm32's 4 GiB: plain memory, and the kernels run their scalar twins.
      this.wasm = null;
      this.#memory = new ArrayBuffer(pages * PAGE);
    }
  }

  /** The floats a buffer of `n` takes in an arena: `n` rounded up to a multiple of eight. */
  static padded(n: number): number {
    return Math.ceil(n / 8) * 8;
  }

  /** Whether the SIMD kernels run (false: their scalar twins). */
  get simd(): boolean {
    return this.wasm !== null;
  }

  /**
   * A zeroed buffer of `n` floats from the arena, 32-byte aligned.
   *
   * @param n Its length.
   * @returns The buffer.
   * @throws {RangeError} When the arena is full.
   */
  alloc(n: number): Float32Array {
    const bytes = Arena.padded(n) * 4;
    if (this.#next + bytes > this.#memory.byteLength) {
      throw new RangeError(`Cannot allocate ${n} floats: the kernel arena is full`);
    }
    const a = new Float32Array(this.#memory, this.#next, n);
    this.#next += bytes;
    return a;
  }

  /**
   * Like {@linkcode Arena.alloc}, but undefined instead of an error when the arena is full.
   *
   * @param n Its length.
   * @returns The buffer, or undefined.
   */
  tryAlloc(n: number): Float32Array | undefined {
    return this.#next + Arena.padded(n) * 4 > this.#memory.byteLength ? undefined : this.alloc(n);
  }

  /**
   * Whether the SIMD kernels can work on `a`: it lies in this arena, 32-byte aligned.
   *
   * @param a A buffer.
   * @returns True when the SIMD kernels can take it.
   */
  owns(a: Float32Array): boolean {
    return this.holds(a) && a.byteOffset % 32 === 0;
  }

  /**
   * Whether `a` lies in this arena's kernel memory (at any alignment).
   *
   * @param a Any typed array.
   * @returns True when the kernels can address it.
   */
  holds(a: ArrayBufferView): boolean {
    return this.wasm !== null && a.buffer === this.#memory;
  }
}

/**
 * A copy of `a` in the arena.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Arena, copyInto } from "./arena.ts";
 * const arena = new Arena(8), copy = copyInto(arena, new Float32Array([1, 2]));
 * assertEquals(Array.from(copy), [1, 2]);
 * assertEquals(arena.owns(copy), true);
 * ```
 *
 * @param arena The arena.
 * @param a The values.
 * @returns The copy.
 */
export function copyInto(arena: Arena, a: Float32Array): Float32Array {
  const b = arena.alloc(a.length);
  b.set(a);
  return b;
}
