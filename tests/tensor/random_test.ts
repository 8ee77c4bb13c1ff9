import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "@std/assert";
import { Rng } from "../../src/tensor/mod.ts";

Deno.test("the seeded generator reproduces a fixed sequence", () => {
  // Computed by an independent Python implementation of splitmix32 + xoshiro128**.
  const rng = new Rng(42);
  assertEquals(
    Array.from({ length: 8 }, () => rng.nextUint32()),
    [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290, 65323186, 1112262688],
  );
  const big = new Rng(2 ** 40 + 3);
  assertEquals(
    Array.from({ length: 4 }, () => big.nextUint32()),
    [3844026763, 2481289502, 2679961518, 2278038691],
  );
});

Deno.test("different seeds give different streams", () => {
  assertNotEquals(new Rng(1).nextUint32(), new Rng(2).nextUint32());
  assertNotEquals(new Rng(1).nextUint32(), new Rng(1 + 2 ** 32).nextUint32());
});

Deno.test("uniform, normal and int draws have the right moments and range", () => {
  const rng = new Rng(9);
  const n = 200_000;
  let su = 0, sn = 0, sn2 = 0;
  const counts = new Array(7).fill(0);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert(u >= 0 && u < 1);
    su += u;
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
    counts[rng.int(7)]++;
  }
  assertAlmostEquals(su / n, 0.5, 0.005);
  assertAlmostEquals(sn / n, 0, 0.01);
  assertAlmostEquals(sn2 / n, 1, 0.02);
  for (const c of counts) assertAlmostEquals(c / n, 1 / 7, 0.005);
});

Deno.test("permutation holds every index once and depends on the seed", () => {
  const p = new Rng(5).permutation(1000);
  assertEquals(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assertEquals(p, new Rng(5).permutation(1000));
  assertNotEquals(p, new Rng(6).permutation(1000));
});

Deno.test("a seed that is not a safe integer is a RangeError", () => {
  assertThrows(() => new Rng(0.5), RangeError, "safe integer");
  assertThrows(() => new Rng(0).int(0), RangeError);
});
