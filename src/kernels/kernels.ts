/**
 * The elementwise kernels (activations, their derivatives, optimiser steps, 8-bit image inputs
 * encoded as bytes and decoded per batch) in WebAssembly SIMD, working in
 * place on buffers allocated from the kernels' own linear memory. V8 runs a rational tanh at
 * several nanoseconds an element in scalar JavaScript; four lanes at a time it is a fraction of
 * that, which keeps an epoch close to the time of its GEMMs.
 *
 * Arrays from elsewhere are handled by the scalar JavaScript versions in `activations.ts`.
 *
 * @module
 */

import { activate, type Activation, multiplyDerivative } from "../model/activations.ts";
import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  tanh(p: number, n: number): void;
  sigmoid(p: number, n: number): void;
  relu(p: number, n: number): void;
  tanh_grad(h: number, g: number, n: number): void;
  sigmoid_grad(h: number, g: number, n: number): void;
  relu_grad(h: number, g: number, n: number): void;
  momentum(w: number, g: number, v: number, n: number, lr: number, mu: number): void;
  rmsprop(w: number, g: number, s: number, n: number, lr: number, rho: number, eps: number): void;
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
  encode_u8(src: number, dst: number, n: number): number;
  gather_u8(codes: number, f: number, order: number, rows: number, out: number): void;
  gather_rows(src: number, bytes: number, order: number, rows: number, out: number): void;
}

