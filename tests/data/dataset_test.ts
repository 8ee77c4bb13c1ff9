// Taking the first samples and holding some out: a count or seed out of range is refused, naming it.
import { assertEquals, assertThrows } from "@std/assert";
import { holdOut, Matrix, Network, rowArgmax } from "../../mod.ts";
import { firstSamples } from "../../src/data/mod.ts";

const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
const data = { x: Matrix.from([[1, 0], [0, 1], [1, 1], [0, 0]]), y, labels: rowArgmax(y) };

Deno.test("firstSamples refuses a count that is negative, fractional or NaN, naming n", () => {
  for (const n of [-1, 1.5, NaN]) {
    assertThrows(() => firstSamples(data, n), RangeError, `n must be an integer ≥ 0: ${n}`);
  }
  assertEquals(firstSamples(data, 2).x.rows, 2);
  assertEquals(firstSamples(data, 0).x.rows, 0);
});

Deno.test("holdOut and Network.create name a seed that is not a safe integer", () => {
  assertThrows(() => holdOut(data, 0.5, 0.5), RangeError, "the seed must be a safe integer: 0.5");
  assertThrows(() => Network.create({ sizes: [2, 2], seed: NaN }), RangeError, "seed must be");
  assertThrows(
    () => Network.create({ sizes: [2, 3, 2], feedbackSeed: 2 ** 60 }),
    RangeError,
    "feedbackSeed must be",
  );
  assertThrows(
    () => Network.create({ sizes: [2, 2], bias: "no" as unknown as boolean }),
    TypeError,
    "bias must be true or false",
  );
  assertEquals(holdOut(data, 0.5, 3).validation.x.rows, 2);
});
