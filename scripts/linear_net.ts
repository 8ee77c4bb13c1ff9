// dfa-linear-net.ipynb: a net with no activation learns M = W2·W1 by DFA, tracking the alignment.
import {
  alignment,
  matmul,
  Matrix,
  Network,
  Optimizer,
  Rng,
  type Rule,
  RULES,
  trainStep,
} from "../mod.ts";
import { cliArgs, noMoreArguments, OUTPUT_OPTIONS, parse, run } from "../src/cli/options.ts";
import { degrees, secs } from "../src/report/format.ts";
import { lineChart, reportOptions, writeReport } from "../src/report/report.ts";
import { describeNetwork } from "../src/report/layer_names.ts";
import { trainedTitle } from "../src/report/titles.ts";

const spec = {
  name: "linear-net",
  summary:
    "A linear net (no activation, no biases, zero initial weights) learns a random integer matrix M\n" +
    "with DFA on the whole dataset at once; prints the cost and the alignment as it goes, then\n" +
    "D = Σ|M − W2·W1|.",
  usage: "deno task linear-net [options]",
  options: [
    { name: "inputs", kind: "integer", min: 1, default: 10, help: "columns of M" },
    { name: "outputs", kind: "integer", min: 1, default: 10, help: "rows of M" },
    { name: "hidden", kind: "integer", min: 1, default: 1000, help: "hidden units" },
    { name: "samples", kind: "integer", min: 1, default: 1000, help: "training samples" },
    {
      name: "lr",
      kind: "number",
      positive: true,
      default: 1e-6,
      help: "learning rate (on summed gradients)",
    },
    { name: "epochs", kind: "integer", min: 1, default: 4000, help: "most epochs" },
    {
      name: "tolerance",
      kind: "number",
      min: 0,
      default: 1e-4,
      help: "stop when the cost falls to this",
    },
    { name: "rule", kind: "choice", choices: RULES, default: "dfa", help: "training rule" },
    { name: "every", kind: "integer", min: 1, default: 10, help: "report every N epochs" },
    { name: "seed", kind: "integer", default: 1234, help: "random seed" },
    ...reportOptions("linear-net"),
    ...OUTPUT_OPTIONS,
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args);
  const nIn = args.int("inputs"), nOut = args.int("outputs"), nHidden = args.int("hidden");
  const n = args.int("samples"), epochs = args.int("epochs"), every = args.int("every");
  const lr = args.number("lr"), tol = args.number("tolerance"), rule = args.choice<Rule>("rule");
  const seed = args.int("seed"), quiet = args.flag("quiet"), json = args.flag("json");

  // The task: M with integer entries in [−10, 10), samples x ~ N(0, 1), targets M·x.
  const rng = new Rng(seed);
  const M = new Matrix(nOut, nIn);
  for (let i = 0; i < M.size; i++) M.data[i] = rng.int(20) - 10;
  const X = new Matrix(n, nIn, rng.fillNormal(new Float32Array(n * nIn)));
  const Y = matmul(X, M, { transB: true }); // (n, nOut) = X · Mᵀ

  const net = Network.create({
    sizes: [nIn, nHidden, nOut],
    hidden: "linear",
    loss: "mse",
    rule,
    bias: false,
    init: rule === "bp" ? "normal" : "zeros", // backprop cannot leave all-zero weights
    feedbackInit: "normal",
    seed: seed + 1,
  });
  const ws = net.workspace(n);
  const optimizer = new Optimizer({ name: "sgd", lr });
  const history: { epoch: number; cost: number; criterion: number; angle: number }[] = [];
  let cost = NaN, epoch = 0;
  const t0 = performance.now();
  for (epoch = 1; epoch <= epochs; epoch++) {
    ws.x.set(X.data);
    ws.y.set(Y.data);
    cost = trainStep(net, ws, n, optimizer).loss;
    if (!Number.isFinite(cost)) {
      throw new RangeError(
        `Cannot continue: the cost diverged at epoch ${epoch}: ${cost} (try a smaller --lr)`,
      );
    }
    // The first epoch starts from zero weights, where the angle is undefined, as in the notebook.
    if ((epoch - 1) % every === 0 && epoch > 1 || cost <= tol) {
      const a = rule === "bp" ? undefined : alignment(net, ws, n)[0];
      history.push({ epoch, cost, criterion: a?.criterion ?? NaN, angle: a?.angle ?? 0 });
      if (!quiet) {
        console.log(
          `epoch ${String(epoch).padStart(4)}: cost ${cost.toPrecision(6)}` +
            (a
              ? `, alignment criterion ${a.criterion.toFixed(4)} (> 0: ${a.criterion > 0}), angle ${
                degrees(a.angle, 2)
              }`
              : ""),
        );
      }
    }
    if (cost <= tol) break;
  }
  const W = matmul(net.layers[1].weight!, net.layers[0].weight!); // W2·W1: (nOut, nIn)
  let D = 0;
  for (let i = 0; i < M.size; i++) D += Math.abs(M.data[i] - W.data[i]);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\n${rule} after ${Math.min(epoch, epochs)} epochs (${secs(seconds)}): cost ${
      cost.toPrecision(6)
    }, ` +
      `D = Σ|M − W2·W1| = ${D.toPrecision(4)}`,
  );
  if (args.flag("report")) {
    const series = (key: "cost" | "criterion" | "angle", label: string) =>
      history.filter((h) => Number.isFinite(h[key])).map((h) => ({
        epoch: h.epoch,
        [label]: h[key],
        run: rule,
      }));
    const title = trainedTitle({
      task: "The linear net M = W2·W1",
      network: describeNetwork({ sizes: net.sizes, hidden: "linear" }),
      rules: [rule],
      optimizer: "sgd",
      lr,
    });
    const path = await writeReport(args.get("report-dir"), title, [
      `${rule}: cost ${cost.toPrecision(6)} after ${Math.min(epoch, epochs)} epochs, D = ${
        D.toPrecision(4)
      }`,
    ], [
      lineChart("cost", "Cost", series("cost", "cost"), "epoch", "cost", "run", "cost", true),
      lineChart(
        "criterion",
        "Alignment criterion",
        series("criterion", "criterion"),
        "epoch",
        "criterion",
        "run",
      ),
      lineChart(
        "angle",
        "Angle to the backprop update",
        series("angle", "angle (°)"),
        "epoch",
        "angle (°)",
        "run",
      ),
    ]);
    if (!quiet) console.log(`Report: ${path}`);
  }
  if (json) {
    console.log(
      JSON.stringify({ rule, epochs: Math.min(epoch, epochs), cost, D, seconds, history }),
    );
  }
});
