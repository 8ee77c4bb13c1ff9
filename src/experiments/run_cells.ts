// Running an experiment's cells: one after another in this process, one in a process of its own
// (what `--jobs` and a Slurm array task start), and merging the cells such processes finished
// into the results file, in the file's order, so that every way of running gives the same file.
import { loadMnist } from "../data/shipped.ts";
import { pct, secs } from "../report/format.ts";
import { RULE_NAMES } from "../model/rules/registry.ts";
import { type CellPlan, findCell, type RunOverrides } from "./cells.ts";
import { trainingStatus } from "./checkpoints.ts";
import type { Experiment } from "./experiment.ts";
import { addResults, readResults } from "./results_file.ts";
import { type Cell, isCurrent, meanCurves, tableMarkdown } from "./table_markdown.ts";
import { writeAll, writeFileAtomic } from "../io/mod.ts";
import { lineChart, writeReport } from "../report/report.ts";
import { tableTitle } from "../report/titles.ts";
import { launcherArgs } from "../cli/tasks.ts";
import {
  cellDir,
  cellFiles,
  lockCell,
  readDoneCell,
  removeCellDir,
  trainCell,
  writeDoneCell,
} from "./train_cell.ts";

/** A run of an experiment's cells. */
export interface CellRun {
  /** The experiment. */
  exp: Experiment;
  /** The cells the run asks for (`planCells`), in the file's order. */
  plans: CellPlan[];
  /** The run's directory: the results file OUT/NAME.json, its Markdown, the cells' checkpoints. */
  outDir: string;
  /** The run's overrides of the cells' recipes (`--epochs`, `--train-samples`). */
  run: RunOverrides;
  /** MNIST's file (else the shipped copy). */
  data: string;
  /** Whether BLAS runs with subnormals flushed to zero (recorded in each cell; absent: not). */
  flushSubnormals?: boolean;
  /** Where progress goes, a line at a time. */
  log: (line: string) => void;
}

/**
 * The results file of a run: OUT/NAME.json.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadExperiment } from "./mod.ts";
 * import { resultsPath } from "./run_cells.ts";
 * assertEquals(resultsPath({ outDir: "/runs", exp: loadExperiment("nokland-table1") }), "/runs/nokland-table1.json");
 * ```
 */
export const resultsPath = (r: Pick<CellRun, "outDir" | "exp">): string =>
  `${r.outDir}/${r.exp.name}.json`;

const label = (p: CellPlan) => `${p.row.name} ${RULE_NAMES[p.rule]} seed ${p.seed}`;

/**
 * Each cell's state in a line, in the plans' order: done (its test error), finished but not
 * merged, in training (its checkpoint), or to do.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { statusLines } from "./run_cells.ts";
 * assertEquals(statusLines(r), ["a BP seed 1: to do", "a BP seed 2: to do"]);
 * ```
 */
export function statusLines(r: CellRun): string[] {
  const cells = readResults(resultsPath(r), r.exp);
  return r.plans.map((p) => {
    const done = findCell(cells, p), dir = cellDir(r.outDir, r.exp.name, p);
    const waiting = readDoneCell(dir);
    const at = trainingStatus(cellFiles(dir).checkpoint, p.settings.epochs);
    const state = done
      ? `done: ${pct(done.testError)} after ${done.history.length} epochs`
      : waiting
      ? `finished, not merged yet: ${pct(waiting.testError)} (${dir})`
      : at === undefined
      ? "to do"
      : `in training: ${at} (${dir})`;
    return `${label(p)}: ${state}`;
  });
}

/**
 * Merges into the results file the cells that processes of their own finished in their
 * directories, in the order of the plans, and removes those directories.
 *
 * @returns Every cell now in the results file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { type Cell } from "./mod.ts";
 * import { cellDir, writeDoneCell } from "./train_cell.ts";
 * const done = (i: number): Cell => ({
 *   row: "a", rule: "bp", seed: r.plans[i].seed, epochs: 2, recipe: r.plans[i].text,
 *   settings: r.plans[i].settings, testError: 0.1, bestTestError: 0.1, seconds: 1,
 *   history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }, { epoch: 2, trainError: 0.1, testError: 0.1 }],
 * });
 * const finish = (i: number) => { // as a cell's own process leaves it
 *   const dir = cellDir(r.outDir, "mine", r.plans[i]);
 *   Deno.mkdirSync(dir, { recursive: true });
 *   writeDoneCell(dir, done(i));
 * };
 * import { mergeDone, statusLines, toDo } from "./run_cells.ts";
 * finish(1);
 * assertEquals(statusLines(r)[1].startsWith("a BP seed 2: finished, not merged yet: 10.00 %"), true);
 * assertEquals(mergeDone(r).map((c) => c.seed), [2]);
 * assertEquals(statusLines(r)[1], "a BP seed 2: done: 10.00 % after 2 epochs");
 * assertEquals(toDo(r).map((p) => p.seed), [1]);
 * ```
 */
