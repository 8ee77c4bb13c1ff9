/**
 * Feedback alignment (Lillicrap et al. 2016): δh_k = δ_{k+1}·F_{k+1}, with F_{k+1} a fixed random
 * matrix shaped like W_{k+1}.
 *
 * @module
 */

import type { FeedbackRule } from "./rule.ts";
import { refuseRd } from "./rd_refusal.ts";

/**
 * Feedback alignment.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { FA } from "./fa.ts";
 * assertEquals(FA.feedbackShape([4, 3, 2], 0), [2, 3]);
 * assertStringIncludes(FA.refuse(["dense", "rd"]) ?? "", "Cannot build an FA network with RD layers");
 * ```
 */
export const FA: FeedbackRule = {
  direct: false,
  feedbackShape: (sizes, k, weights) => weights?.[k + 1] ?? [sizes[k + 2], sizes[k + 1]],
  refuse: refuseRd("an FA network"),
  signal({ layers, feedback, deltas, k, B, out }) {
    // δh_k: (B, n) = δ_{k+1} (B, next) · F_{k+1} (next, n), through the layer above's own backward
    // (a convolution's col2im) with F in place of its weights; a layer without weights (pooling,
    // dropout) passes the signal down its own way.
    const F = feedback[k];
    layers[k + 1].backward(deltas[k + 1], B, out, F.size ? F.data : undefined);
  },
};
