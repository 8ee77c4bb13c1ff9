// Runs every cell of a published MNIST table (network × rule × seed), saving each cell as it
// finishes (a killed run resumes), and prints our mean ± std beside the published figure.
import {
  firstSamples,
  Network,
  parseArchitecture,
  randomShifts,
  type Rule,
  train,
} from "../mod.ts";
import { cliArgs, noMoreArguments, parse, run, UsageError } from "./_cli.ts";
import { loadMnist } from "./_data.ts";
import { pct, secs } from "./_format.ts";
import { lineChart, reportOptions, writeReport } from "./_report.ts";
import { cellRecipe, selectRows, type Table, TABLES } from "./_tables.ts";

const spec = {
  name: "reproduce",
  summary: "Runs the cells of a published MNIST table (network × rule × seed) and writes\n" +
    "results/TABLE.json (each cell saved as it finishes: a killed run resumes), a Markdown table of\n" +
    "our mean ± std beside the published figure (results/TABLE.md), and an HTML report of the\n" +
    `curves. Tables: ${Object.keys(TABLES).join(", ")}.`,
  usage: "deno task reproduce TABLE [--epochs N] [--seeds 1,2,3] [--only TEXT] [--rules bp,dfa]",
  options: [
    { name: "epochs", kind: "integer", min: 1, help: "epochs a cell (default: the table's)" },
    { name: "seeds", kind: "string", default: "1", help: "seeds, comma-separated" },
    {
      name: "only",
      kind: "string",
      help: "only the row of this name, or else the rows whose name contains it",
    },
    { name: "rules", kind: "string", help: "only these rules, comma-separated" },
    {
      name: "train-samples",
      kind: "integer",
      min: 1,
      help: "use only the first N training images",
    },
    {
      name: "data",
      kind: "string",
      default: "data/mnist.npz",
      help: "MNIST (else the shipped copy)",
    },
    {
      name: "out-dir",
      kind: "string",
      default: "results",
      help: "where TABLE.json and TABLE.md go",
    },
    ...reportOptions("reproduce"),
  ],
} as const;

/** One finished cell. */
interface Cell {
  row: string;
  rule: Rule;
  seed: number;
  epochs: number;
  recipe: string;
  testError: number;
  bestTestError: number;
  seconds: number;
  history: { epoch: number; trainError: number; testError: number }[];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));

/**
 * The Markdown tables: this run's budget of epochs first, then every other budget that has cells of
 * the table's recipes (those tables only with the rows that have some).
 */
function markdown(table: Table, cells: Cell[], epochs: number): string {
  const others = [...new Set(cells.map((c) => c.epochs))].filter((e) => e !== epochs)
    .sort((a, b) => a - b);
  return [epochs, ...others].map((e) => budgetMarkdown(table, cells, e, e === epochs))
    .filter((md) => md !== "").join("\n");
}

/** The Markdown table of one budget: one row per network, ours beside the published figure. */
function budgetMarkdown(table: Table, cells: Cell[], epochs: number, allRows: boolean): string {
  // Each row's test errors (%) by rule, for this budget and the row's recipe of each rule.
  const errors = table.rows.map((row) =>
    table.rules.map((r) =>
      cells.filter((c) =>
        c.row === row.name && c.rule === r && c.epochs === epochs &&
        c.recipe === cellRecipe(table, row, r)
      ).map((c) => 100 * c.testError)
    )
  );
  const shown = table.rows.flatMap((row, i) =>
    allRows || errors[i].some((v) => v.length) ? [{ row, byRule: errors[i] }] : []
  );
  if (!shown.length) return "";
  const head = `| network | ${
    table.rules.map((r) => `${r.toUpperCase()} ours | published`).join(" | ")
  } |`;
  const rule = `| --- | ${table.rules.map(() => "--- | ---").join(" | ")} |`;
  const rows = shown.map(({ row, byRule }) => {
    const parts = table.rules.map((r, j) => {
      const v = byRule[j];
      const ours = v.length ? `${mean(v).toFixed(2)} ± ${std(v).toFixed(2)} (${v.length})` : "–";
      return `${ours} | ${row.published[r]?.toFixed(2) ?? "–"}`;
    });
    return `| ${row.name} | ${parts.join(" | ")} |`;
  });
  const recipes = [...new Set(table.rules.map((r) => table.recipe(r)))].map((text) =>
    `${
      table.rules.filter((r) => table.recipe(r) === text).map((r) => r.toUpperCase()).join(", ")
    }: ${text}`
  );
  return `## ${table.title}\n\n${epochs} epoch${epochs === 1 ? "" : "s"} a cell (${
    recipes.join("; ")
  }); published figures: ` +
    `${table.source}.\n\n` +
    [head, rule, ...rows].join("\n") + "\n";
}

/**
 * Runs `fn` while this process holds an advisory lock on the table's file (exclusive to write), so
 * runs of the same table in parallel (other rows, rules or seeds) read whole files and keep each
 * other's cells.
 */
function withLock<T>(path: string, exclusive: boolean, fn: () => T): T {
  using file = Deno.openSync(path, { read: true, write: true, create: true });
  file.lockSync(exclusive);
  return fn(); // unlocked when closed
}