export function mergeDone(r: CellRun): Cell[] {
  const saved = readResults(resultsPath(r), r.exp);
  const done = r.plans.flatMap((p) => {
    const dir = cellDir(r.outDir, r.exp.name, p), cell = readDoneCell(dir);
    return cell ? [{ dir, cell, known: findCell(saved, p) !== undefined }] : [];
  });
  const cells = done.length
    ? addResults(resultsPath(r), r.exp, done.filter((d) => !d.known).map((d) => d.cell))
    : saved;
  for (const d of done) removeCellDir(d.dir);
  return cells;
}

/**
 * The plans whose cells are in neither the results file nor a finished cell's directory.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { toDo } from "./run_cells.ts";
 * assertEquals(toDo(r), r.plans);
 * ```
 */
export function toDo(r: CellRun): CellPlan[] {
  const cells = readResults(resultsPath(r), r.exp);
  return r.plans.filter((p) =>
    !findCell(cells, p) && !readDoneCell(cellDir(r.outDir, r.exp.name, p))
  );
}

function train(r: CellRun, p: CellPlan, dir: string, data: ReturnType<typeof loadMnist>): Cell {
  return trainCell(p, dir, {
    data,
    flushSubnormals: r.flushSubnormals,
    onResume: (epoch, file) => r.log(`${label(p)}: resuming after epoch ${epoch} (${file})`),
    onEpoch: (e, train, test, s) =>
      r.log(
        `${label(p)} epoch ${e}/${p.settings.epochs}: train ${pct(train)}, test ${pct(test)} (${
          secs(s)
        })`,
      ),
  });
}

/**
 * Trains the cells not done, one after another, adding each to the results file as it finishes
 * (MNIST is read only when there is a cell to train). A cell another process holds the lock of is
 * skipped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { type Cell } from "./mod.ts";
 * import { cellDir, writeDoneCell } from "./train_cell.ts";
 * const done = (i: number): Cell => ({
 *   row: "a", rule: "bp", seed: r.plans[i].seed, epochs: 2, recipe: r.plans[i].text,
 *   settings: r.plans[i].settings, testError: 0.1, bestTestError: 0.1, seconds: 1,
 *   history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }, { epoch: 2, trainError: 0.1, testError: 0.1 }],
 * });
 * const finish = (i: number) => { // as a cell's own process leaves it
 *   const dir = cellDir(r.outDir, "mine", r.plans[i]);
 *   Deno.mkdirSync(dir, { recursive: true });
 *   writeDoneCell(dir, done(i));
 * };
 * import { mergeDone, trainInTurn } from "./run_cells.ts";
 * finish(0);
 * finish(1);
 * assertEquals(mergeDone(r).length, 2);
 * trainInTurn(r); // every cell is done: nothing read, nothing trained
 * assertEquals(mergeDone(r).length, 2);
 * ```
 */
export function trainInTurn(r: CellRun): void {
  const plans = toDo(r);
  if (!plans.length) return;
  const data = loadMnist(r.data);
  for (const p of plans) {
    const dir = cellDir(r.outDir, r.exp.name, p);
    using lock = lockCell(dir);
    if (!lock) {
      r.log(`${label(p)}: in training in another process, skipped`);
      continue;
    }
    if (findCell(readResults(resultsPath(r), r.exp), p)) continue; // finished there meanwhile
    const cell = train(r, p, dir, data);
    addResults(resultsPath(r), r.exp, [cell]);
    removeCellDir(dir);
  }
}

/**
 * Trains the one cell `id` in its directory and leaves it there finished (`cell.json`), for the
 * run that merges the cells; nothing else is written. Does nothing when the cell is done.
 *
 * @throws {RangeError} When no planned cell has that id.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { trainOne } from "./run_cells.ts";
 * assertThrows(() => trainOne(r, "nope"), RangeError, "Cannot train the cell nope: the run plans no cell of that id");
 * ```
 */
export function trainOne(r: CellRun, id: string): void {
  const p = r.plans.find((q) => q.id === id);
  if (!p) throw new RangeError(`Cannot train the cell ${id}: the run plans no cell of that id`);
  const dir = cellDir(r.outDir, r.exp.name, p);
  if (findCell(readResults(resultsPath(r), r.exp), p) || readDoneCell(dir)) return;
  using lock = lockCell(dir);
  if (!lock) return r.log(`${label(p)}: in training in another process, skipped`);
  writeDoneCell(dir, train(r, p, dir, loadMnist(r.data)));
}

/**
 * Trains the cells not done, `jobs` at a time, each in a process `command(id)` starts (it calls
 * {@linkcode trainOne}); then merges them in the file's order.
 *
 * @returns The cells whose process failed, with its exit code.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { type Cell } from "./mod.ts";
 * import { cellDir, writeDoneCell } from "./train_cell.ts";
 * const done = (i: number): Cell => ({
 *   row: "a", rule: "bp", seed: r.plans[i].seed, epochs: 2, recipe: r.plans[i].text,
 *   settings: r.plans[i].settings, testError: 0.1, bestTestError: 0.1, seconds: 1,
 *   history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }, { epoch: 2, trainError: 0.1, testError: 0.1 }],
 * });
 * const finish = (i: number) => { // as a cell's own process leaves it
 *   const dir = cellDir(r.outDir, "mine", r.plans[i]);
 *   Deno.mkdirSync(dir, { recursive: true });
 *   writeDoneCell(dir, done(i));
 * };
 * import { trainInProcesses } from "./run_cells.ts";
 * finish(0);
 * finish(1);
 * const started: string[] = [];
 * const command = (id: string) => (started.push(id), new Deno.Command("false"));
 * assertEquals(await trainInProcesses(r, 2, command), []);
 * assertEquals(started, []); // both cells were finished: merged, none started
 * ```
 */
