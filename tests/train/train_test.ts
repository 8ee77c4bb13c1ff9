// train(): what it leaves in the objects it is given.
import { assertEquals, assertThrows } from "@std/assert";
import { Matrix, Network, rowArgmax, train, TrainingDivergedError } from "../../mod.ts";
import { Optimizer } from "../../src/train/mod.ts";

Deno.test("a learning-rate drop leaves the caller's optimiser when the training diverges", () => {
  const x = Matrix.from([[1, 0], [0, 1], [1, 1], [0, 0]]);
  const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
  const net = Network.create({ sizes: [2, 3, 2], rule: "dfa", seed: 1 });
  const optimizer = new Optimizer({ name: "sgd", lr: 0.5 });
  // After epoch 1 the weights turn NaN, so epoch 2, run at the dropped rate, diverges.
  const error = assertThrows(
    () =>
      train(net, { x, y, labels: rowArgmax(y) }, {
        epochs: 3,
        batchSize: 2,
        optimizer,
        lrDrops: [1],
        onEpoch: () => net.params[0].value.fill(NaN),
      }),
    TrainingDivergedError,
  );
  assertEquals(error.epoch, 2);
  assertEquals(optimizer.options.lr, 0.5);
});
