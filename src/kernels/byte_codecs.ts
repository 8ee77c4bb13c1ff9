/**
 * 8-bit image inputs held as bytes and decoded per batch, and rows gathered in shuffled order: in
 * SIMD and bulk copies where the buffers lie in the arena, by the scalar twin beside each otherwise.
 *
 * @module
 */

import type { Arena } from "./arena.ts";

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
 * Encodes `n` floats as bytes where every one is an 8-bit image value: bit for bit the float
 * k/255 of an integer k in [0, 255] (what dividing pixel bytes by 255 gives). `bytes[i]` ← k.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { encodeBytes } from "./byte_codecs.ts";
 * const bytes = new Uint8Array(2);
 * assertEquals(encodeBytes(undefined, new Float32Array([1, 128 / 255]), bytes, 2), true);
 * assertEquals(Array.from(bytes), [ 255, 128 ]);
 * assertEquals(encodeBytes(undefined, new Float32Array([0.3]), bytes, 1), false);
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param src The floats.
 * @param bytes Receives the bytes.
 * @param n How many.
 * @returns Whether every value was such a k/255; when false, `bytes` holds nothing of use.
 * @throws {RangeError} When a buffer holds fewer than `n`.
 */
export function encodeBytes(
  arena: Arena | undefined,
  src: Float32Array,
  bytes: Uint8Array,
  n: number,
): boolean {
  if (!Number.isInteger(n) || n < 0 || n > src.length || n > bytes.length) {
    throw new RangeError(
      `Cannot encode ${n} floats as bytes: buffers hold ${src.length} and ${bytes.length}`,
    );
  }
  if (arena?.owns(src) && arena.holds(bytes)) {
    return arena.wasm!.encode_u8(src.byteOffset, bytes.byteOffset, n) === 1;
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
 * `codes` (rows of `f` bytes) into row r of `out`. The inverse of {@linkcode encodeBytes}, to the
 * bit.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gatherBytes } from "./byte_codecs.ts";
 * const out = new Float32Array(2);
 * gatherBytes(undefined, new Uint8Array([0, 255, 51, 0]), 2, Uint32Array.of(1), 0, 1, out);
 * assertEquals(Array.from(out), [ 0.20000000298023224, 0 ]);
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param codes The encoded rows, (samples, f).
 * @param f Bytes a row.
 * @param order Row indices.
 * @param start The first index of `order` to use.
 * @param rows How many rows.
 * @param out Receives (rows, f) floats.
 * @throws {RangeError} When a size or an index is out of range.
 */
export function gatherBytes(
  arena: Arena | undefined,
  codes: Uint8Array,
  f: number,
  order: Uint32Array,
  start: number,
  rows: number,
  out: Float32Array,
): void {
  checkGather(codes.length, f, order, start, rows, out);
  if (arena?.holds(codes) && arena.holds(order) && arena.owns(out)) {
    arena.wasm!.gather_u8(codes.byteOffset, f, order.byteOffset + 4 * start, rows, out.byteOffset);
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
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gatherRows } from "./byte_codecs.ts";
 * const out = new Float32Array(2);
 * gatherRows(undefined, new Float32Array([1, 2, 3, 4]), 2, Uint32Array.of(1), 0, 1, out);
 * assertEquals(Array.from(out), [3, 4]);
 * ```
 *
 * @param arena The arena the buffers may come from (undefined: the scalar twin).
 * @param src The rows, (samples, f).
 * @param f Floats a row.
 * @param order Row indices.
 * @param start The first index of `order` to use.
 * @param rows How many rows.
 * @param out Receives (rows, f) floats.
 * @throws {RangeError} When a size or an index is out of range.
 */
export function gatherRows(
  arena: Arena | undefined,
  src: Float32Array,
  f: number,
  order: Uint32Array,
  start: number,
  rows: number,
  out: Float32Array,
): void {
  checkGather(src.length, f, order, start, rows, out);
  if (arena?.holds(src) && arena.holds(order) && arena.holds(out)) {
    arena.wasm!.gather_rows(
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
