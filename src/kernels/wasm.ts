/**
 * The compiled WebAssembly SIMD module of the elementwise kernels (`wasm/kernels.wat`, embedded in
 * `kernels_wasm.ts`) and the functions it exports. Each {@linkcode Arena} instantiates it once.
 *
 * @module
 */

import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";

/**
 * What the kernel module exports: its memory and the kernels, which take byte offsets into it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kernelModule, type KernelExports } from "./wasm.ts";
 * const module = kernelModule();
 * if (module) {
 *   const x = new WebAssembly.Instance(module).exports as unknown as KernelExports;
 *   assertEquals(x.memory.buffer.byteLength, 65536);
 * }
 * ```
 */
export interface KernelExports {
  /** The module's linear memory, where an arena's buffers live. */
  memory: WebAssembly.Memory;
  /** a ← tanh(a), n a multiple of eight. */
  tanh(p: number, n: number): void;
  /** a ← σ(a). */
  sigmoid(p: number, n: number): void;
  /** a ← max(a, 0). */
  relu(p: number, n: number): void;
  /** g ← g ⊙ (1 − h²). */
  tanh_grad(h: number, g: number, n: number): void;
  /** g ← g ⊙ h(1 − h). */
  sigmoid_grad(h: number, g: number, n: number): void;
  /** g ← g ⊙ [h > 0]. */
  relu_grad(h: number, g: number, n: number): void;
  /** Momentum step, n a multiple of four. */
  momentum(w: number, g: number, v: number, n: number, lr: number, mu: number): void;
  /** RMSprop step. */
  rmsprop(w: number, g: number, s: number, n: number, lr: number, rho: number, eps: number): void;
  /** Adam step. */
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    a: number,
    b1: number,
    b2: number,
    eps: number,
  ): void;
  /** Floats k/255 to bytes k; 1 when every value was such a float. */
  encode_u8(src: number, dst: number, n: number): number;
  /** Rows of bytes to floats k/255, in the order given. */
  gather_u8(codes: number, f: number, order: number, rows: number, out: number): void;
  /** Rows of `bytes` bytes copied in the order given. */
  gather_rows(src: number, bytes: number, order: number, rows: number, out: number): void;
  /** Patches to columns (geometry B, C, H, W, Ho, Wo, k, s, p). */
  im2col(x: number, cols: number, ...geometry: number[]): void;
  /** Columns back to pixels, summed (the same geometry). */
  col2im(cols: number, x: number, ...geometry: number[]): void;
  /** a (B, K, P) ← t (K, B, P) + bias (K). */
  to_batch_major(t: number, a: number, bias: number, K: number, B: number, P: number): void;
  /** t (K, B, P) ← d (B, K, P). */
  to_channel_major(d: number, t: number, K: number, B: number, P: number): void;
  /** out[r] = scale · Σ of row r of m (rows, n). */
  row_sums(m: number, out: number, rows: number, n: number, scale: number): void;
  /** Max pooling with winners (geometry BC, H, W, Ho, Wo, k, s). */
  maxpool(x: number, a: number, win: number, ...geometry: number[]): void;
  /** Max pooling of 2×2 windows at stride 2, in SIMD (geometry BC, H, W, Ho, Wo). */
  maxpool2(x: number, a: number, win: number, ...geometry: number[]): void;
  /** Max pooling's backward pass for 2×2 windows at stride 2, in SIMD (geometry as maxpool2). */
  maxpool2_back(d: number, out: number, win: number, ...geometry: number[]): void;
  /** out ← 0 (inputs floats), then out[win[o]] += d[o] for o < n. */
  maxpool_back(d: number, out: number, win: number, n: number, inputs: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled module (compiled once), or null where the runtime lacks WebAssembly (relaxed) SIMD.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kernelModule } from "./wasm.ts";
 * assertEquals(kernelModule() !== undefined, true);
 * ```
 *
 * @returns The module, or null.
 */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bin = atob(KERNELS_WASM_BASE64);
      compiled = new WebAssembly.Module(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}
