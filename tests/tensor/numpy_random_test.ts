// NumPy's legacy generator, draw for draw against NumPy itself.
import { assertEquals, assertThrows } from "@std/assert";
import { NumpyRandomState } from "../../src/tensor/numpy_random.ts";
import { evalPython } from "../_numpy.ts";

const SEEDS = [0, 1, 4, 1234, 2 ** 31, 2 ** 32 - 1];

Deno.test("NumPy's generator gives NumPy's randn, permutations and uniforms for the same seed", async () => {
  // As the original's scripts draw: a weight matrix, a bias, then a permutation per epoch, with an
  // odd count of normals in between so that the kept value of a pair crosses a call.
  const out = await evalPython(
    `import sys, json, numpy as np
res = {}
for s in json.loads(sys.argv[1]):
    np.random.seed(s)
    w = np.random.randn(10, 51); b = np.random.randn(3, 1)
    p1 = np.random.permutation(60000); p2 = np.random.permutation(7)
    u = np.random.random_sample(5); g = np.random.randn(1)
    res[str(s)] = {"w": w.ravel().tolist(), "b": b.ravel().tolist(), "p1": p1.tolist(),
                   "p2": p2.tolist(), "u": u.tolist(), "g": g.tolist()}
print(json.dumps(res))`,
    JSON.stringify(SEEDS),
  );
  const want = JSON.parse(out);
  for (const s of SEEDS) {
    const g = new NumpyRandomState(s);
    const got = {
      w: [...g.randn(510)],
      b: [...g.randn(3)],
      p1: [...g.permutation(60000)],
      p2: [...g.permutation(7)],
      u: Array.from({ length: 5 }, () => g.randomSample()),
      g: [...g.randn(1)],
    };
    assertEquals(got, want[String(s)], `seed ${s}`);
  }
});

Deno.test("NumPy's generator refuses a seed NumPy refuses, naming it", () => {
  for (const s of [-1, 2 ** 32, 1.5, NaN]) {
    assertThrows(() => new NumpyRandomState(s), RangeError, `Cannot seed NumPy's generator`);
  }
  assertThrows(() => new NumpyRandomState(1).permutation(-3), RangeError, ": -3");
});
