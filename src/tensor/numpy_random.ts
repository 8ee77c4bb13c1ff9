/**
 * NumPy's legacy generator (`np.random.seed`, `randn`, `permutation`): the Mersenne Twister
 * MT19937 seeded as `RandomState(seed)` seeds it, normal draws by the polar method with the
 * second value of each pair kept, permutations by Fisher–Yates with masked rejection. It gives the
 * very numbers NumPy gives, so that a recipe of the original numpy project (`np.random.seed(1234)`)
 * can be replayed draw for draw.
 *
 * @module
 */

const N = 624, M = 397;

/**
 * A stream of NumPy's legacy `RandomState(seed)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { NumpyRandomState } from "./numpy_random.ts";
 * // python3 -c "import numpy as np; np.random.seed(1234); print(np.random.permutation(10))"
 * assertEquals([...new NumpyRandomState(1234).permutation(10)], [7, 2, 9, 1, 0, 8, 4, 5, 6, 3]);
 * ```
 */
export class NumpyRandomState {
  #mt = new Uint32Array(N);
  #pos = N;
  #gauss = NaN; // the kept second value of a pair, NaN when none

  /**
   * Seeds the generator as `np.random.seed(seed)` does for an integer seed.
   *
   * @param seed An integer in [0, 2³² − 1].
   * @throws {RangeError} When the seed is not such an integer.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `Cannot seed NumPy's generator: the seed must be an integer in [0, 2^32 - 1]: ${seed}`,
      );
    }
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253·p + i mod 2³², in two 16-bit halves to stay exact
      mt[i] = ((((p >>> 16) * 1812433253) << 16) + (p & 0xffff) * 1812433253 + i) >>> 0;
    }
  }

  /** The next 32 random bits, as an unsigned integer (`genrand_int32`). */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#pos >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#pos = 0;
    }
    let y = mt[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform draw in [0, 1) with 53 random bits (`np.random.random_sample()`).
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { NumpyRandomState } from "./numpy_random.ts";
   * // python3 -c "import numpy as np; np.random.seed(1234); print(np.random.random_sample())"
   * assertEquals(new NumpyRandomState(1234).randomSample(), 0.1915194503788923);
   * ```
   *
   * @returns The draw.
   */
  randomSample(): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A standard normal draw (`np.random.randn()`): the polar method, whose pairs give their second
   * value to the next call.
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { NumpyRandomState } from "./numpy_random.ts";
   * // python3 -c "import numpy as np; np.random.seed(1234); print(np.random.randn(2))"
   * const g = new NumpyRandomState(1234);
   * assertEquals([g.standardNormal(), g.standardNormal()], [0.47143516373249306, -1.1909756947064645]);
   * ```
   *
   * @returns The draw.
   */
  standardNormal(): number {
    if (!Number.isNaN(this.#gauss)) {
      const g = this.#gauss;
      this.#gauss = NaN;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#gauss = f * x1;
    return f * x2;
  }

  /**
   * `np.random.randn(...shape)` in row-major order, `count` values.
   *
   * @example
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { NumpyRandomState } from "./numpy_random.ts";
   * const a = new NumpyRandomState(7), b = new NumpyRandomState(7);
   * assertEquals([...a.randn(3)], [b.standardNormal(), b.standardNormal(), b.standardNormal()]);
   * ```
   *
   * @param count How many draws.
   * @returns The draws, in double precision.
   */
  randn(count: number): Float64Array {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = this.standardNormal();
    return out;
  }

  /**
   * An integer in [0, max] (NumPy's `random_interval`): the draw masked to max's bit length,
   * drawn again while above max.
   *
   * @param max The largest value: an integer in [0, 2³² − 1].
   * @returns The draw.
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0; while (v > max);
    return v;
  }

  /**
   * `np.random.permutation(n)`: 0 … n − 1 shuffled from the last position down.
   *
   * @param n Length: an integer in [0, 2³²].
   * @returns The permutation.
   * @throws {RangeError} When n is not such an integer.
   */
  permutation(n: number): Uint32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x100000000) {
      throw new RangeError(
        `Cannot draw a permutation: the length must be an integer in [0, 2^32]: ${n}`,
      );
    }
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i), t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
