// The results tables of README.md and docs/*.md, written from results/*.json: each table sits
// between `<!-- results:NAME -->` and `<!-- /results:NAME -->`, and `deno task docs` rewrites
// what lies between from the results files, so no figure in the docs is copied by hand.
import type { Rule } from "../../mod.ts";
import { type Cell, isCurrent, mean, std, tableMarkdown } from "./table_markdown.ts";
import { type Table, TABLES } from "./tables.ts";

/** Reads one file of `results/` by its name (e.g. `"pipeline.json"`) and returns its parsed JSON. */
export type ResultsReader = (file: string) => unknown;

/** A rule as the docs name it. */
export const RULE_LABELS: Record<Rule, string> = {
  bp: "BP",
  fa: "FA",
  dfa: "DFA",
  cdfa: "cDFA",
  usf: "uSF",
  brsf: "brSF",
  frsf: "frSF",
  drtp: "DRTP",
};

/** A test error (a fraction) as a percentage with two decimals: 0.0168 → "1.68 %". */
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** Test errors (%) of several seeds as "mean ± std % (n seeds)", one seed as "x % (1 seed)". */
export function seedSummary(errors: number[]): string {
  if (errors.length === 1) return `${errors[0].toFixed(2)} % (1 seed)`;
  return `${mean(errors).toFixed(2)} ± ${std(errors).toFixed(2)} % (${errors.length} seeds)`;
}

/** A Markdown table, columns padded to their widest cell. */
export function markdownTable(head: string[], rows: string[][]): string {
  const width = head.map((h, j) => Math.max(3, ...[h, ...rows.map((r) => r[j])].map(len)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, j) => c + " ".repeat(width[j] - len(c))).join(" | ")} |`;
  return [line(head), `| ${width.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)]
    .join("\n");
}
const len = (s: string) => [...s].length;

/** The cells of a published table's results file, each with its recipe (absent: the table's). */
export function tableCells(json: unknown, table: Table): Cell[] {
  const cells = (json as { cells: Cell[] }).cells;
  return cells.map((c) => ({ ...c, recipe: c.recipe ?? table.recipe(c.rule) }));
}