const owners = new WeakMap<ArrayBuffer, Kernels>();

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where the runtime lacks WebAssembly (relaxed) SIMD. */
function kernelModule(): WebAssembly.Module | null {
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

const PAGE = 65536;

/** Checks a gather of `rows` rows of `f` elements out of `length`, indices `order[start…]`. */
function checkGather(
  length: number,
  f: number,
  order: Uint32Array,
  start: number,
  rows: number,
  out: Float32Array,
): void {
  const samples = length / f;
  if (
    !Number.isInteger(f) || f < 1 || !Number.isInteger(samples) || !Number.isInteger(start) ||
    !Number.isInteger(rows) || start < 0 || rows < 0 || start + rows > order.length ||
    rows * f > out.length
  ) {
    throw new RangeError(
      `Cannot gather ${rows} rows of ${f} from ${length} elements, indices ${start}… ` +
        `of ${order.length}, into ${out.length} floats: sizes disagree`,
    );
  }
  for (let r = start; r < start + rows; r++) {
    if (order[r] >= samples) {
      throw new RangeError(`Cannot gather row ${order[r]}: there are ${samples} rows`);
    }
  }
}

/**
 * A fixed-size arena of float buffers with SIMD kernels that work on them in place.
 *
 * @example
 * ```ts
 * import { Kernels } from "./kernels.ts";
 * const k = new Kernels(8);
 * const a = k.alloc(3);
 * a.set([-1, 0, 1]);
 * k.activate("relu", a, 3);
 * console.log(Array.from(a)); // [0, 0, 1]
 * ```
 */
export class Kernels {
  #x: KernelExports | null;
  #memory: ArrayBuffer;
  #next = 0;

  /**
   * Creates an arena for `floats` floats in all (each buffer is padded to a multiple of eight).
   *
   * @param floats The total the arena must hold, padding included.
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
      this.#x = new WebAssembly.Instance(module).exports as unknown as KernelExports;
      this.#x.memory.grow(pages - this.#x.memory.buffer.byteLength / PAGE);
      this.#memory = this.#x.memory.buffer as ArrayBuffer;
    } else {
      // No SIMD here, or over wasm32's 4 GiB: plain memory and the scalar kernels.
      this.#x = null;
      this.#memory = new ArrayBuffer(pages * PAGE);
    }
    owners.set(this.#memory, this);
  }

  /**
   * The arena a buffer was allocated from, if any.
   *
   * @param a A buffer.
   * @returns Its arena, or undefined.
   */
  static owner(a: Float32Array): Kernels | undefined {
    return owners.get(a.buffer as ArrayBuffer);
  }

  /** Whether the SIMD kernels can work on all of these buffers. */
  #ownsAll(a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array = a): boolean {
    return this.#owns(a) && this.#owns(b) && this.#owns(c) && this.#owns(d);
  }

  /**
   * One momentum step over `n` elements: v ← μ·v − lr·g; w ← w + v.
   *
   * @param w Parameters.
   * @param g Gradient.
   * @param v Velocity.
   * @param n How many elements.
   * @param lr Learning rate.
   * @param mu Momentum coefficient.
   */
  momentum(
    w: Float32Array,
    g: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    mu: number,
  ): void {
    let i = 0;
    if (this.#ownsAll(w, g, v)) {
      i = n & ~3;
      this.#x!.momentum(w.byteOffset, g.byteOffset, v.byteOffset, i, lr, mu);
    }
    for (; i < n; i++) {
      v[i] = mu * v[i] - lr * g[i];
      w[i] += v[i];
    }
  }

  /**
   * One RMSprop step over `n` elements: s ← ρ·s + (1 − ρ)·g²; w ← w − lr·g / (√s + ε).
   *
   * @param w Parameters.
   * @param g Gradient.
   * @param s Running mean of squared gradients.
   * @param n How many elements.
   * @param lr Learning rate.
   * @param rho Decay.
   * @param eps Added to the denominator.
   */
  rmsprop(
    w: Float32Array,
    g: Float32Array,
    s: Float32Array,
    n: number,
    lr: number,
    rho: number,
    eps: number,
  ): void {
    let i = 0;
    if (this.#ownsAll(w, g, s)) {
      i = n & ~3;
      this.#x!.rmsprop(w.byteOffset, g.byteOffset, s.byteOffset, i, lr, rho, eps);
    }
    for (; i < n; i++) {
      const si = s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
      w[i] -= lr * g[i] / (Math.sqrt(si) + eps);
    }
  }

  /**
   * One Adam step over `n` elements: m ← β₁·m + (1 − β₁)·g; v ← β₂·v + (1 − β₂)·g²;
   * w ← w − a·m / (√v + ε), with the bias corrections folded into the step size a.
   *
   * @param w Parameters.
   * @param g Gradient.
   * @param m First moment.
   * @param v Second moment.
   * @param n How many elements.
   * @param a Step size.
   * @param b1 First-moment decay.
   * @param b2 Second-moment decay.
   * @param eps Added to the denominator.
   */
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    a: number,
    b1: number,
    b2: number,
    eps: number,
  ): void {
    let i = 0;
    if (this.#ownsAll(w, g, m, v)) {
      i = n & ~3;
      this.#x!.adam(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, i, a, b1, b2, eps);
    }
    for (; i < n; i++) {
      const mi = m[i] = b1 * m[i] + (1 - b1) * g[i];
      const vi = v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      w[i] -= a * mi / (Math.sqrt(vi) + eps);
    }
  }

  /**
   * Encodes `n` floats as bytes where every one is an 8-bit image value: bit for bit the float
   * k/255 of an integer k in [0, 255] (what dividing pixel bytes by 255 gives). `bytes[i]` ← k.
   *
   * @param src The floats.
   * @param bytes Receives the bytes.
   * @param n How many.
   * @returns Whether every value was such a k/255; when false, `bytes` holds nothing of use.
   * @throws {RangeError} When a buffer holds fewer than `n`.
   */
  encodeBytes(src: Float32Array, bytes: Uint8Array, n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n > src.length || n > bytes.length) {
      throw new RangeError(
        `Cannot encode ${n} floats as bytes: buffers hold ${src.length} and ${bytes.length}`,
      );
    }
    if (this.#owns(src) && this.#inArena(bytes)) {
      return this.#x!.encode_u8(src.byteOffset, bytes.byteOffset, n) === 1;
    }
    const bits = new Uint32Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = src[i], k = Math.round(v * 255);
      if (!(k >= 0 && k <= 255) || Math.fround(k / 255) !== v || bits[i] >>> 31) return false;
      bytes[i] = k;
    }
    return true;
  }

  /**
   * Decodes rows of bytes into floats k/255: for r in [0, rows), row `order[start + r]` of
   * `codes` (rows of `f` bytes) into row r of `out`. The inverse of {@linkcode Kernels.encodeBytes},
   * to the bit.
   *
   * @param codes The encoded rows, (samples, f).
   * @param f Bytes a row.
   * @param order Row indices.
   * @param start The first index of `order` to use.
   * @param rows How many rows.
   * @param out Receives (rows, f) floats.
   * @throws {RangeError} When a size or an index is out of range.
   */
  gatherBytes(
    codes: Uint8Array,
    f: number,
    order: Uint32Array,
    start: number,
    rows: number,
    out: Float32Array,
  ): void {
    checkGather(codes.length, f, order, start, rows, out);
    if (this.#inArena(codes) && this.#inArena(order) && this.#owns(out)) {
      this.#x!.gather_u8(codes.byteOffset, f, order.byteOffset + 4 * start, rows, out.byteOffset);
      return;
    }
    for (let r = 0; r < rows; r++) {
      for (let j = 0, o = order[start + r] * f, d = r * f; j < f; j++) {
        out[d + j] = codes[o + j] / 255;
      }
    }
  }

  /**
   * Copies rows: for r in [0, rows), row `order[start + r]` of `src` (rows of `f` floats) into
   * row r of `out`. In the arena a row is one bulk copy; `set()` calls cost twice as much.
   *
   * @param src The rows, (samples, f).
   * @param f Floats a row.
   * @param order Row indices.
   * @param start The first index of `order` to use.
   * @param rows How many rows.
   * @param out Receives (rows, f) floats.
   * @throws {RangeError} When a size or an index is out of range.
   */
  gatherRows(
    src: Float32Array,
    f: number,
    order: Uint32Array,
    start: number,
    rows: number,
    out: Float32Array,
  ): void {
    checkGather(src.length, f, order, start, rows, out);
    if (this.#inArena(src) && this.#inArena(order) && this.#inArena(out)) {
      this.#x!.gather_rows(
        src.byteOffset,
        4 * f,
        order.byteOffset + 4 * start,
        rows,
        out.byteOffset,
      );
      return;
    }
    for (let r = 0; r < rows; r++) {
      const s = order[start + r] * f;
      out.set(src.subarray(s, s + f), r * f);
    }
  }

  /** Whether the SIMD kernels run (false: the scalar JavaScript fallback). */
  get simd(): boolean {
    return this.#x !== null;
  }

  /** The floats a buffer of `n` takes in an arena: `n` rounded up to a multiple of eight. */
  static padded(n: number): number {
    return Math.ceil(n / 8) * 8;
  }

  /**
   * A zeroed buffer of `n` floats from the arena, 32-byte aligned.
   *
   * @param n Its length.
   * @returns The buffer.
   * @throws {RangeError} When the arena is full.
   */
  alloc(n: number): Float32Array {
    const bytes = Kernels.padded(n) * 4;
    if (this.#next + bytes > this.#memory.byteLength) {
      throw new RangeError(`Cannot allocate ${n} floats: the kernel arena is full`);
    }
    const a = new Float32Array(this.#memory, this.#next, n);
    this.#next += bytes;
    return a;
  }

  /**
   * Like {@linkcode Kernels.alloc}, but undefined instead of an error when the arena is full.
   *
   * @param n Its length.
   * @returns The buffer, or undefined.
   */
  tryAlloc(n: number): Float32Array | undefined {
    return this.#next + Kernels.padded(n) * 4 > this.#memory.byteLength ? undefined : this.alloc(n);
  }

  #owns(a: Float32Array): boolean {
    return this.#inArena(a) && a.byteOffset % 32 === 0;
  }

  #inArena(a: ArrayBufferView): boolean {
    return this.#x !== null && a.buffer === this.#memory;
  }

  /**
   * Applies an activation in place to the first `n` elements of `a`.
   *
   * @param kind The activation.
   * @param a The buffer (from this arena, or any Float32Array for the scalar path).
   * @param n How many elements.
   */
  activate(kind: Activation, a: Float32Array, n: number): void {
    if (kind === "linear") return;
    if (n > a.length) {
      throw new RangeError(`Cannot activate ${n} elements of a ${a.length}-element buffer`);
    }
    if (!this.#owns(a)) return activate(kind, a, n);
    const body = n & ~7; // whole groups of eight in wasm, the rest here
    this.#x![kind](a.byteOffset, body);
    if (body < n) activate(kind, a.subarray(body, n));
  }

  /**
   * g ← g ⊙ f′ for the first `n` elements, from the activation's outputs `h`.
   *
   * @param kind The activation.
   * @param h The activation's outputs.
   * @param g The gradient, updated in place.
   * @param n How many elements.
   */
  multiplyDerivative(kind: Activation, h: Float32Array, g: Float32Array, n: number): void {
    if (kind === "linear") return;
    if (n > h.length || n > g.length) {
      throw new RangeError(
        `Cannot multiply ${n} elements: buffers hold ${h.length} and ${g.length}`,
      );
    }
    if (!this.#owns(h) || !this.#owns(g)) return multiplyDerivative(kind, h, g, n);
    const body = n & ~7;
    this.#x![`${kind}_grad`](h.byteOffset, g.byteOffset, body);
    if (body < n) multiplyDerivative(kind, h.subarray(body, n), g.subarray(body, n));
  }
}
