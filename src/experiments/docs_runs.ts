// The docs' tables of single runs and studies: MNIST by DFA and BP, DFA with dropout, the
// pipeline, and the stacking study, each from its records in results/.
import type { StudyCell } from "./stacking_study.ts";
import type { Rule } from "../../mod.ts";
import { RULE_NAMES } from "../model/rules/registry.ts";
import { markdownTable, pct, type ResultsReader, seedSummary } from "./docs_format.ts";

/** One run of `deno task mnist --json`, in the camelCase or the older snake_case keys. */
interface MnistRun {
  rule: Rule;
  testError: number;
  bestTestError: number;
  bestEpoch: number;
  validationEpoch?: number;
  epochs: { testError: number }[];
}

/** The runs of an `mnist --json` file, its keys read either way. */
function mnistRuns(json: unknown): MnistRun[] {
  const runs = (json as { runs: Record<string, unknown>[] }).runs;
  const pick = (o: Record<string, unknown>, camel: string, snake: string) =>
    (o[camel] ?? o[snake]) as number;
  return runs.map((r) => ({
    rule: r.rule as Rule,
    testError: pick(r, "testError", "test_error"),
    bestTestError: pick(r, "bestTestError", "best_test_error"),
    bestEpoch: pick(r, "bestEpoch", "best_epoch"),
    validationEpoch: r.validationEpoch as number | undefined,
    epochs: (r.epochs as Record<string, unknown>[]).map((e) => ({
      testError: pick(e, "testError", "test_error"),
    })),
  }));
}

/** The test error a run reports: its last epoch's, or that of the epoch chosen on held-out data. */
const reported = (r: MnistRun) => r.testError;

/** Published figures beside `deno task mnist`'s runs, and where they come from. */
const MNIST_REFERENCES: Record<string, Partial<Record<Rule, string>>> = {
  nokland: {
    dfa: "Nøkland 2016, Table 1: 1.68 % (recalled)",
    bp: "Nøkland 2016, Table 1: 1.59 % (recalled)",
  },
  seed: {
    dfa: "the original's notebook: 7.7 % (seen)",
    bp: "the original's notebook: 7.7 % (seen)",
  },
};

/** MNIST, DFA vs backprop: one hidden layer of 800 tanh units, each preset's runs. */
export function mnistTable(read: ResultsReader): string {
  const files = [
    ["mnist-nokland.json", "`nokland`", "nokland"],
    ["mnist-nokland-rho09.json", "`nokland`, `--rho 0.9`", "nokland"],
    ["mnist-seed.json", "`seed`", "seed"],
  ];
  const rows = files.flatMap(([file, label, preset]) =>
    mnistRuns(read(file)).map((r) => [
      label,
      RULE_NAMES[r.rule],
      `${r.epochs.length}`,
      `**${pct(reported(r))}**`,
      `${pct(r.bestTestError)} (${r.bestEpoch})`,
      MNIST_REFERENCES[preset][r.rule] ?? "–",
      `[${file}](../results/${file})`,
    ])
  );
  return markdownTable(
    ["preset", "rule", "epochs", "final test error", "best (epoch)", "published", "record"],
    rows,
  );
}

/** The fully connected DFA nets with dropout, by results file and the recipe in words. */
const DROPOUT_RUNS: [string, string][] = [
  ["mnist-dfa-dropout.json", "RMSprop lr 1e-4 (ρ 0.9)"],
  ["mnist-dfa-dropout-2x800.json", "Adam lr 1e-3, ÷10 after 50 and 75"],
  ["mnist-dfa-dropout-2x800-160.json", "Adam lr 1e-3, ÷10 after 100 and 130"],
  ["mnist-dfa-dropout-2x800-p03.json", "Adam lr 1e-3, ÷10 after 50 and 75"],
  ["mnist-dfa-dropout-2x800-p03-seed2.json", "the same, seed 2"],
  ["mnist-dfa-dropout-2x800-p03-validation.json", "the same, 10 000 images held out"],
  ["mnist-dfa-dropout-2x1200.json", "Adam lr 1e-3, ÷10 after 50 and 75"],
];

/** DFA with dropout: each run's final error, its last ten epochs and its best. */
export function dropoutTable(read: ResultsReader): string {
  const rows = DROPOUT_RUNS.map(([file, recipe]) => {
    const json = read(file) as { command?: string };
    const [r] = mnistRuns(json);
    const arch = json.command?.match(/--arch (\S+)/)?.[1] ?? "?";
    const last = r.epochs.slice(-10).map((e) => e.testError);
    const at = r.validationEpoch ? ` (epoch ${r.validationEpoch})` : "";
    return [
      `\`${arch}\``,
      recipe,
      `${r.epochs.length}`,
      `**${pct(reported(r))}**${at}`,
      `${pct(Math.min(...last))}–${pct(Math.max(...last))}`,
      `${pct(r.bestTestError)} (${r.bestEpoch})`,
      `[${file.replace(".json", "")}](../results/${file})`,
    ];
  });
  return markdownTable(
    ["net", "recipe", "epochs", "final", "last 10 epochs", "best (epoch)", "record"],
    rows,
  );
}

