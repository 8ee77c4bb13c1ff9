// The stacking study behind the README's table: for each seed, N weak learners that share an
// initialisation and N that do not (trained when their outputs are missing), then the dense and
// RD stacked models with the defaults and with the original's recipe, on the very same outputs
// (--outputs: one set of outputs for every seed; --original-logs: the original program's own runs
// recorded beside ours). Each finished cell is saved to the results file at once: a killed study
// resumes.
import {
  LINOUT_KEYS,
  linoutPaths,
  loadNpz,
  runWeakLearners,
  stackedModel,
  WEAK_LEARNER_DEFAULTS,
} from "../mod.ts";
import { cliArgs, noMoreArguments, parse, run, UsageError } from "../src/cli/options.ts";
import { parseOriginalLog } from "../src/stacking/original_log.ts";
import { DEFAULT_MNIST, fallbackFor, loadMnistLabels } from "../src/data/shipped.ts";
import { pct, secs } from "../src/report/format.ts";

const spec = {
  name: "stacking-study",
  summary:
    "Runs the stacking study: for each seed, same-init and diff-init weak learners (data/exp/KIND-SEED),\n" +
    "then the dense and RD stacked models, default and --update original; appends each result to the\n" +
    "results file as it finishes (a killed study resumes), and prints mean ± std over the seeds.",
  usage: "deno task stacking-study [options]",
  options: [
    { name: "n", kind: "integer", min: 1, default: 50, help: "weak learners" },
    { name: "seeds", kind: "string", default: "1234,1,2,3,4", help: "seeds, comma-separated" },
    { name: "out", kind: "string", default: "results/stacking.json", help: "the results file" },
    {
      name: "only",
      kind: "choice",
      choices: ["all", "main", "dfa", "original"],
      default: "all",
      help:
        "the models: all, the default and original ones (main), the RD-by-DFA variants, or --update original alone",
    },
    {
      name: "outputs",
      kind: "string",
      help: "stack these learners' outputs (DIR/train_linouts.npz …) for every seed instead",
    },
    {
      name: "diff",
      kind: "boolean",
      help: "--outputs: the diff-init files (diff-train_linouts.npz …)",
    },
    {
      name: "original-logs",
      kind: "string",
      help:
        "record the original program's runs too: DIR/dense-SEED.log, DIR/rd-SEED.log (what its stacked-model.py, RD-stacked-model.py printed)",
    },
    { name: "existing", kind: "boolean", help: "skip seeds whose learners' outputs are missing" },
  ],
} as const;

interface Cell {
  seed: number;
  kind: "same" | "diff";
  model: "dense" | "rd";
  /**
   * exact, original, an RD DFA variant (dfa-random, dfa-aligned, dfa-signs, dfa-warmup), or
   * original-program: the original program itself, read from its output.
   */
  update: string;
  testError: number;
  trainError: number;
  epochs: number;
  bestEpoch: number;
  /** Absent for the original program's runs. */
  seconds?: number;
}

