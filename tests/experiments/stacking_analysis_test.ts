// What the stacked outputs say about the learners: one argmax over columns serves the learners'
// predictions and the labels of one-hot targets alike.
import { assertEquals } from "@std/assert";
import { ndarray } from "../../src/io/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { columnArgmax } from "../../src/data/dataset.ts";
import { learnerPredictions } from "../../src/experiments/stacking_analysis.ts";

Deno.test("each learner predicts the argmax of its block of rows, the first on a tie", () => {
  const rng = new Rng(3), classes = 4, learners = 3, n = 50;
  const data = new Float32Array(classes * learners * n).map(() => rng.int(3)); // many ties
  const predictions = learnerPredictions(
    ndarray("float32", [classes * learners, n], data),
    classes,
  );
  assertEquals(predictions.length, learners);
  predictions.forEach((p, l) => {
    for (let s = 0; s < n; s++) {
      const column = Array.from({ length: classes }, (_, c) => data[(l * classes + c) * n + s]);
      assertEquals(p[s], column.indexOf(Math.max(...column)), `learner ${l}, sample ${s}`);
    }
    assertEquals(p, columnArgmax(data.subarray(l * classes * n), classes, n));
  });
});