export async function trainInProcesses(
  r: CellRun,
  jobs: number,
  command: (id: string) => Deno.Command,
): Promise<{ plan: CellPlan; code: number }[]> {
  const queue = toDo(r), failed: { plan: CellPlan; code: number }[] = [];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const { code } = await command(p.id).spawn().status;
      if (code !== 0) failed.push({ plan: p, code });
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  mergeDone(r);
  return failed;
}

/**
 * Writes the Markdown tables of the results file beside it (OUT/NAME.md), and with `reportDir`
 * the HTML report of the mean curves (one chart per row with cells of this run's budget).
 *
 * @returns The Markdown, and the report's path.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./run_cells.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   seeds: [1, 2],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const r: CellRun = {
 *   exp, plans: planCells(exp), outDir: Deno.makeTempDirSync(), run: {}, data: "/no/mnist.npz", log: () => {},
 * };
 * import { type Cell } from "./mod.ts";
 * import { cellDir, writeDoneCell } from "./train_cell.ts";
 * const done = (i: number): Cell => ({
 *   row: "a", rule: "bp", seed: r.plans[i].seed, epochs: 2, recipe: r.plans[i].text,
 *   settings: r.plans[i].settings, testError: 0.1, bestTestError: 0.1, seconds: 1,
 *   history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }, { epoch: 2, trainError: 0.1, testError: 0.1 }],
 * });
 * const finish = (i: number) => { // as a cell's own process leaves it
 *   const dir = cellDir(r.outDir, "mine", r.plans[i]);
 *   Deno.mkdirSync(dir, { recursive: true });
 *   writeDoneCell(dir, done(i));
 * };
 * import { mergeDone, writeTables } from "./run_cells.ts";
 * finish(0);
 * mergeDone(r);
 * const { markdown, report } = await writeTables(r);
 * assertStringIncludes(markdown, "| a |");
 * assertEquals([Deno.readTextFileSync(`${r.outDir}/mine.md`), report], [markdown, undefined]);
 * ```
 */
export async function writeTables(
  r: CellRun,
  reportDir?: string,
): Promise<{ markdown: string; report?: string }> {
  const cells = readResults(resultsPath(r), r.exp);
  const epochs = r.run.epochs ?? r.plans[0]?.settings.epochs ?? r.exp.recipe.epochs;
  const markdown = tableMarkdown(r.exp, cells, epochs, r.run);
  const md = `${r.outDir}/${r.exp.name}.md`;
  writeFileAtomic(md, (f) => writeAll(f, new TextEncoder().encode(markdown)));
  if (reportDir === undefined) return { markdown };
  const charted = r.exp.rows.map((row) =>
    cells.filter((c) => c.row === row.name && c.epochs === epochs && isCurrent(r.exp, c, r.run))
  );
  const charts = charted.flatMap((rowCells, i) =>
    rowCells.length
      ? [lineChart(
        `row-${i + 1}`,
        `${r.exp.rows[i].name}: error per epoch`,
        meanCurves(rowCells),
        "epoch",
        "error (%)",
        "rule",
        "error (%)",
        false,
        "set",
      )]
      : []
  );
  const title = tableTitle(r.exp, charted.flat());
  return { markdown, report: await writeReport(reportDir, title, [], charts, markdown) };
}

/**
 * What starts one cell's process for {@linkcode trainInProcesses}: this run's arguments (`args`,
 * without `--jobs`) with `--cell ID`, through the launcher, as `deno task reproduce` runs; each
 * process gets its share of the cores for OpenBLAS, unless DFA_THREADS is set. Nothing starts
 * until the command is spawned.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cellProcess } from "./run_cells.ts";
 * const command = cellProcess(["nokland-table1", "--jobs", "2"], 2);
 * assertEquals(command("1_800_tanh-dfa-seed1-0123abcd") instanceof Deno.Command, true);
 * ```
 */
export function cellProcess(args: string[], jobs: number): (id: string) => Deno.Command {
  const own = args.filter((a, i) => !/^--jobs(=|$)/.test(a) && args[i - 1] !== "--jobs");
  const threads = String(Math.max(1, Math.floor(navigator.hardwareConcurrency / jobs)));
  return (id) =>
    new Deno.Command("deno", {
      args: launcherArgs("reproduce", [...own, "--cell", id]),
      env: Deno.env.get("DFA_THREADS") ? {} : { DFA_THREADS: threads },
    });
}