/** How D1 gets the error when an RD layer is trained by DFA (see rd_dfa.ts). */
const DFA_VARIANTS = ["random", "aligned", "signs", "warmup"] as const;

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) =>
  Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)) * v.length / Math.max(1, v.length - 1));

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args);
  const n = args.int("n"), out = args.get("out");
  const seeds = args.get("seeds").split(",").map(Number), given = args.optional("outputs");
  const logs = args.optional("original-logs");
  let cells: Cell[] = [];
  try {
    cells = JSON.parse(Deno.readTextFileSync(out)).cells;
  } catch { /* a new study */ }
  const labels = loadMnistLabels(DEFAULT_MNIST);
  const kinds = given === undefined
    ? ["same", "diff"] as const
    : [args.flag("diff") ? "diff" : "same"] as const;
  const save = () =>
    Deno.writeTextFileSync(out, JSON.stringify({ n, outputs: given, cells }, null, 1) + "\n");
  for (const seed of seeds) {
    for (const kind of kinds) {
      const outDir = given ?? `data/exp/${kind}-${seed}`,
        paths = linoutPaths(outDir, kind === "diff");
      const only = args.get("only");
      for (const model of logs === undefined ? [] : ["dense", "rd"] as const) {
        const file = `${logs}/${model}-${seed}.log`;
        if (
          cells.some((c) =>
            c.seed === seed && c.kind === kind && c.model === model &&
            c.update === "original-program"
          )
        ) continue;
        let text;
        try {
          text = Deno.readTextFileSync(file);
        } catch (e) {
          if (e instanceof Deno.errors.NotFound) continue;
          throw e;
        }
        const r = parseOriginalLog(text, file);
        cells.push({
          seed,
          kind,
          model,
          update: "original-program",
          ...r,
          bestEpoch: r.epochs,
        });
        save();
        console.log(
          `seed ${seed} ${kind}-init ${model} original program: test error ${pct(r.testError)}`,
        );
      }
      const updates = only === "original" ? ["original"] : [
        ...(only === "dfa" ? [] : ["exact", "original"]),
        ...(only === "main" ? [] : DFA_VARIANTS.map((v) => `dfa-${v}`)),
      ];
      const todo = (["dense", "rd"] as const).flatMap((model) =>
        updates.filter((update) => model === "rd" || !update.startsWith("dfa")).filter((update) =>
          !cells.some((c) =>
            c.seed === seed && c.kind === kind && c.model === model && c.update === update
          )
        ).map((update) => ({ model, update }))
      );
      if (!todo.length) continue;
      try {
        Deno.statSync(paths.test);
      } catch {
        if (given !== undefined) throw new UsageError(`--outputs ${given} has no ${paths.test}`);
        if (args.flag("existing")) continue;
        console.log(`== ${kind}-init weak learners, seed ${seed}`);
        await runWeakLearners({
          config: { ...WEAK_LEARNER_DEFAULTS, seed, diff: kind === "diff" },
          data: DEFAULT_MNIST,
          fallbackIdxDir: fallbackFor(DEFAULT_MNIST),
          outDir,
        }, n);
      }
      const train = loadNpz(paths.train, [LINOUT_KEYS.train])[LINOUT_KEYS.train];
      const test = loadNpz(paths.test, [LINOUT_KEYS.test])[LINOUT_KEYS.test];
      for (const { model, update } of todo) {
        const dfa = update.startsWith("dfa-") ? update.slice(4) : "";
        const r = stackedModel({
          n,
          train,
          test,
          labels,
          layer: model,
          seed,
          rule: dfa ? "dfa" : "bp",
          update: update === "original" ? "original" : "exact",
          rdFeedback: dfa === "aligned" || dfa === "signs" ? dfa : "random",
          warmup: dfa === "warmup" ? 5 : 0,
        });
        const cell: Cell = {
          seed,
          kind,
          model,
          update,
          testError: r.testError,
          trainError: r.trainError,
          epochs: r.epochs,
          bestEpoch: r.bestEpoch,
          seconds: r.seconds,
        };
        cells.push(cell);
        save();
        console.log(
          `seed ${seed} ${kind}-init ${model} ${update}: test error ${pct(r.testError)} (${
            secs(r.seconds)
          })`,
        );
      }
    }
  }
  console.log(`\n${"".padEnd(24)}  same-init          diff-init`);
  for (const model of ["dense", "rd"]) {
    for (
      const update of [
        "exact",
        "original",
        "original-program",
        ...DFA_VARIANTS.map((v) => `dfa-${v}`),
      ]
    ) {
      if (model === "dense" && update.startsWith("dfa")) continue;
      const row = (["same", "diff"] as const).map((kind) => {
        const v = cells.filter((c) => c.kind === kind && c.model === model && c.update === update)
          .map((c) => 100 * c.testError);
        return v.length ? `${mean(v).toFixed(2)} ± ${std(v).toFixed(2)} % (${v.length})` : "–";
      });
      console.log(
        `${`${model} ${update === "exact" ? "default" : update}`.padEnd(24)}  ${
          row[0].padEnd(17)
        }  ${row[1]}`,
      );
    }
  }
});
