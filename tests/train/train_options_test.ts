// Every option of train() and of an optimiser is checked before any work: a wrong name, type or
// range is a TypeError or RangeError naming the option, and the network is left as it was.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  Matrix,
  Network,
  type OptimizerOptions,
  rowArgmax,
  train,
  type TrainOptions,
} from "../../mod.ts";
import { checkTrainOptions, Optimizer } from "../../src/train/mod.ts";

const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
const data = { x: Matrix.from([[1, 0], [0, 1], [1, 1], [0, 0]]), y, labels: rowArgmax(y) };
const base: TrainOptions = { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 } };

Deno.test("an unknown optimiser name is refused, not trained with no update", () => {
  const net = Network.create({ sizes: [2, 3, 2], seed: 1 });
  const before = net.params.map((p) => p.value.slice());
  const optimizer = { name: "SGD", lr: 0.1 } as unknown as OptimizerOptions;
  assertThrows(() => train(net, data, { ...base, optimizer }), RangeError, "name must be one of");
  assertThrows(() => new Optimizer(optimizer), RangeError, '"SGD"');
  net.params.forEach((p, i) => assertEquals(p.value, before[i], p.name));
  // The same run with the real name changes the weights: the refusal is what kept them.
  train(net, data, base);
  assert(net.params.some((p, i) => p.value.some((v, j) => v !== before[i][j])));
});

Deno.test("an optimiser's settings of the wrong type or range name the setting", async (t) => {
  const cases: [Record<string, unknown>, ErrorConstructor, string][] = [
    [{ name: "adam", lr: "0.1" }, TypeError, "lr must be a number"],
    [{ name: "rmsprop", lr: 0.1, eps: NaN }, RangeError, "eps"],
    [{ name: "rmsprop", lr: 0.1, eps: -1 }, RangeError, "eps"],
    [{ name: "momentum", lr: 0.1, momentum: "0.9" }, TypeError, "momentum"],
    [{ name: undefined, lr: 0.1 }, RangeError, "name"],
  ];
  for (const [options, type, text] of cases) {
    await t.step(JSON.stringify(options), () => {
      assertThrows(() => new Optimizer(options as unknown as OptimizerOptions), type, text);
    });
  }
});

Deno.test("every option of train() is checked and named", async (t) => {
  const cases: [Record<string, unknown>, ErrorConstructor, string][] = [
    [{ lrDrops: [0] }, RangeError, "lrDrops[0] must be an integer ≥ 1: 0"],
    [{ lrDrops: [2, -1] }, RangeError, "lrDrops[1]"],
    [{ lrDrops: [1.5] }, RangeError, "lrDrops[0]"],
    [{ lrDrops: ["50"] }, TypeError, "lrDrops[0]"],
    [{ lrDrops: 50 }, TypeError, "lrDrops must be a list of epochs: 50"],
    [{ tolerance: -1 }, RangeError, "tolerance must be a number in [0, ∞]: -1"],
    [{ tolerance: NaN }, RangeError, "tolerance"],
    [{ tolerance: Infinity }, RangeError, "tolerance"],
    [{ tolerance: "0.1" }, TypeError, "tolerance"],
    [{ stopAtTrainError: 2 }, RangeError, "stopAtTrainError"],
    [{ epochs: 1.5 }, RangeError, "epochs"],
    [{ epochs: "3" }, TypeError, "epochs"],
    [{ batchSize: 0 }, RangeError, "batchSize"],
    [{ batchSize: NaN }, RangeError, "batchSize"],
    [{ seed: 0.5 }, RangeError, "seed"],
    [{ seed: 2 ** 60 }, RangeError, "seed"],
    [{ reduction: "Mean" }, RangeError, "reduction"],
    [{ dropLast: "yes" }, TypeError, "dropLast"],
    [{ alignmentEvery: -1 }, RangeError, "alignmentEvery"],
    [{ patience: 0 }, RangeError, "patience"],
    [{ onEpoch: "print" }, TypeError, "onEpoch must be a function"],
    [{ augment: {} }, TypeError, "augment"],
    [{ test: 3 }, TypeError, "test must be a dataset"],
    [{ optimizer: "sgd" }, TypeError, "optimizer"],
    [{ optimizer: { name: "sgd", lr: -1 } }, RangeError, "learning rate"],
  ];
  for (const [extra, type, text] of cases) {
    await t.step(JSON.stringify(extra) ?? String(extra), () => {
      const options = { ...base, ...extra } as TrainOptions;
      assertThrows(() => checkTrainOptions(options), type, text);
      const net = Network.create({ sizes: [2, 3, 2], seed: 1 });
      const before = net.params.map((p) => p.value.slice());
      assertThrows(() => train(net, data, options), type, text);
      net.params.forEach((p, i) => assertEquals(p.value, before[i], p.name));
    });
  }
});

Deno.test("the options the library's own examples use pass the check", () => {
  checkTrainOptions(base);
  checkTrainOptions({
    ...base,
    lrDrops: [50, 75],
    tolerance: 0,
    stopAtTrainError: 1e-4,
    reduction: "mean",
    dropLast: true,
    alignmentEvery: 0,
    patience: 3,
    seed: -7,
    optimizer: new Optimizer({ name: "adam", lr: 1e-3 }),
    onEpoch: () => {},
  });
});
