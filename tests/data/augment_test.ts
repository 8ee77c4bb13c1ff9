// Data augmentation: random shifts move images and keep their pixels, and train applies an
// augmentation to its batches only.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
import { randomShifts } from "../../src/data/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";

Deno.test("random shifts move each image by at most the distance and keep its pixels", () => {
  // A 5×5 image with one lit pixel per channel: after a shift of at most 1 it is lit once, within
  // one pixel of where it was, in every channel by the same move; distance 0 changes nothing.
  const shift = randomShifts([2, 5, 5], 1, 3), B = 40;
  const x = new Float32Array(B * 50);
  for (let b = 0; b < B; b++) x[b * 50 + 12] = x[b * 50 + 25 + 12] = 1; // (2, 2) in both
  shift(x, B);
  const moves = new Set<string>();
  for (let b = 0; b < B; b++) {
    const lit = [0, 1].map((c) => x.subarray(b * 50 + c * 25, b * 50 + c * 25 + 25).indexOf(1));
    assertEquals(lit[0], lit[1]);
    const [y, i] = [Math.floor(lit[0] / 5), lit[0] % 5];
    assert(Math.abs(y - 2) <= 1 && Math.abs(i - 2) <= 1, `sample ${b}: (${y}, ${i})`);
    assertEquals(x.subarray(b * 50, b * 50 + 50).reduce((a, v) => a + v), 2);
    moves.add(`${y},${i}`);
  }
  assertEquals(moves.size, 9); // every move of the 3×3 happens among 40 samples
  const same = Float32Array.from({ length: 50 }, (_, i) => i);
  randomShifts([2, 5, 5], 0)(same, 1);
  assertEquals(same, Float32Array.from({ length: 50 }, (_, i) => i));
  // Pixels pushed past the edge are dropped and zeros come in: the ones left form a rectangle of
  // (5 − |dy|) × (5 − |dx|), whatever the move.
  for (let seed = 0; seed < 20; seed++) {
    const edge = new Float32Array(25).fill(1);
    randomShifts([1, 5, 5], 2, seed)(edge, 1);
    const rows = [0, 1, 2, 3, 4].filter((y) => edge.subarray(y * 5, y * 5 + 5).some((v) => v));
    const cols = [0, 1, 2, 3, 4].filter((i) => [0, 1, 2, 3, 4].some((y) => edge[y * 5 + i]));
    assert(rows.length >= 3 && cols.length >= 3, `seed ${seed}`);
    assertEquals(edge.reduce((a, v) => a + v), rows.length * cols.length);
  }
  assertThrows(() => randomShifts([1, 5, 5], -1), RangeError, "distance");
  assertThrows(() => shift(new Float32Array(10), 1), RangeError, "Cannot shift 1 images");
});

Deno.test("training with an augmentation changes the batches it trains on, not the data", () => {
  const rng = new Rng(5), n = 32;
  const x = new Matrix(n, 16, Float32Array.from({ length: n * 16 }, () => rng.uniform()));
  const y = new Matrix(n, 2);
  for (let i = 0; i < n; i++) y.data[i * 2 + (i % 2)] = 1;
  const data = { x, y, labels: rowArgmax(y) }, before = x.data.slice();
  const run = (augment?: (x: Float32Array, B: number) => void) => {
    const net = Network.create({ sizes: [16, 4, 2], seed: 1, init: "uniform" });
    train(net, data, { epochs: 2, batchSize: 8, optimizer: { name: "sgd", lr: 0.1 }, augment });
    return net.layers[0].weight!.data.slice();
  };
  let calls = 0;
  const plain = run(),
    shifted = run((b, B) => {
      calls += B;
      randomShifts([1, 4, 4], 1, 2)(b, B);
    });
  assertEquals(calls, 2 * n);
  assert(plain.some((v, i) => v !== shifted[i]), "the shifted batches trained another net");
  assertEquals(x.data, before);
});

Deno.test("a shift as large as the image, or a seed that is not a safe integer, is refused", () => {
  for (const pixels of [28, 9007199254740991, -1, 1.5]) {
    assertThrows(() => randomShifts([1, 28, 28], pixels), RangeError, "the distance", `${pixels}`);
  }
  assertThrows(() => randomShifts([1, 28, 28], 2, 2 ** 60), RangeError, "the seed");
  assertThrows(() => randomShifts([1, 1e20, 28], 2), RangeError, "the shape");
  const shift = randomShifts([1, 28, 28], 27, 1), x = new Float32Array(784).fill(1);
  shift(x, 1); // the largest distance allowed still draws
});
