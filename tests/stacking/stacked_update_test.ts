// The original program's RD update, kept as an option, against the original's own NumPy code.
import { assert, assertEquals } from "@std/assert";
import { Matrix, Network } from "../../mod.ts";
import type { DenseLayer, RdLayer } from "../../src/model/mod.ts";
import { originalRdStep, originalTestError, trainOriginal } from "../../src/stacking/mod.ts";
import { evalPython } from "../_numpy.ts";

/** Whether `a` is within `tol` of `b`, relative to |b| past 1. */
function close(a: ArrayLike<number>, b: number[], tol = 1e-5): boolean {
  return a.length === b.length &&
    Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])));
}

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
  assert(close(layer.d1, want.d1), `d1 ${Array.from(layer.d1)} vs ${want.d1}`);
  assert(close(layer.d2, want.d2), `d2 ${Array.from(layer.d2)} vs ${want.d2}`);
});

/**
 * Samples of three features, each labelled 1, whose features the tests make the pre-activations:
 * all three below −16 (a float32 sigmoid gives three 0s), two between 16 and 36 (two 1s in float32,
 * distinct in double precision), two past 37 (1 and 1 in double precision too: the original counts
 * the first, a wrong class) and ordinary ones. A float32 sigmoid miscounts the first two kinds.
 */
function saturated(n: number, offset: number): { x: Float32Array; labels: Uint8Array } {
  const kinds = [[-40, -20, -30], [20, 30, -5], [-60, 25, 18], [40, 50, 0], [3, 5, -2]];
  const x = new Float32Array(n * 3), labels = new Uint8Array(n).fill(1);
  for (let s = 0; s < n; s++) {
    x.set(kinds[s % kinds.length].map((v, j) => v + ((s + offset + j) % 3) * 0.5), s * 3);
  }
  return { x, labels };
}

Deno.test("--update original trains the dense model as the original: its weights, training and test errors", async () => {
  const C = 3, n = 40, nTest = 30, epochs = 2, lr = 1e-6;
  const dataset = (rows: number, offset: number) => {
    const { x, labels } = saturated(rows, offset), y = new Matrix(rows, C);
    labels.forEach((c, s) => (y.data[s * C + c] = 1));
    return { x: new Matrix(rows, C, x), y, labels };
  };
  const train = dataset(n, 0), test = dataset(nTest, 1);
  const net = Network.create({
    sizes: [C, C],
    layers: ["dense"],
    loss: "bce",
    rule: "bp",
    seed: 7,
  });
  const layer = net.layers[0] as DenseLayer;
  layer.weight.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1]); // the pre-activations are the inputs
  layer.bias.set([0.5, -0.25, 0.125]);
  const before = { W: Array.from(layer.weight.data), b: Array.from(layer.bias) };
  // One batch of all the samples: the summed gradient does not depend on the shuffled order.
  const result = trainOriginal(net, train, { epochs, lr, batchSize: n, seed: 1 });
  const testError = originalTestError(net, test);
  // The original's own lines (stacked-model.py: forward_pass, backward_pass, the update, test),
  // features by samples, in float64.
  const out = await evalPython(
    `import sys, json, numpy as np
expit = lambda a: 1 / (1 + np.exp(-a))  # scipy.special.expit
p = json.loads(sys.argv[1])
W1 = np.array(p["W"], dtype=float).reshape(${C}, ${C}); b1 = np.array(p["b"], dtype=float).reshape(${C}, 1)
x = np.array(p["x"]).reshape(${n}, ${C}).T; y = np.array(p["y"]).reshape(${n}, ${C}).T
xt = np.array(p["xt"]).reshape(${nTest}, ${C}).T; yt = np.array(p["yt"]).reshape(${nTest}, ${C}).T
errors = []
for i in range(${epochs}):
    a1 = np.matmul(W1, x)+np.tile(b1, x.shape[1]); y_hat = expit(a1)
    error = y_hat - y
    errors.append(int(np.sum(np.argmax(y_hat, axis=0) != np.argmax(y, axis=0))))
    dW1 = -np.matmul(error, x.T); db1 = -np.sum(error, axis=1)[:, np.newaxis]
    W1 += ${lr}*dW1; b1 += ${lr}*db1
outs = expit(np.matmul(W1, xt)+np.tile(b1, xt.shape[1]))
test_error = 1.*np.sum(np.argmax(outs, axis=0) != np.argmax(yt, axis=0))/outs.shape[1]
print(json.dumps({"W": list(W1.ravel()), "b": list(b1.ravel()), "errors": errors, "test": test_error}))`,
    JSON.stringify({
      ...before,
      x: Array.from(train.x.data),
      y: Array.from(train.y.data),
      xt: Array.from(test.x.data),
      yt: Array.from(test.y.data),
    }),
  );
  const want = JSON.parse(out);
  assert(close(layer.weight.data, want.W), `W ${Array.from(layer.weight.data)} vs ${want.W}`);
  assert(close(layer.bias, want.b), `b ${Array.from(layer.bias)} vs ${want.b}`);
  assertEquals(result.epochs.map((e) => Math.round(e.trainError * n)), want.errors);
  assertEquals(testError, want.test);
});

Deno.test("--update original counts the RD model's errors as the original: double-precision outputs", async () => {
  const net = Network.create({ sizes: [3, 3], layers: ["rd"], rule: "bp", bias: false, seed: 5 });
  const layer = net.layers[0] as RdLayer, B = 30;
  layer.d1.fill(1);
  layer.d2.fill(1);
  layer.r.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1]); // the pre-activations are the inputs
  const ws = net.workspace(B);
  const { x, labels } = saturated(B, 2), y = new Float32Array(B * 3);
  labels.forEach((c, s) => (y[s * 3 + c] = 1));
  ws.x.set(x);
  ws.y.set(y);
  ws.labels.set(labels);
  const before = {
    d1: Array.from(layer.d1),
    d2: Array.from(layer.d2),
    R: Array.from(layer.r.data),
  };
  const { errors } = originalRdStep(net, ws, B, 1e-3);
  const out = await evalPython(
    `import sys, json, numpy as np
expit = lambda a: 1 / (1 + np.exp(-a))  # scipy.special.expit
p = json.loads(sys.argv[1])
D1 = np.diag(p["d1"]); D2 = np.diag(p["d2"]); R = np.array(p["R"]).reshape(3, 3)
x = np.array(p["x"]).reshape(${B}, 3).T; y = np.array(p["y"]).reshape(${B}, 3).T
a1 = np.matmul(D1, x); a2 = np.matmul(R, a1); a3 = np.matmul(D2, a2); y_hat = expit(a3)
print(json.dumps({"errors": int(np.sum(np.argmax(y_hat, axis=0) != np.argmax(y, axis=0)))}))`,
    JSON.stringify({ ...before, x: Array.from(x), y: Array.from(y) }),
  );
  assertEquals(errors, JSON.parse(out).errors);
});
