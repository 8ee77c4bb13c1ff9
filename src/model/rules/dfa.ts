/**
 * Direct feedback alignment (Nøkland 2016): δh_k = e·B_k, the output error through a fixed random
 * matrix B_k (classes, n_{k+1}) straight to each hidden layer; and its variant with feedback shared
 * across the positions of a spatial layer, B_k (classes, C), as biotorch's DFA reaches a Conv2d
 * (through a feedback kernel over the error broadcast to every position).
 *
 * @module
 */

import { getBlas } from "../../native/get_blas.ts";
import type { LayerSpec } from "../layers/layer.ts";
import type { FeedbackRule } from "./rule.ts";

/**
 * Direct feedback alignment.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DFA } from "./dfa.ts";
 * assertEquals(DFA.feedbackShape([4, 3, 2], 0), [ 2, 3 ]);
 * ```
 */
export const DFA: FeedbackRule = {
  direct: true,
  feedbackShape: (sizes, k) => [sizes[sizes.length - 1], sizes[k + 1]],
  refuse: () => undefined,
  signal({ feedback, deltas, k, B, out }) {
    const Bk = feedback[k], C = Bk.rows, n = Bk.cols, e = deltas[deltas.length - 1];
    // δh_k: (B, n) = e (B, C) · B_k (C, n)
    getBlas().sgemm(false, false, B, n, C, 1, e, C, Bk.data, n, 0, out, n);
  },
};

/** Channels of a spatial layer's output with more than one position, else undefined. */
function sharedChannels(spec: LayerSpec | undefined): number | undefined {
  return spec && spec.out[1] * spec.out[2] > 1 ? spec.out[0] : undefined;
}

/**
 * DFA with channel-shared feedback: to a spatial layer's output (C, H, W), δh_k = e·B_k with B_k
 * (classes, C), the same signal at every position of a channel; to any other layer, as DFA. Each
 * kernel of a convolution then learns from one coherent signal instead of a random one at every
 * position.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { LayerSpec } from "../../../mod.ts";
 * import { CDFA } from "./dfa.ts";
 * const specs: (LayerSpec | undefined)[] = [{ in: [1, 4, 4], out: [2, 4, 4] }, undefined];
 * assertEquals(CDFA.feedbackShape([16, 32, 10], 0, undefined, specs), [ 10, 2 ]);
 * ```
 */
export const CDFA: FeedbackRule = {
  direct: true,
  feedbackShape: (sizes, k, _weights, specs) => [
    sizes[sizes.length - 1],
    sharedChannels(specs?.[k]) ?? sizes[k + 1],
  ],
  refuse: () => undefined,
  signal(args) {
    DFA.signal(args);
    const { feedback, k, B, out, layers } = args, n = feedback[k].cols;
    const P = layers[k].outputs / n;
    if (P === 1) return;
    // out: (B, n) from the product, spread in place to (B, n, P), from the last value down (each
    // value's run starts at or after its own index, past every value still to be read).
    for (let i = B * n - 1; i >= 0; i--) out.fill(out[i], i * P, (i + 1) * P);
  },
};
