// The default pipeline (50 weak learners, dense and RD stacked models) in one process with BLAS
// timing on: wall time against the time inside BLAS calls, per step. Needs data/mnist.npz.
// Run: /usr/bin/time -v deno task bench:pipeline [--n 50]   (time -v adds the peak RSS)
import { parseArgs } from "@std/cli";
import { getBlas, WEAK_LEARNER_DEFAULTS } from "../mod.ts";
import { weakLearners } from "../scripts/weak_learners.ts";
import { stackedModel } from "../scripts/stacked_model.ts";

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
    weakLearners(
      { config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: "data/mnist.npz", outDir: out },
      n,
      { quiet: true },
    ),
);
for (const layer of ["dense", "rd"] as const) {
  await step(`${layer} stacked model`, () =>
    stackedModel({
      n,
      trainFile: `${out}/train_linouts.npz`,
      testFile: `${out}/test_linouts.npz`,
      layer,
      rule: "bp",
      batch: 200,
      seed: 1234,
      mnist: "data/mnist.npz",
      quiet: true,
    }));
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
