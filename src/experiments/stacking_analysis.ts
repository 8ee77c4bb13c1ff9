/**
 * What the stacked outputs say about the learners themselves: each learner's predictions, and how
 * often two learners disagree (the original's question: do nets with different feedback matrices
 * learn different features?).
 *
 * @module
 */

import type { NdArray } from "../io/ndarray.ts";
import { columnArgmax } from "../data/dataset.ts";

/**
 * Each learner's predicted class for each sample, from stacked outputs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "../io/mod.ts";
 * import { learnerPredictions } from "./mod.ts";
 * // 2 learners, 2 classes, 3 samples: rows are learner 0 class 0, learner 0 class 1, learner 1 …
 * const out = ndarray("float32", [4, 3], Float32Array.of(1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0));
 * assertEquals(learnerPredictions(out, 2).map((p) => Array.from(p)), [ [ 0, 1, 1 ], [ 1, 1, 0 ] ]);
 * ```
 *
 * @param outputs The stacked outputs, (classes · learners, samples).
 * @param classes Rows per learner.
 * @returns One array of predicted classes per learner.
 */
export function learnerPredictions(outputs: NdArray, classes: number): Uint8Array[] {
  const [rows, n] = outputs.shape, data = outputs.data as Float32Array;
  return Array.from(
    { length: rows / classes },
    (_, l) => columnArgmax(data.subarray(l * classes * n, (l + 1) * classes * n), classes, n),
  );
}

/**
 * The share of samples on which each pair of learners predicts differently: (learners, learners),
 * symmetric, zero on the diagonal.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { disagreement } from "./mod.ts";
 * assertEquals(Array.from(disagreement([Uint8Array.of(0, 1), Uint8Array.of(0, 0)])), [ 0, 0.5, 0.5, 0 ]);
 * ```
 *
 * @param predictions Each learner's predicted classes.
 * @returns The matrix, row-major.
 */
export function disagreement(predictions: Uint8Array[]): Float64Array {
  const L = predictions.length, out = new Float64Array(L * L);
  for (let a = 0; a < L; a++) {
    for (let b = a + 1; b < L; b++) {
      const pa = predictions[a], pb = predictions[b];
      let d = 0;
      for (let s = 0; s < pa.length; s++) d += pa[s] !== pb[s] ? 1 : 0;
      out[a * L + b] = out[b * L + a] = d / pa.length;
    }
  }
  return out;
}
