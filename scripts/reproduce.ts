// Runs every cell of a published MNIST table (network × rule × seed), saving each cell as it
// finishes and a checkpoint of the cell in training after every epoch (a killed run resumes from
// its last epoch), and prints our mean ± std beside the published figure.
import {
  firstSamples,
  getBlas,
  Network,
  parseArchitecture,
  randomShifts,
  saveCheckpoint,
  train,
} from "../mod.ts";
import { removeCheckpoint, resumeFrom, trainingStatus } from "../src/experiments/checkpoints.ts";
import {
  cliArgs,
  FLUSH_SUBNORMALS_OPTION,
  noMoreArguments,
  parse,
  UsageError,
} from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { loadMnist } from "../src/data/shipped.ts";
import { pct, secs } from "../src/report/format.ts";
import { lineChart, reportOptions, tableTitle, writeReport } from "../src/report/mod.ts";
import {
  type Cell,
  isCurrent,
  meanCurves,
  tableMarkdown,
} from "../src/experiments/table_markdown.ts";
import { cellRecipe, selectRows, type Table, TABLES } from "../src/experiments/tables.ts";

const spec = {
  name: "reproduce",
  summary: "Runs the cells of a published MNIST table (network × rule × seed) and writes\n" +
    "results/TABLE.json (each cell saved as it finishes, and checkpointed after every epoch under\n" +
    "results/checkpoints/: a killed run resumes from its last epoch), a Markdown table of\n" +
    "our mean ± std beside the published figure (results/TABLE.md), and an HTML report of the\n" +
    `curves. Tables: ${Object.keys(TABLES).join(", ")}.`,
  usage:
    "deno task reproduce TABLE [--epochs N] [--seeds 1,2,3] [--only TEXT] [--rules bp,dfa] [--status]",
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
      name: "status",
      kind: "boolean",
      help: "list each cell as done, in training (its checkpoint's epoch) or to do; train nothing",
    },
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
    FLUSH_SUBNORMALS_OPTION,
    ...reportOptions("reproduce"),
  ],
} as const;

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

/**
 * Where the cell in training keeps its checkpoint: named by its row, rule and seed, and by a hash
 * of everything else that makes the cell (budget, recipe, training samples), so a checkpoint is
 * only ever resumed by the cell it belongs to.
 */
function checkpointPath(dir: string, key: Record<string, unknown>): string {
  const text = JSON.stringify(key);
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const name = `${key.row}-${key.rule}-seed${key.seed}`.replace(/[^\p{L}\p{N}.-]+/gu, "_");
  return `${dir}/${name}-${h.toString(16).padStart(8, "0")}.npz`;
}

/** The saved cell of this key, if any. */
function finished(
  cells: readonly Cell[],
  key: { row: string; rule: string; seed: number; epochs: number; recipe: string },
): Cell | undefined {
  return cells.find((c) =>
    c.row === key.row && c.rule === key.rule && c.seed === key.seed && c.epochs === key.epochs &&
    c.recipe === key.recipe
  );
}

/** The cell's lock, held until closed; undefined when another process holds it. */
function lockCell(ckpt: string): Deno.FsFile | undefined {
  const file = Deno.openSync(`${ckpt}.lock`, { read: true, write: true, create: true });
  if (file.tryLockSync(true)) return file;
  file.close();
  return undefined;
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
  const checkpoints = `${args.get("out-dir")}/checkpoints/${name}`;
  Deno.mkdirSync(checkpoints, { recursive: true });
  let cells = readCells(`${out}.json`, table);
  const samples = args.optionalInt("train-samples");
  // The cells asked for, each with its checkpoint's path and whether it is done.
  const wanted = selectRows(table, only).flatMap((row) =>
    (row.rules ?? table.rules).filter((r) => !ruleFilter || ruleFilter.includes(r)).flatMap((
      rule,
    ) =>
      seeds.map((seed) => {
        const recipe = cellRecipe(table, row, rule);
        const key = { row: row.name, rule, seed, epochs, recipe, samples };
        const done = finished(cells, key);
        return { row, rule, seed, recipe, key, done, ckpt: checkpointPath(checkpoints, key) };
      })
    )
  );
  if (args.flag("status")) {
    for (const { row, rule, seed, done, ckpt } of wanted) {
      const at = done ? undefined : trainingStatus(ckpt, epochs);
      const state = done
        ? `done: ${pct(done.testError)} after ${done.history.length} epochs`
        : at === undefined
        ? "to do"
        : `in training: ${at} (${ckpt})`;
      console.log(`${row.name} ${rule} seed ${seed}: ${state}`);
    }
    return;
  }
  const flushSubnormals = args.flag("flush-subnormals") || undefined;
  getBlas({ flushSubnormals }); // before any layer loads it without
  const data = loadMnist(args.get("data"));
  const trainSet = firstSamples(data.train, samples);
  for (const { row, rule, seed, recipe, key, done, ckpt } of wanted) {
    if (done) continue;
    // One process a cell: another that holds its lock trains it; one that finished it since we
    // read the table has saved it.
    using lock = lockCell(ckpt);
    if (!lock) {
      console.log(`${row.name} ${rule} seed ${seed}: in training in another process, skipped`);
      continue;
    }
    if (finished(readCells(`${out}.json`, table), key)) continue;
    const arch = parseArchitecture(row.arch, [1, 28, 28], 10, row.activation);
    const net = Network.create({
      ...arch,
      loss: table.loss,
      rule,
      init: table.init(rule, row.activation),
      firstInit: table.firstInit?.(rule),
      feedbackInit: table.feedbackInit,
      feedbackAt: row.feedbackAt,
      seed,
    });
    const resume = resumeFrom(ckpt, net, "delete it to train the cell from the start");
    if (resume) {
      console.log(
        `${row.name} ${rule} seed ${seed}: resuming after epoch ${resume.epoch} (${ckpt})`,
      );
    }
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
      resume,
      onCheckpoint: (c) => saveCheckpoint(ckpt, net, c),
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
      recipe,
      testError: history.at(-1)!.testError,
      bestTestError: Math.min(...history.map((h) => h.testError)),
      seconds: r.epochs.reduce((t, e) => t + e.seconds, 0), // over every run of the cell
      flushSubnormals,
      blasCore: getBlas().core,
      history,
    });
    removeCheckpoint(ckpt);
  }
  const md = tableMarkdown(table, cells = readCells(`${out}.json`, table), epochs);
  Deno.writeTextFileSync(`${out}.md`, md);
  console.log(`\n${md}`);
  if (args.flag("report")) {
    // One chart per row with cells of this budget under today's recipe.
    const charted = table.rows.map((row) => ({
      row,
      rowCells: cells.filter((c) =>
        c.row === row.name && c.epochs === epochs && isCurrent(table, c)
      ),
    })).filter((r) => r.rowCells.length);
    const charts = charted.map(({ row, rowCells }, i) =>
      lineChart(
        `row-${i + 1}`,
        `${row.name}: error per epoch`,
        meanCurves(rowCells),
        "epoch",
        "error (%)",
        "rule",
        "error (%)",
        false,
        "set",
      )
    );
    const title = tableTitle(table, charted.flatMap((r) => r.rowCells));
    const path = await writeReport(args.get("report-dir"), title, [], charts, md);
    console.log(`Report: ${path}`);
  }
});
