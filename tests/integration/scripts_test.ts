import { assert, assertEquals, assertLess, assertStringIncludes } from "@std/assert";

import { runAll, runTask, tmpOut } from "../_tasks.ts";
import { lockDirectory } from "../../src/io/mod.ts";
import { getBlas } from "../../mod.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("deno task mnist trains DFA and BP and ends with one JSON object", async () => {
  const r = await runTask("mnist", [
    "--preset",
    "seed",
    "--epochs",
    "2",
    "--train-samples",
    "6000",
    "--test-samples",
    "2000",
    "--batch",
    "100",
    "--lr",
    "1e-3",
    "--json",
    "--no-report",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  assertEquals(last.rule, "dfa");
  assertEquals(last.runs.map((x: { rule: string }) => x.rule), ["dfa", "bp"]);
  assertEquals(last.epochs.length, 2);
  // The settings that produced the runs, the preset's defaults resolved.
  assertEquals(last.options.arch, "fc:800");
  assertEquals(last.options.lr, 1e-3);
  assertEquals(last.options.batch, 100);
  assertEquals(last.options.epochs, 2);
  assertEquals(last.options.trainSamples, 6000);
  assertEquals(last.options.testSamples, 2000);
  assertEquals(last.options.feedbackAt, "layer");
  assertEquals(last.options.rho, undefined, "the seed preset's SGD has no ρ");
  assertEquals(last.runs.map((x: { init: string }) => x.init), ["normal", "normal"]);
  for (const e of last.epochs) {
    for (const k of ["epoch", "loss", "trainError", "testError", "seconds"]) assert(k in e, k);
  }
  // Two epochs on a tenth of MNIST already beat chance by far.
  assertLess(last.testError, 0.5);
  assertLess(last.runs[1].testError, 0.5);
});

