// `--update original` against the original's whole training run in NumPy: the same seed gives the
// same parameters, the same batches every epoch, the same training and test errors.
import { assert, assertEquals } from "@std/assert";
import { ndarray } from "../../src/io/mod.ts";
import { stackedModel } from "../../src/stacking/mod.ts";
import { evalPython } from "../_numpy.ts";

const N_LEARNERS = 3, C = 10, TRAIN = 1000, TEST = 400;

/** Stacked outputs (10n, samples) with a signal: the class's rows are raised, plus noise. */
function outputs(samples: number, offset: number): { x: Float32Array; labels: Uint8Array } {
  const f = C * N_LEARNERS, x = new Float32Array(f * samples), labels = new Uint8Array(samples);
  for (let s = 0; s < samples; s++) {
    labels[s] = (s * 7 + offset) % C;
    for (let i = 0; i < f; i++) {
      const noise = 3 * Math.sin(1.7 * (s + offset) + 2.3 * i) * Math.cos(0.37 * i * (s + offset));
      x[i * samples + s] = (i % C === labels[s] ? 2.5 : -1) + noise;
    }
  }
  return { x, labels };
}

// The original's train and test (stacked-model.py, RD-stacked-model.py), features by samples in
// float64, with its seeding, draws, cumulative permutation, batches and stopping rule.
const ORIGINAL = `import sys, json, numpy as np
p = json.load(open(sys.argv[1]))
expit = lambda a: 1 / (1 + np.exp(-a))
F, C = p["F"], ${C}
x = np.array(p["x"], dtype=np.float32).reshape(F, -1); xt = np.array(p["xt"], dtype=np.float32).reshape(F, -1)
onehot = lambda l: np.eye(C, dtype=np.float32)[:, l]
y, yt = onehot(p["labels"]), onehot(p["labels_t"])
np.random.seed(p["seed"])
lr, bs, rd = p["lr"], p["batch"], p["rd"]
if rd:
    D1 = np.diag(np.random.randn(F)); R = np.random.randn(C, F); D2 = np.diag(np.random.randn(C))
    B1 = np.random.randn(F, C)
    fwd = lambda x: expit(np.matmul(D2, np.matmul(R, np.matmul(D1, x))))
else:
    W1 = np.random.randn(C, F); b1 = np.random.randn(C, 1)
    fwd = lambda x: expit(np.matmul(W1, x) + np.tile(b1, x.shape[1]))
errors, prev = [], 0.
for i in range(p["epochs"]):
    perm = np.random.permutation(x.shape[1]); x = x[:, perm]; y = y[:, perm]
    wrong = 0
    for j in range(x.shape[1] // bs):
        s = x[:, j*bs:(j+1)*bs]; t = y[:, j*bs:(j+1)*bs]
        y_hat = fwd(s); e = y_hat - t
        wrong += int(np.sum(np.argmax(y_hat, axis=0) != np.argmax(t, axis=0)))
        if rd:
            a2 = np.matmul(R, np.matmul(D1, s))
            d1 = np.mean(s * np.dot(R.T, np.diag(D2)[:, np.newaxis] * e), axis=1)
            d2 = (a2 * e)[:, 0]
            D1 += lr * -np.diag(d1); D2 += lr * -np.diag(d2)
        else:
            W1 += lr * -np.matmul(e, s.T); b1 += lr * -np.sum(e, axis=1)[:, np.newaxis]
    errors.append(wrong)
    err = wrong / x.shape[1]
    if rd and np.abs(err - prev) <= p["tol"]:
        break
    prev = err
test = float(np.sum(np.argmax(fwd(xt), axis=0) != np.argmax(yt, axis=0))) / xt.shape[1]
print(json.dumps({"errors": errors, "test": test}))`;

for (const layer of ["dense", "rd"] as const) {
  Deno.test(`--update original (${layer}) runs as the original program for the same seed: its draws, batches and errors`, async () => {
    const train = outputs(TRAIN, 0), test = outputs(TEST, 5), F = C * N_LEARNERS;
    const seed = 1234, epochs = 4, batch = 200, lr = layer === "rd" ? 1e-3 : 1e-4;
    const r = stackedModel({
      n: N_LEARNERS,
      train: ndarray("float32", [F, TRAIN], train.x),
      test: ndarray("float32", [F, TEST], test.x),
      labels: { train: train.labels, test: test.labels, classes: C },
      layer,
      rule: "bp",
      update: "original",
      epochs,
      seed,
    });
    const file = await Deno.makeTempFile({ suffix: ".json" });
    try {
      await Deno.writeTextFile(
        file,
        JSON.stringify({
          F,
          seed,
          epochs,
          batch,
          lr,
          rd: layer === "rd",
          tol: 1e-7,
          x: Array.from(train.x),
          xt: Array.from(test.x),
          labels: Array.from(train.labels),
          labels_t: Array.from(test.labels),
        }),
      );
      const want = JSON.parse(await evalPython(ORIGINAL, file));
      assertEquals(r.history.map((e) => Math.round(e.trainError * TRAIN)), want.errors);
      assertEquals(r.testError, want.test);
      assert(want.errors.at(-1) < want.errors[0], `the run learns: ${want.errors}`);
    } finally {
      await Deno.remove(file);
    }
  });
}
