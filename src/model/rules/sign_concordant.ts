/**
 * Sign-concordant feedback (Liao, Leibo & Poggio 2016; biotorch's names): backprop's signal, but
 * through backward weights that share only the forward weights' signs, recomputed every batch:
 *
 *   uSF   B = sign(W) · s, s = 1/√(3·fan_in) (the std of U(±1/√fan_in))
 *   brSF  B = sign(W) ⊙ |R|, R ~ U(±1/√fan_in) drawn anew every batch
 *   frSF  B = sign(W) ⊙ |R|, R drawn once (the rule's fixed matrix, shaped like W)
 *
 * δh_k = δ_{k+1}·B_{k+1} through layer k+1's own backward (dense or convolution); a layer without
 * weights passes the signal down its own way.
 *
 * @module
 */

import type { FeedbackRule, SignalArgs } from "./rule.ts";
import { refuseRd } from "./rd_refusal.ts";

/** Fills `b` from the signs of `w` and the magnitude `scale(i)` of each entry. */
function signed(w: Float32Array, b: Float32Array, scale: (i: number) => number): Float32Array {
  for (let i = 0; i < w.length; i++) b[i] = w[i] > 0 ? scale(i) : w[i] < 0 ? -scale(i) : 0;
  return b;
}

function signal(
  args: SignalArgs,
  backward: (w: Float32Array, fanIn: number, k: number) => Float32Array,
) {
  const { layers, deltas, k, B, out, scratch } = args, above = layers[k + 1], W = above.weight;
  if (!W || W.size === 0) return above.backward(deltas[k + 1], B, out);
  if (!scratch || scratch.length < W.size) {
    throw new RangeError(`Cannot send a sign-concordant signal: no scratch for ${W.size} weights`);
  }
  above.backward(deltas[k + 1], B, out, backward(W.data, W.cols, k));
}

const refuse = (name: string) => refuseRd(`a ${name} network`);

/**
 * uSF: the signs of W, uniformly scaled.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { USF } from "./sign_concordant.ts";
 * assertEquals(USF.direct, false);
 * assertEquals(USF.feedbackShape([4, 3, 2], 0), undefined);
 * ```
 */
export const USF: FeedbackRule = {
  direct: false,
  scratch: true,
  feedbackShape: () => undefined,
  refuse: refuse("usf"),
  signal: (args) =>
    signal(args, (w, fanIn) => {
      const s = 1 / Math.sqrt(3 * fanIn);
      return signed(w, args.scratch!.subarray(0, w.length), () => s);
    }),
};

/**
 * brSF: the signs of W with random magnitudes, redrawn every batch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { BRSF } from "./sign_concordant.ts";
 * assertEquals(BRSF.feedbackShape([4, 3, 2], 0), undefined); // nothing fixed
 * ```
 */
export const BRSF: FeedbackRule = {
  direct: false,
  scratch: true,
  feedbackShape: () => undefined,
  refuse: refuse("brsf"),
  signal: (args) =>
    signal(args, (w, fanIn) => {
      const rng = args.rng;
      if (!rng) throw new RangeError("Cannot send a brSF signal: no generator to redraw with");
      const bound = 1 / Math.sqrt(fanIn);
      return signed(w, args.scratch!.subarray(0, w.length), () => rng.uniform() * bound);
    }),
};

/**
 * frSF: the signs of W with fixed random magnitudes (the rule's matrix, shaped like W).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FRSF } from "./sign_concordant.ts";
 * assertEquals(FRSF.feedbackShape([4, 3, 2], 0), [ 2, 3 ]); // shaped like W2
 * ```
 */
export const FRSF: FeedbackRule = {
  direct: false,
  scratch: true,
  feedbackShape: (sizes, k, weights) => weights?.[k + 1] ?? [sizes[k + 2], sizes[k + 1]],
  refuse: refuse("frsf"),
  signal: (args) =>
    signal(args, (w, _fanIn, k) => {
      const R = args.feedback[k].data;
      return signed(w, args.scratch!.subarray(0, w.length), (i) => Math.abs(R[i]));
    }),
};