Deno.test("the nokland preset runs RMSprop with Torch's ρ of 0.99 unless --rho says otherwise", async () => {
  const small = [
    "--rule",
    "bp",
    "--epochs",
    "1",
    "--train-samples",
    "600",
    "--test-samples",
    "200",
  ];
  for (const [extra, rho] of [[[], 0.99], [["--rho", "0.9"], 0.9]] as const) {
    const r = await runTask("mnist", [...small, ...extra, "--json", "--quiet", "--no-report"]);
    assertEquals(r.code, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assertEquals([last.options.optimizer, last.options.rho], ["rmsprop", rho]);
  }
});

Deno.test("the nokland preset starts FA's first layer at Torch's default unless --init is given", async () => {
  const small = ["--rule", "fa,dfa", "--epochs", "1", "--train-samples", "300"];
  for (const [extra, inits] of [[[], ["uniform", undefined]], [["--init", "zeros"], []]] as const) {
    const r = await runTask("mnist", [
      ...small,
      ...extra,
      ...["--test-samples", "100", "--json", "--quiet", "--no-report"],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const { runs } = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assertEquals(runs.map((x: { init: string }) => x.init), ["zeros", "zeros"]);
    assertEquals(runs.map((x: { firstInit?: string }) => x.firstInit), [inits[0], inits[1]]);
  }
});

Deno.test("deno task mnist prints each hidden layer's alignment by the report's layer names, – where a pooling has none", async () => {
  const r = await runTask("mnist", [
    ...["--arch", "conv:2x5x5,pool:2,fc:20", "--rule", "dfa", "--init", "uniform"],
    ...["--epochs", "1", "--train-samples", "300", "--test-samples", "100", "--no-report"],
  ]);
  assertEquals(r.code, 0, r.stderr);
  const line = r.stdout.split("\n").find((l) => l.startsWith("DFA epoch   1:")) ?? "";
  assertStringIncludes(line, "alignment conv1 ", r.stdout);
  // The convolution and the dense layer have weights to compare; the pooling has none.
  const layers = line.slice(line.indexOf("alignment ") + 10).split(", ");
  assertEquals(layers.map((l) => l.split(" ")[0]), ["conv1", "pool1", "fc1"]);
  assert(/^conv1 \d+\.\d° \(-?\d\.\d{3}\)$/.test(layers[0]), layers[0]);
  assert(/^pool1 – \(-?\d\.\d{3}\)$/.test(layers[1]), layers[1]);
  assert(/^fc1 \d+\.\d° \(-?\d\.\d{3}\)$/.test(layers[2]), layers[2]);
  assert(!line.includes("NaN"), line);
});

Deno.test("deno task mnist --validation ends each net at the epoch best on held-out images", async (t) => {
  const run = (more: string[]) =>
    runTask("mnist", [
      ...["--preset", "seed", "--rule", "dfa", "--batch", "100", "--lr", "1e-2"],
      ...["--train-samples", "3000", "--test-samples", "1000", "--validation", "600"],
      ...["--alignment-every", "0", "--json", "--quiet", "--no-report", ...more],
    ]);
  const parse = (stdout: string) => {
    const last = JSON.parse(stdout.trim().split("\n").at(-1)!);
    const errors: number[] = last.epochs.map((e: { validationError: number }) => e.validationError);
    // The first of the lowest held-out errors: a later tie is not a new best.
    return { last, errors, best: errors.indexOf(Math.min(...errors)) + 1 };
  };
  await t.step("without --patience every epoch runs, and the best is chosen", async () => {
    const r = await run(["--epochs", "4"]);
    assertEquals(r.code, 0, r.stderr);
    const { last, errors, best } = parse(r.stdout);
    assertEquals([last.options.trainSamples, last.options.validationSamples], [2400, 600]);
    assertEquals(last.options.blas.core, getBlas().core, "the kernels the run's products ran on");
    assertEquals(errors.length, 4);
    assertEquals(last.runs[0].validationEpoch, best);
    assertEquals(last.testError, last.epochs[best - 1].testError);
  });
  await t.step(
    "--patience 1 stops after the first epoch without a new best, at the one before",
    async () => {
      // Whatever the numerics (OpenBLAS's kernels differ by CPU), the stop rule makes the epoch kept
      // the one before the last run: the net is restored, and its test error measured again.
      const r = await run(["--epochs", "30", "--patience", "1"]);
      assertEquals(r.code, 0, r.stderr);
      const { last, errors, best } = parse(r.stdout);
      assertLess(errors.length, 30, "a net that improves 30 epochs in a row on held-out images");
      assertEquals(best, errors.length - 1);
      assertEquals(last.runs[0].validationEpoch, best);
      assertEquals(last.testError, last.epochs[best - 1].testError);
    },
  );
});

Deno.test("deno task mnist --checkpoint-dir goes on from the last epoch as if never stopped", async () => {
  const dir = await tmpOut();
  const run = (epochs: number, more: string[] = []) =>
    runTask("mnist", [
      ...["--preset", "seed", "--rule", "dfa,bp", "--epochs", String(epochs), "--batch", "100"],
      ...["--lr", "1e-3", "--train-samples", "2000", "--test-samples", "500", "--shift", "1"],
      ...["--alignment-every", "0", "--json", "--no-report", ...more],
    ]);
  const runs = (r: { stdout: string }) =>
    JSON.parse(r.stdout.trim().split("\n").at(-1)!).runs.map((
      run: { epochs: { epoch: number; loss: number; testError: number }[] },
    ) => run.epochs.map((e) => [e.epoch, e.loss, e.testError]));
  try {
    const unbroken = await run(3);
    let r = await run(2, ["--checkpoint-dir", `${dir}/ck`]);
    assertEquals(r.code, 0, r.stderr);
    r = await run(3, ["--checkpoint-dir", `${dir}/ck`]); // the same runs, trained one epoch longer
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, `DFA: resuming after epoch 2 (${dir}/ck/dfa.npz)`);
    assertStringIncludes(r.stdout, `BP: resuming after epoch 2 (${dir}/ck/bp.npz)`);
    assertEquals(
      r.stdout.match(/ epoch +\d+:/g),
      [" epoch   3:", " epoch   3:"],
      "one epoch each",
    );
    assertEquals(runs(r), runs(unbroken), "every epoch as the unbroken run's, to the last bit");
    // Fewer epochs than the checkpoints hold is a usage error, not their history passed off as run.
    r = await run(2, ["--checkpoint-dir", `${dir}/ck`]);
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(r.stderr, `--epochs 2 is below the 3 epochs of ${dir}/ck/dfa.npz`);
    // Another network in the same directory is refused, naming the way out.
    r = await run(3, ["--checkpoint-dir", `${dir}/ck`, "--hidden", "100"]);
    assertEquals(r.code, 1);
    assertStringIncludes(
      r.stderr,
      `Cannot resume from ${dir}/ck/dfa.npz: it holds another network`,
    );
    assertStringIncludes(r.stderr, "use another --checkpoint-dir");
    // One run a directory: a second one started beside it stops at once, naming the first.
    const held = lockDirectory(`${root}/${dir}/ck`);
    try {
      r = await run(4, ["--checkpoint-dir", `${dir}/ck`]);
      assertEquals(r.code, 1);
      assertStringIncludes(
        r.stderr,
        `Cannot start: another run is using ${dir}/ck/ (pid ${Deno.pid})`,
      );
    } finally {
      held.release();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task linear-net learns M = W2·W1 with DFA", async () => {
  const r = await runTask("linear-net", ["--json", "--quiet", "--no-report"]);
  assertEquals(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  assertLess(last.D, 0.05);
  assertLess(last.cost, 1e-4 + 1e-12);
  assert(last.history.every((h: { criterion: number }) => h.criterion > 0), "aligned throughout");
});

Deno.test("bad arguments print one line and exit 2", async (t) => {
  const cases: [string, string[], string][] = [
    [
      "mnist",
      ["--rule", "magic"],
      "--rule must be one of bp, fa, dfa, cdfa, usf, brsf, frsf, drtp: magic",
    ],
    ["mnist", ["--epochs", "-3"], "--epochs must be an integer ≥ 1: -3"],
    ["mnist", ["--epochs", "0"], "--epochs must be an integer ≥ 1: 0"],
    ["linear-net", ["--epochs", "0"], "--epochs must be an integer ≥ 1: 0"],
    ["mnist", ["--epochs", "1", "--epochs", "2"], "--epochs given more than once"],
    ["mnist", ["--bogus"], "unknown option: --bogus"],
    ["mnist", ["--feedback-at", "top"], "--feedback-at must be one of layer, block: top"],
    ["mnist", ["--patience", "3"], "--patience needs --validation"],
    // Before any data is read: the file named is never looked for.
    ["mnist", ["--patience", "3", "--data", "data/none.npz"], "--patience needs --validation"],
    ["mnist", ["--rho", "1"], "--rho must be below 1: 1"],
    // --hidden at its default width is still a second description of the layers.
    ["mnist", ["--arch", "fc:100", "--hidden", "800"], "give --arch or --hidden, not both"],
    ["mnist", ["--hidden", "800", "--arch", "lenet5"], "give --arch or --hidden, not both"],
    [
      "mnist",
      ["--train-samples", "100", "--validation", "100"],
      "--validation must leave training images: 100 of 100",
    ],
    ["linear-net", ["--lr", "fast"], "--lr must be a number"],
    // Descriptions that do not fit the images, and a rule that cannot train a layer of them.
    ["mnist", ["--arch", "conv:6x9x9,pool:7"], "a 7×7 pool does not divide a 20×20 image"],
    ["mnist", ["--arch", "conv:6x30x30"], "larger than the 28×28 image"],
    ["mnist", ["--arch", "fc:100,lstm:5"], 'lstm:5 (layer 2 of "fc:100,lstm:5"): unknown layer'],
    [
      "mnist",
      ["--arch", "fc:100,rd:50", "--rule", "fa"],
      "Cannot build an FA network with RD layers",
    ],
  ];
  const runs = await runAll(cases.map(([task, args]) => () => runTask(task, args)));
  for (const [i, [task, args, message]] of cases.entries()) {
    await t.step(`${task} ${args.join(" ")}`, () => {
      const r = runs[i];
      assertEquals(r.code, 2);
      assertStringIncludes(r.stderr, message);
      assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
    });
  }
  await t.step("--help lists the options with their defaults", async () => {
    const r = await runTask("mnist", ["--help"]);
    assertEquals(r.code, 0);
    assertStringIncludes(r.stdout, "--preset <preset>");
    assertStringIncludes(r.stdout, "(default: nokland)");
  });
});
