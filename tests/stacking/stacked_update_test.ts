// The original program's RD update, kept as an option, against the original's own NumPy code.
import { assert } from "@std/assert";
import { Network } from "../../mod.ts";
import type { RdLayer } from "../../src/model/mod.ts";
import { originalRdStep } from "../../src/stacking/mod.ts";
import { evalPython } from "../_numpy.ts";

Deno.test("--update original takes the original's RD step: D1 by the batch mean, D2 by the first sample", async () => {
  const net = Network.create({ sizes: [6, 3], layers: ["rd"], rule: "bp", bias: false, seed: 5 });
  const layer = net.layers[0] as RdLayer, B = 4;
  const ws = net.workspace(B);
  const x = Float32Array.from({ length: B * 6 }, (_, i) => Math.sin(i + 1) * 3);
  const y = Float32Array.from(
    { length: B * 3 },
    (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0),
  );
  ws.x.set(x);
  ws.y.set(y);
  const before = {
    d1: Array.from(layer.d1),
    d2: Array.from(layer.d2),
    R: Array.from(layer.r.data),
  };
  originalRdStep(net, ws, B, 0.1);
  // The original's own lines (RD-stacked-model.py: forward_pass, backprop, the update), features by
  // samples, in float64.
  const out = await evalPython(
    `import sys, json, numpy as np
from math import exp
p = json.loads(sys.argv[1])
expit = lambda a: 1 / (1 + np.exp(-a))
D1 = np.diag(p["d1"]); D2 = np.diag(p["d2"]); R = np.array(p["R"]).reshape(3, 6)
x = np.array(p["x"]).reshape(4, 6).T; y = np.array(p["y"]).reshape(4, 3).T
a1 = np.matmul(D1, x); a2 = np.matmul(R, a1); a3 = np.matmul(D2, a2); y_hat = expit(a3)
e = y_hat - y
int1 = np.diag(D2)[:, np.newaxis]*e
int2 = np.dot(R.T, int1)
d1 = np.mean(x*int2, axis=1)
d2 = (a2*e)[:, 0]
D1 += 0.1*(-np.diag(d1)); D2 += 0.1*(-np.diag(d2))
print(json.dumps({"d1": list(np.diag(D1)), "d2": list(np.diag(D2))}))`,
    JSON.stringify({ ...before, x: Array.from(x), y: Array.from(y) }),
  );
  const want = JSON.parse(out);
  const close = (a: ArrayLike<number>, b: number[]) =>
    Array.from(a).every((v, i) => Math.abs(v - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])));
  assert(close(layer.d1, want.d1), `d1 ${Array.from(layer.d1)} vs ${want.d1}`);
  assert(close(layer.d2, want.d2), `d2 ${Array.from(layer.d2)} vs ${want.d2}`);
});