/** The cells saved so far (none for a new table); cells without a recipe had the table's. */
function cellsIn(path: string, table: Table): Cell[] {
  try {
    const cells: Cell[] = JSON.parse(Deno.readTextFileSync(path)).cells;
    return cells.map((c) => ({ ...c, recipe: c.recipe ?? table.recipe(c.rule) }));
  } catch {
    return []; // no file yet, or an empty one
  }
}

/** The cells in the table's file, read under a shared lock; none when there is no file yet. */
function readCells(path: string, table: Table): Cell[] {
  try {
    Deno.statSync(path);
  } catch {
    return [];
  }
  return withLock(path, false, () => cellsIn(path, table));
}

/** Adds a cell to the table's file, re-read under the lock; returns every cell now in it. */
function addCell(path: string, name: string, table: Table, cell: Cell): Cell[] {
  return withLock(path, true, () => {
    const cells = [...cellsIn(path, table), cell];
    Deno.writeTextFileSync(path, JSON.stringify({ table: name, cells }, null, 1) + "\n");
    return cells;
  });
}

/** Each rule's training and test error per epoch, the mean over its seeds. */
function curves(cells: Cell[]) {
  const rules = [...new Set(cells.map((c) => c.rule))];
  return rules.flatMap((rule) => {
    const runs = cells.filter((c) => c.rule === rule), epochs = runs[0].history.length;
    return Array.from({ length: epochs }, (_, e) =>
      (["train", "test"] as const).map((set) => ({
        epoch: e + 1,
        "error (%)": 100 *
          mean(runs.map((c) => c.history[e][set === "train" ? "trainError" : "testError"])),
        rule,
        set,
      }))).flat();
  });
}

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  noMoreArguments(args, 1);
  const name = args.positional[0], table = TABLES[name ?? ""];
  if (!table) {
    throw new UsageError(`TABLE must be one of ${Object.keys(TABLES).join(", ")}: ${name}`);
  }
  const epochs = args.optionalInt("epochs") ?? table.epochs;
  const seeds = args.get("seeds").split(",").map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) {
    throw new UsageError(`--seeds: ${args.get("seeds")}`);
  }
  const only = args.optional("only"), ruleFilter = args.optional("rules")?.split(",");
  const out = `${args.get("out-dir")}/${name}`;
  Deno.mkdirSync(args.get("out-dir"), { recursive: true });
  let cells = readCells(`${out}.json`, table);
  const data = loadMnist(args.get("data"));
  const trainSet = firstSamples(data.train, args.optionalInt("train-samples"));
  for (const row of selectRows(table, only)) {
    const rules = row.rules ?? table.rules;
    for (const rule of rules.filter((r) => !ruleFilter || ruleFilter.includes(r))) {
      for (const seed of seeds) {
        const done = cells.some((c) =>
          c.row === row.name && c.rule === rule && c.seed === seed && c.epochs === epochs &&
          c.recipe === cellRecipe(table, row, rule)
        );
        if (done) continue;
        const arch = parseArchitecture(row.arch, [1, 28, 28], 10, row.activation);
        const net = Network.create({
          ...arch,
          loss: table.loss,
          rule,
          init: table.init(rule, row.activation),
          feedbackInit: table.feedbackInit,
          feedbackAt: row.feedbackAt,
          seed,
        });
        const t0 = performance.now();
        const r = train(net, trainSet, {
          epochs,
          batchSize: table.batch,
          optimizer: {
            name: table.optimizer,
            lr: table.lr,
            rho: table.rho,
            weightDecay: table.weightDecay(rule),
          },
          augment: row.shift ? randomShifts([1, 28, 28], row.shift, seed) : undefined,
          lrDrops: table.lrDrops.map((f) => Math.round(f * epochs)).filter((e) => e > 0),
          stopAtTrainError: table.stopAtTrainError,
          seed,
          test: data.test,
          onEpoch: (s) =>
            console.log(
              `${row.name} ${rule} seed ${seed} epoch ${s.epoch}/${epochs}: train ${
                pct(s.trainError)
              }, test ${pct(s.testError)} (${secs(s.seconds)})`,
            ),
        });
        const history = r.epochs.map((e) => ({
          epoch: e.epoch,
          trainError: e.trainError,
          testError: e.testError ?? NaN,
        }));
        // Another run of the same table (other rules or rows, in parallel) may have added its own
        // cells since: addCell re-reads the file under its lock.
        cells = addCell(`${out}.json`, name, table, {
          row: row.name,
          rule,
          seed,
          epochs,
          recipe: cellRecipe(table, row, rule),
          testError: history.at(-1)!.testError,
          bestTestError: Math.min(...history.map((h) => h.testError)),
          seconds: (performance.now() - t0) / 1000,
          history,
        });
      }
    }
  }
  const md = markdown(table, cells = readCells(`${out}.json`, table), epochs);
  Deno.writeTextFileSync(`${out}.md`, md);
  console.log(`\n${md}`);
  if (args.flag("report")) {
    const charts = table.rows.filter((row) => cells.some((c) => c.row === row.name)).map((row, i) =>
      lineChart(
        `row-${i + 1}`,
        `${row.name}: error per epoch`,
        curves(
          cells.filter((c) =>
            c.row === row.name && c.epochs === epochs && c.recipe === cellRecipe(table, row, c.rule)
          ),
        ),
        "epoch",
        "error (%)",
        "rule",
        "error (%)",
        false,
        "set",
      )
    );
    const path = await writeReport(args.get("report-dir"), table.title, [md], charts);
    console.log(`Report: ${path}`);
  }
});
