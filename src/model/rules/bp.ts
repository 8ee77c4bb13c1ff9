/**
 * Backpropagation: δh_k = δ_{k+1}·W_{k+1}, through the layer above's own (effective) matrix.
 *
 * @module
 */

import type { FeedbackRule } from "./rule.ts";

/**
 * Backpropagation, the exact gradient.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { BP } from "./bp.ts";
 * assertEquals(BP.feedbackShape([4, 3, 2], 0), undefined); // no fixed matrices
 * ```
 */
export const BP: FeedbackRule = {
  direct: false,
  feedbackShape: () => undefined,
  refuse: () => undefined,
  signal: ({ layers, deltas, k, B, out }) => layers[k + 1].backward(deltas[k + 1], B, out),
};
