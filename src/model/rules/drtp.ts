/**
 * Direct Random Target Projection (Frenkel, Lefebvre & Bol 2021): each hidden layer gets the
 * batch's one-hot *targets* through a fixed random matrix, δh_k = −y·B_k, B_k (classes, n_{k+1}):
 * no output error, so a layer can update as soon as its own forward pass is done. (The sign makes
 * the target a stand-in for the error's sign, e = ŷ − y ≈ −y on the true class.)
 *
 * @module
 */

import { getBlas } from "../../native/get_blas.ts";
import type { FeedbackRule } from "./rule.ts";
import { refuseRd } from "./rd_refusal.ts";

/**
 * DRTP.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DRTP } from "./drtp.ts";
 * assertEquals(DRTP.direct, true);
 * assertEquals(DRTP.feedbackShape([784, 800, 10], 0), [ 10, 800 ]);
 * ```
 */
export const DRTP: FeedbackRule = {
  direct: true,
  feedbackShape: (sizes, k) => [sizes[sizes.length - 1], sizes[k + 1]],
  refuse: refuseRd("a drtp network", "D1's feedback is the output error's"),
  signal({ feedback, k, B, out, target }) {
    if (!target) throw new RangeError("Cannot send a DRTP signal: the batch's targets are missing");
    const Bk = feedback[k], C = Bk.rows, n = Bk.cols;
    // δh_k: (B, n) = −y (B, C) · B_k (C, n)
    getBlas().sgemm(false, false, B, n, C, -1, target, C, Bk.data, n, 0, out, n);
  },
};
