/**
 * Direct feedback alignment (Nøkland 2016): δh_k = e·B_k, the output error through a fixed random
 * matrix B_k (classes, n_{k+1}) straight to each hidden layer.
 *
 * @module
 */

import { getBlas } from "../../native/blas.ts";
import type { FeedbackRule } from "./rule.ts";

/**
 * Direct feedback alignment.
 *
 * @example
 * ```ts
 * import { DFA } from "./dfa.ts";
 * console.log(DFA.feedbackShape([4, 3, 2], 0)); // [ 2, 3 ]
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
