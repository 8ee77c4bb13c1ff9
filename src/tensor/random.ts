/**
 * Seeded randomness: xoshiro128** seeded through splitmix32, with uniform and normal draws and a
 * Fisher–Yates permutation. Integer arithmetic only (plus `Math.log`, `Math.sqrt` and
 * `Math.cos`/`Math.sin` for normals, which V8 computes the same way on every platform), so a seed
 * gives the same numbers everywhere.
 *
 * @module
 */

/**
 * Where a generator is in its stream: the four xoshiro words and the normal draw kept for the next
 * call (null when none), plain data that JSON holds.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Rng, type RngState } from "./mod.ts";
 * const state: RngState = new Rng(1).state();
 * assertEquals(state.words.length, 4);
 * assertEquals(state.spare, null);
 * ```
 */
export interface RngState {
  /** The xoshiro128** state, four unsigned 32-bit words. */
  words: number[];
  /** The second normal of the last Box–Muller pair, not yet drawn (null: none). */
  spare: number | null;
}

/**
 * A seeded pseudo-random generator (xoshiro128**, period 2^128 − 1).
 *
 * @example Same seed, same numbers
 * ```ts
 * import { Rng } from "./random.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(new Rng(7).uniform(), new Rng(7).uniform());
 * ```
 */
export class Rng {
  #s = new Uint32Array(4);
  #spare = NaN;

  /**
   * Seeds the generator.
   *
   * @param seed Any safe integer; its low 53 bits pick the stream.
   * @throws {RangeError} When the seed is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot seed the generator: expected a safe integer: ${seed}`);
    }
    // splitmix32 over the seed's low and high words fills the state.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = z ^ (z >>> 16);
    }
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1;
  }

  /**
   * Where the generator is now, to continue from later with {@linkcode Rng.setState}.
   *
   * @example Continue a stream where it was left
   * ```ts
   * import { Rng } from "./random.ts";
   * import { assertEquals } from "@std/assert";
   * const a = new Rng(3);
   * a.normal();
   * const saved = a.state(), next = a.normal();
   * const b = new Rng(99);
   * b.setState(saved);
   * assertEquals(b.normal(), next);
   * ```
   *
   * @returns A copy of the state.
   */
  state(): RngState {
    return { words: Array.from(this.#s), spare: Number.isNaN(this.#spare) ? null : this.#spare };
  }

  /**
   * Puts the generator where {@linkcode Rng.state} found it (this or another generator).
   *
   * @param state The state.
   * @throws {RangeError} When it is not four unsigned 32-bit words, not all zero, and a finite or
   *   null spare.
   */
  setState(state: RngState): void {
    const w = state.words;
    if (
      !Array.isArray(w) || w.length !== 4 ||
      !w.every((x) => Number.isInteger(x) && x >= 0 && x < 4294967296) || w.every((x) => x === 0) ||
      !(state.spare === null || Number.isFinite(state.spare))
    ) {
      throw new RangeError(`Cannot set the generator's state: ${JSON.stringify(state)}`);
    }
    this.#s.set(w);
    this.#spare = state.spare ?? NaN;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** A uniform draw in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A uniform integer in [0, n), without modulo bias.
   *
   * @param n The bound: an integer in [1, 2^32].
   * @returns The draw.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`Cannot draw an integer below n: n must be in [1, 2^32]: ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32(); while (x >= limit);
    return x % n;
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare;
      this.#spare = NaN;
      return v;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u)), theta = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Fills `out` with normal draws of the given mean and standard deviation.
   *
   * @param out The array to fill.
   * @param mean Mean. Default 0.
   * @param std Standard deviation. Default 1.
   * @returns `out`.
   */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * Fills `out` with uniform draws in [low, high).
   *
   * @param out The array to fill.
   * @param low Lower bound. Default 0.
   * @param high Upper bound. Default 1.
   * @returns `out`.
   */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.uniform();
    return out;
  }

  /**
   * Shuffles `array` in place (Fisher–Yates).
   *
   * @param array The array to shuffle.
   * @returns `array`.
   */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * A random permutation of 0 … n − 1.
   *
   * @param n Length.
   * @returns The permutation.
   */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
