/**
 * Feedback alignment (Lillicrap et al. 2016): δh_k = δ_{k+1}·F_{k+1}, with F_{k+1} a fixed random
 * matrix shaped like W_{k+1}.
 *
 * @module
 */

import { getBlas } from "../../native/blas.ts";
import type { FeedbackRule } from "./rule.ts";

/**
 * Feedback alignment.
 *
 * @example
 * ```ts
 * import { FA } from "./fa.ts";
 * console.log(FA.feedbackShape([4, 3, 2], 0), FA.refuse(["dense", "rd"])); // [ 2, 3 ] Cannot build an FA network with RD layers: train them with bp or dfa
 * ```
 */
export const FA: FeedbackRule = {
  direct: false,
  feedbackShape: (sizes, k) => [sizes[k + 2], sizes[k + 1]],
  refuse: (kinds) =>
    kinds.every((kind) => kind === "dense")
      ? undefined
      : "Cannot build an FA network with RD layers: train them with bp or dfa",
  signal({ feedback, deltas, k, B, out }) {
    const F = feedback[k], n = F.cols, next = F.rows;
    // δh_k: (B, n) = δ_{k+1} (B, next) · F_{k+1} (next, n)
    getBlas().sgemm(false, false, B, n, next, 1, deltas[k + 1], next, F.data, n, 0, out, n);
  },
};
