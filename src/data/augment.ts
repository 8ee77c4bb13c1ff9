/**
 * Data augmentation for images: each training sample moved by a random whole number of pixels,
 * a standard regularizer for MNIST-sized nets. Plugged into {@linkcode train} as `augment`, it
 * changes the training batches only, never the evaluation sets.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";

/**
 * A change made in place to each training batch's inputs before its step, `(x, B)` for the first
 * B rows of x. One that draws at random shows its generator as `rng`, so that a checkpoint saves
 * where it is and a resumed run draws what an unbroken one would.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Augment } from "./mod.ts";
 * const flip: Augment = (x, B) => x.subarray(0, B).reverse();
 * assertEquals(flip.rng, undefined);
 * ```
 */
export interface Augment {
  /** Changes the first B rows of x in place. */
  (x: Float32Array, B: number): void;
  /** The generator of its draws, when it draws. */
  readonly rng?: Rng;
}

/**
 * A transform that moves every image of a batch by its own random (dy, dx), each in
 * [−pixels, pixels], filling what comes in from outside with zeros.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { randomShifts } from "./mod.ts";
 * const shift = randomShifts([1, 3, 3], 1, 7);
 * const x = new Float32Array([0, 0, 0, 0, 1, 0, 0, 0, 0]); // one image, a dot in the middle
 * shift(x, 1);
 * assertEquals(x.reduce((a, b) => a + b), 1); // the dot moved by at most one pixel, never lost
 * ```
 *
 * @param shape Each sample's (channels, height, width); a row of the batch is one sample.
 * @param pixels The largest move along each axis (0: none).
 * @param seed Seed of the moves.
 * @returns `(x, B)`: moves the first B rows of x in place; its `rng` draws the moves.
 * @throws {RangeError} When the shape is not whole sizes ≥ 1, the distance not a whole number
 *   below the image's larger side, or the seed not a safe integer.
 */
export function randomShifts(
  shape: readonly [number, number, number],
  pixels: number,
  seed = 0,
): Augment {
  const [C, H, W] = shape;
  if (![C, H, W].every((n) => Number.isSafeInteger(n) && n >= 1)) {
    throw new RangeError(`Cannot shift images: the shape must be whole sizes ≥ 1: ${shape}`);
  }
  const most = Math.max(H, W) - 1; // a move as large as the image leaves nothing of it
  if (!Number.isInteger(pixels) || pixels < 0 || pixels > most) {
    throw new RangeError(
      `Cannot shift ${H}×${W} images: the distance must be a whole number in [0, ${most}]: ${pixels}`,
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot shift images: the seed must be a safe integer: ${seed}`);
  }
  const rng = new Rng(seed), plane = new Float32Array(H * W), span = 2 * pixels + 1;
  return Object.assign((x: Float32Array, B: number) => {
    if (x.length < B * C * H * W) {
      throw new RangeError(`Cannot shift ${B} images of ${C}×${H}×${W}: ${x.length} values given`);
    }
    for (let b = 0; b < B; b++) {
      const dy = rng.int(span) - pixels, dx = rng.int(span) - pixels;
      if (dy === 0 && dx === 0) continue;
      for (let c = 0; c < C; c++) {
        const at = (b * C + c) * H * W;
        plane.set(x.subarray(at, at + H * W));
        // out[y][x] = in[y − dy][x − dx] where that lies inside the image, else 0
        for (let y = 0; y < H; y++) {
          const sy = y - dy, row = at + y * W;
          if (sy < 0 || sy >= H) {
            x.fill(0, row, row + W);
            continue;
          }
          for (let i = 0; i < W; i++) {
            const sx = i - dx;
            x[row + i] = sx >= 0 && sx < W ? plane[sy * W + sx] : 0;
          }
        }
      }
    }
  }, { rng });
}
