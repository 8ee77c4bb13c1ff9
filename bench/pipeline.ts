// The default pipeline (50 weak learners, dense and RD stacked models) in one process with BLAS
// timing on: wall time against the time inside BLAS calls, per step. Needs data/mnist.npz.
// Run: /usr/bin/time -v deno task bench:pipeline [--n 50]   (time -v adds the peak RSS)
import { parseArgs } from "@std/cli";
import { getBlas } from "../mod.ts";
import { loadNpz } from "../src/io/mod.ts";
import {
  LINOUT_KEYS,
  runWeakLearners,
  stackedModel,
  WEAK_LEARNER_DEFAULTS,
} from "../src/stacking/mod.ts";
import { loadMnistLabels } from "../src/data/shipped.ts";

const args = parseArgs(Deno.args, { string: ["n"], default: { n: "50" } });
const n = Number(args.n), blas = getBlas();
const out = "data/bench-pipeline";
const rows: [string, number, number][] = [];
async function step(name: string, fn: () => unknown) {
  blas.timing = { seconds: 0, calls: 0 };
  const t0 = performance.now();
  await fn();
  rows.push([name, (performance.now() - t0) / 1000, blas.timing.seconds]);
  blas.timing = null;
}
await step(
  `weak-learners ${n}`,
  () =>
    runWeakLearners(
      { config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "data/mnist.npz", outDir: out },
      n,
    ),
);
for (const layer of ["dense", "rd"] as const) {
  // As the stacked-model task does: the labels and the outputs read, then the model trained.
  await step(`${layer} stacked model`, () => {
    const labels = loadMnistLabels("data/mnist.npz"), { train, test } = LINOUT_KEYS;
    return stackedModel({
      n,
      train: loadNpz(`${out}/train_linouts.npz`, [train])[train],
      test: loadNpz(`${out}/test_linouts.npz`, [test])[test],
      labels,
      layer,
      rule: "bp",
      seed: 1234,
    });
  });
}
Deno.removeSync(out, { recursive: true });
const total = rows.reduce((t, r) => t + r[1], 0), inBlas = rows.reduce((t, r) => t + r[2], 0);
console.log(`threads ${blas.threads}`);
for (const [name, wall, b] of [...rows, ["total", total, inBlas] as [string, number, number]]) {
  console.log(
    `${name.padEnd(20)} ${wall.toFixed(1).padStart(7)} s, in BLAS ${
      b.toFixed(1).padStart(7)
    } s, ratio ${(wall / b).toFixed(3)}`,
  );
}