/** What `deno task reproduce` writes to results/TABLE.md for each table, from its JSON. */
export function resultsMarkdown(read: ResultsReader): Record<string, string> {
  return Object.fromEntries(
    Object.entries(TABLES).map(([name, table]) => [
      `${name}.md`,
      tableMarkdown(table, tableCells(read(`${name}.json`), table), table.epochs),
    ]),
  );
}

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
function mnistTable(read: ResultsReader): string {
  const files = [
    ["mnist-nokland.json", "`nokland`", "nokland"],
    ["mnist-nokland-rho09.json", "`nokland`, `--rho 0.9`", "nokland"],
    ["mnist-seed.json", "`seed`", "seed"],
  ];
  const rows = files.flatMap(([file, label, preset]) =>
    mnistRuns(read(file)).map((r) => [
      label,
      RULE_LABELS[r.rule],
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
function dropoutTable(read: ResultsReader): string {
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

/** The cells of a published table under its recipe of today, grouped by row, rule and budget. */
function currentGroups(table: Table, cells: Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const c of cells.filter((c) => isCurrent(table, c))) {
    const key = JSON.stringify([c.row, c.rule, c.epochs]);
    groups.set(key, [...groups.get(key) ?? [], c]);
  }
  const order = (g: Cell[]) => [
    table.rows.findIndex((r) => r.name === g[0].row),
    table.rules.indexOf(g[0].rule),
    g[0].epochs,
  ];
  return [...groups.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  }).map((g) => g.sort((a, b) => a.seed - b.seed));
}

/** Each seed's test error, with the epoch the table's stopping rule ended it at. */
function eachSeed(g: Cell[], budget: number): string {
  return g.map((c) => {
    const stopped = c.history.length < budget ? `, stopped at ${c.history.length}` : "";
    return `${(100 * c.testError).toFixed(2)} (seed ${c.seed}${stopped})`;
  }).join("; ");
}

/** Table 1's cells seed by seed: each seed's error and where the stopping rule ended it. */
function table1Seeds(read: ResultsReader): string {
  const table = TABLES["nokland-table1"];
  const groups = currentGroups(table, tableCells(read("nokland-table1.json"), table));
  return markdownTable(
    ["network", "rule", "ours", "each seed, % (epoch stopped at, if before 300)"],
    groups.map((g) => [
      g[0].row,
      RULE_LABELS[g[0].rule],
      seedSummary(g.map((c) => 100 * c.testError)),
      eachSeed(g, g[0].epochs),
    ]),
  );
}

/** biotorch's LeNet rule by rule: every current group of cells, beside biotorch's figure. */
function lenetRules(read: ResultsReader): string {
  const table = TABLES["biotorch-lenet"];
  const groups = currentGroups(table, tableCells(read("biotorch-lenet.json"), table))
    .filter((g) => !table.rows.find((r) => r.name === g[0].row)?.shift);
  return markdownTable(
    ["network", "rule", "epochs", "weight decay", "final test error", "each seed (%)", "biotorch"],
    groups.map((g) => {
      const { row, rule, epochs } = g[0];
      const published = table.rows.find((r) => r.name === row)?.published[rule];
      return [
        row,
        RULE_LABELS[rule],
        `${epochs}`,
        table.weightDecay(rule) > 0 ? "yes" : "no",
        `**${seedSummary(g.map((c) => 100 * c.testError))}**`,
        g.map((c) => (100 * c.testError).toFixed(2)).join(", "),
        published === undefined ? "–" : `${published.toFixed(2)} %`,
      ];
    }),
  );
}

/** LeNet with shifted training images beside the same rule and seed without. */
function lenetShifts(read: ResultsReader): string {
  const table = TABLES["biotorch-lenet"];
  const cells = tableCells(read("biotorch-lenet.json"), table).filter((c) => isCurrent(table, c));
  const shifted = table.rows.find((r) => r.shift)!;
  const plain = table.rows[0].name;
  const byRule = (a: Cell, b: Cell) =>
    table.rules.indexOf(a.rule) - table.rules.indexOf(b.rule) || a.seed - b.seed;
  const rows = cells.filter((c) => c.row === shifted.name).sort(byRule).map((c) => {
    const twin = cells.find((d) =>
      d.row === plain && d.rule === c.rule && d.seed === c.seed && d.epochs === c.epochs
    );
    return [
      RULE_LABELS[c.rule],
      `${c.seed}`,
      pct(c.testError),
      twin ? pct(twin.testError) : "–",
    ];
  });
  return markdownTable(
    ["rule", "seed", `shifts ±${shifted.shift}: final test error`, "without"],
    rows,
  );
}

/** The stacked models of the stacking study, cell by cell in its JSON files. */
interface StudyCell {
  seed: number;
  kind: "same" | "diff";
  model: "dense" | "rd";
  update: string;
  testError: number;
}

/** The study's models in the docs' order, with what each is in words. */
const STUDY_MODELS: [string, string, string][] = [
  ["dense", "exact", "dense, default (Adam, held-out early stopping)"],
  ["dense", "original", "dense, `--update original` (SGD on batch sums, raw inputs)"],
  ["rd", "exact", "RD, default (softmax, exact gradients, Adam, bias, early stopping)"],
  ["rd", "original", "RD, `--update original` (D2 from the first sample)"],
  ["rd", "dfa-signs", "RD by DFA, error to D1 through R with random row signs (`--rule dfa`)"],
  ["rd", "dfa-aligned", "RD by DFA, error to D1 through R"],
  ["rd", "dfa-random", "RD by DFA, error to D1 through a random matrix"],
  ["rd", "dfa-warmup", "RD by DFA (random matrix) after 5 epochs of backprop"],
];

/** Every cell of the stacking study's files. */
function studyCells(read: ResultsReader): StudyCell[] {
  return ["stacking.json", "stacking-dfa.json"].flatMap((f) =>
    (read(f) as { cells: StudyCell[] }).cells
  );
}

/** One model's test errors (%) over the seeds, for same- or diff-init learners. */
function studyErrors(cells: StudyCell[], model: string, update: string, kind: string): number[] {
  return cells.filter((c) => c.model === model && c.update === update && c.kind === kind)
    .map((c) => 100 * c.testError);
}

/** The stacking study: every stacked model over the seeds, same- and diff-init learners. */
function stackingTable(read: ResultsReader): string {
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

/** A pipeline run's `--json` record. */
interface PipelineRecord {
  n: number;
  seconds: number;
  weakLearners: { meanTestError: number; bestTestError: number; seconds: number };
  stacked: { testError: number; parameters: number; seconds: number };
  rdStacked: { testError: number; parameters: number; seconds: number };
}

/** The pipeline's steps, same-init learners beside diff-init ones. */
function pipelineTable(read: ResultsReader): string {
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

/** How many of Table 1's rule × network cells come within 0.15 points of the recalled figure. */
function table1Hits(table: Table, cells: Cell[]): { hits: number; of: number } {
  const groups = currentGroups(table, cells).filter((g) => g[0].epochs === table.epochs);
  const held = groups.flatMap((g) => {
    const published = table.rows.find((r) => r.name === g[0].row)?.published[g[0].rule];
    return published === undefined ? [] : [mean(g.map((c) => 100 * c.testError)) - published];
  });
  return { hits: held.filter((d) => d <= 0.15 + 1e-9).length, of: held.length };
}

/** The README's headline: the original's workflow against ours, Table 1 and LeNet in brief. */
function headlineTable(read: ResultsReader): string {
  const study = studyCells(read);
  const stacking = (model: string, kind: string, name: string) => {
    const ours = studyErrors(study, model, "exact", kind);
    const theirs = studyErrors(study, model, "original", kind);
    return [
      `${name}, ${kind}-init learners`,
      `**${seedSummary(ours)}**`,
      `${seedSummary(theirs)}, the original's recipe on the same outputs`,
    ];
  };
  const t1 = TABLES["nokland-table1"], lenet = TABLES["biotorch-lenet"];
  const t1Cells = tableCells(read("nokland-table1.json"), t1);
  const lenetCells = tableCells(read("biotorch-lenet.json"), lenet);
  const cell = (table: Table, cells: Cell[], row: string, rule: Rule, label: string) => {
    const g = currentGroups(table, cells).find((g) =>
      g[0].row === row && g[0].rule === rule && g[0].epochs === table.epochs
    );
    const published = table.rows.find((r) => r.name === row)?.published[rule];
    const source = table === t1 ? "Nøkland 2016, recalled" : "biotorch, seen in its Benchmarks.md";
    return [
      label,
      g ? `**${seedSummary(g.map((c) => 100 * c.testError))}**` : "–",
      published === undefined ? "–" : `${published.toFixed(2)} % (${source})`,
    ];
  };
  const { hits, of } = table1Hits(t1, t1Cells);
  return markdownTable(["result", "ours", "reference"], [
    stacking("dense", "same", "Stacking 50 DFA nets, dense stacked model"),
    stacking("rd", "same", "Stacking 50 DFA nets, RD stacked model"),
    stacking("dense", "diff", "Stacking 50 DFA nets, dense stacked model"),
    cell(t1, t1Cells, "1×800 tanh", "dfa", "Table 1, 1×800 tanh, DFA"),
    cell(t1, t1Cells, "1×800 tanh", "bp", "Table 1, 1×800 tanh, BP"),
    [
      "Table 1, cells within 0.15 points of the recalled figure, or below",
      `**${hits} of ${of}**`,
      "Nøkland 2016, recalled",
    ],
    cell(lenet, lenetCells, "LeNet-5 (ReLU)", "bp", "LeNet-5, BP"),
    cell(lenet, lenetCells, "LeNet-5 (ReLU)", "usf", "LeNet-5, uSF"),
    cell(
      lenet,
      lenetCells,
      "LeNet-5 (ReLU), feedback after pooling",
      "dfa",
      "LeNet-5, DFA after pooling",
    ),
    cell(
      lenet,
      lenetCells,
      "LeNet-5 (ReLU), feedback after pooling",
      "cdfa",
      "LeNet-5, cDFA after pooling",
    ),
  ]);
}

/**
 * What reproduce writes to results/TABLE.md but the cells of earlier recipes (they stay in that
 * file), its headings two levels down to sit in a page.
 */
function resultsSection(read: ResultsReader, name: string): string {
  const table = TABLES[name];
  return tableMarkdown(table, tableCells(read(`${name}.json`), table), table.epochs)
    .split("## Cells of earlier recipes")[0].replace(/^## /gm, "#### ");
}

/** Every generated table by its marker name: `<!-- results:NAME -->`. */
export const DOC_TABLES: Record<string, (read: ResultsReader) => string> = {
  headline: headlineTable,
  mnist: mnistTable,
  dropout: dropoutTable,
  table1: (read) => resultsSection(read, "nokland-table1"),
  "table1-seeds": table1Seeds,
  lenet: (read) => resultsSection(read, "biotorch-lenet"),
  "lenet-rules": lenetRules,
  "lenet-shifts": lenetShifts,
  pipeline: pipelineTable,
  stacking: stackingTable,
};

/** One marked block of a document: its name and what lies between its markers. */
export interface MarkedBlock {
  name: string;
  content: string;
}

// A marker is a line of its own, so prose may name one in backticks.
const MARKER = /^<!-- results:([\w-]+) -->\n([\s\S]*?)^<!-- \/results:([\w-]+) -->$/gm;

/**
 * The marked blocks of a document, in order. Throws a SyntaxError for a block whose closing
 * marker names another table or is missing, and a RangeError for a name no table has.
 */
export function markedBlocks(text: string): MarkedBlock[] {
  const blocks = [...text.matchAll(MARKER)].map((m) => {
    if (m[1] !== m[3]) {
      throw new SyntaxError(`Cannot read the results block ${m[1]}: it is closed by ${m[3]}`);
    }
    if (!(m[1] in DOC_TABLES)) {
      throw new RangeError(`Cannot write the results block: no table is named ${m[1]}`);
    }
    return { name: m[1], content: m[2] };
  });
  const opened = text.match(/^<!-- results:[\w-]+ -->$/gm)?.length ?? 0;
  if (opened !== blocks.length) {
    throw new SyntaxError(
      `Cannot read the results blocks: ${opened} opened, ${blocks.length} closed`,
    );
  }
  return blocks;
}

/**
 * A block's text with its layout taken out (spaces, line breaks, the width of table rules), so
 * that `deno fmt` rewrapping a paragraph or realigning a table leaves it the same.
 */
export function layoutFree(text: string): string {
  return text.replace(/:?-{3,}:?/g, "---").replace(/\s+/g, " ").replace(/ ?\| ?/g, "|").trim();
}

/** The names of the blocks whose content differs from what the results write. */
export function staleBlocks(text: string, tables: Record<string, string>): string[] {
  return markedBlocks(text).filter((b) => layoutFree(b.content) !== layoutFree(tables[b.name]))
    .map((b) => b.name);
}

/** The document with every stale block rewritten from `tables` (current blocks left as they are). */
export function fillBlocks(text: string, tables: Record<string, string>): string {
  markedBlocks(text);
  return text.replace(
    MARKER,
    (whole, name: string, content: string) =>
      layoutFree(content) === layoutFree(tables[name])
        ? whole
        : `<!-- results:${name} -->\n\n${tables[name].trim()}\n\n<!-- /results:${name} -->`,
  );
}

/** Every table of `DOC_TABLES`, written from the results. */
export function docTables(read: ResultsReader): Record<string, string> {
  return Object.fromEntries(Object.entries(DOC_TABLES).map(([name, f]) => [name, f(read)]));
}