/** The study's models in the docs' order, with what each is in words. */
const STUDY_MODELS: [string, string, string][] = [
  ["dense", "exact", "dense, default (Adam, held-out early stopping)"],
  ["rd", "exact", "RD, default (softmax, exact gradients, Adam, bias, early stopping)"],
  ["rd", "dfa-signs", "RD by DFA, error to D1 through R with random row signs (`--rule dfa`)"],
  ["rd", "dfa-aligned", "RD by DFA, error to D1 through R"],
  ["rd", "dfa-random", "RD by DFA, error to D1 through a random matrix"],
  ["rd", "dfa-warmup", "RD by DFA (random matrix) after 5 epochs of backprop"],
];

/** Every cell of the stacking study's files. */
export function studyCells(read: ResultsReader): StudyCell[] {
  return ["stacking.json", "stacking-dfa.json"].flatMap((f) =>
    (read(f) as { cells: StudyCell[] }).cells
  );
}

/** One model's test errors (%) over the seeds, for same- or diff-init learners. */
export function studyErrors(
  cells: StudyCell[],
  model: string,
  update: string,
  kind: string,
): number[] {
  return cells.filter((c) => c.model === model && c.update === update && c.kind === kind)
    .map((c) => 100 * c.testError);
}

/** The stacking study: every stacked model over the seeds, same- and diff-init learners. */
export function stackingTable(read: ResultsReader): string {
  const cells = studyCells(read);
  const rows = STUDY_MODELS.map(([model, update, label]) => [
    label,
    ...(["same", "diff"] as const).map((kind) => {
      const v = studyErrors(cells, model, update, kind);
      return v.length ? seedSummary(v) : "–";
    }),
  ]);
  return markdownTable(["stacked model", "same-init learners", "diff-init learners"], rows);
}

/** The seeds in the order the original program's runs were recorded, then any others. */
function originalSeedOrder(cells: readonly StudyCell[]): number[] {
  return [
    ...new Set([
      ...cells.filter((c) => c.update === "original-program").map((c) => c.seed),
      ...cells.map((c) => c.seed),
    ]),
  ];
}

/**
 * `--update original` beside the original program itself, on one set of learners' outputs
 * (results/stacking-original.json): test error over the stacking seeds, each model's training error.
 */
export function originalTable(read: ResultsReader): string {
  const cells =
    (read("stacking-original.json") as { cells: (StudyCell & { trainError: number })[] })
      .cells;
  const rows = (["dense", "rd"] as const).flatMap((model) =>
    (["original", "original-program"] as const).map((update) => {
      const mine = originalSeedOrder(cells).flatMap((seed) =>
        cells.filter((c) => c.seed === seed && c.model === model && c.update === update)
      );
      return [
        `${model === "dense" ? "dense" : "RD"}, ${
          update === "original" ? "dfa's `--update original`" : "the original program"
        }`,
        seedSummary(mine.map((c) => 100 * c.testError)),
        pct(mine.reduce((a, c) => a + c.trainError, 0) / mine.length),
        mine.map((c) => c.seed).join(", "),
      ];
    })
  );
  return markdownTable(["stacked model", "test error", "training error, mean", "seeds"], rows);
}

/**
 * `--update original` and the original program seed by seed (results/stacking-original.json): both
 * start from the same NumPy draws for a seed, so each row sets one run beside the other.
 */
export function originalSeedsTable(read: ResultsReader): string {
  const cells = (read("stacking-original.json") as { cells: StudyCell[] }).cells;
  const seeds = originalSeedOrder(cells);
  const at = (seed: number, model: string, update: string) => {
    const c = cells.find((c) => c.seed === seed && c.model === model && c.update === update);
    return c ? `${(100 * c.testError).toFixed(2)} %` : "–";
  };
  const rows = seeds.map((seed) => [
    String(seed),
    ...(["dense", "rd"] as const).flatMap((model) =>
      (["original", "original-program"] as const).map((update) => at(seed, model, update))
    ),
  ]);
  return markdownTable(
    ["NumPy seed", "dense: dfa", "dense: original", "RD: dfa", "RD: original"],
    rows,
  );
}

/** A pipeline run's `--json` record. */
interface PipelineRecord {
  n: number;
  seconds: number;
  weakLearners: { meanTestError: number; bestTestError: number; seconds: number };
  stacked: { testError: number; parameters: number; seconds: number };
  rdStacked: { testError: number; parameters: number; seconds: number };
}

/** The pipeline's steps, same-init learners beside diff-init ones. */
export function pipelineTable(read: ResultsReader): string {
  const [same, diff] = ["pipeline.json", "pipeline-diff.json"].map((f) =>
    read(f) as PipelineRecord
  );
  const secs = (s: number) => `${s.toFixed(1)} s`;
  const both = (f: (p: PipelineRecord) => [string, string]) => [...f(same), ...f(diff)];
  return markdownTable(["step", "same-init", "time", "diff-init", "time"], [
    [
      `${same.n} weak learners (1 epoch each), mean test error`,
      ...both((p) => [pct(p.weakLearners.meanTestError), secs(p.weakLearners.seconds)]),
    ],
    ["… the best of them", ...both((p) => [pct(p.weakLearners.bestTestError), ""])],
    [
      `dense stacked model, ${same.stacked.parameters} parameters`,
      ...both((p) => [`**${pct(p.stacked.testError)}**`, secs(p.stacked.seconds)]),
    ],
    [
      `RD stacked model, ${same.rdStacked.parameters} parameters`,
      ...both((p) => [`**${pct(p.rdStacked.testError)}**`, secs(p.rdStacked.seconds)]),
    ],
    ["the whole pipeline", ...both((p) => ["", secs(p.seconds)])],
  ]);
}
