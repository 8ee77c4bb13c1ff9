// A run of an experiment's cells as its files show it: the results file, each cell's directory
// (a checkpoint in training, a finished cell not merged yet); what is done, what is left, and
// merging the cells that processes of their own finished, in the file's order, so that every way
// of running gives the same file.
import { pct } from "../report/format.ts";
import { RULE_NAMES } from "../model/rules/registry.ts";
import { type CellPlan, findCell } from "./cells.ts";
import type { RunOverrides } from "./cell_settings.ts";
import { trainingStatus } from "./checkpoints.ts";
import type { Experiment } from "./experiment.ts";
import { addResults, readResults } from "./results_file.ts";
import type { Cell } from "./table_markdown.ts";
import { cellDir, cellFiles, readDoneCell, removeCellDir } from "./train_cell.ts";

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
 * import { resultsPath } from "./mod.ts";
 * assertEquals(resultsPath({ outDir: "/runs", exp: loadExperiment("nokland-table1") }), "/runs/nokland-table1.json");
 * ```
 */
export const resultsPath = (r: Pick<CellRun, "outDir" | "exp">): string =>
  `${r.outDir}/${r.exp.name}.json`;

/**
 * A cell's name in progress lines: its row, rule and seed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cellLabel, loadExperiment, planCells } from "./mod.ts";
 * const [plan] = planCells(loadExperiment("nokland-table1"), { only: "1×800 tanh", rules: ["dfa"] });
 * assertEquals(cellLabel(plan), "1×800 tanh DFA seed 1");
 * ```
 */
export const cellLabel = (p: CellPlan): string =>
  `${p.row.name} ${RULE_NAMES[p.rule]} seed ${p.seed}`;

/**
 * Each cell's state in a line, in the plans' order: done (its test error), finished but not
 * merged, in training (its checkpoint), or to do.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { type CellRun } from "./mod.ts";
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
 * import { statusLines } from "./mod.ts";
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
    return `${cellLabel(p)}: ${state}`;
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
 * import { type CellRun } from "./mod.ts";
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
 * import { mergeDone, statusLines, toDo } from "./mod.ts";
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
 * import { type CellRun } from "./mod.ts";
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
 * import { toDo } from "./mod.ts";
 * assertEquals(toDo(r), r.plans);
 * ```
 */
export function toDo(r: CellRun): CellPlan[] {
  const cells = readResults(resultsPath(r), r.exp);
  return r.plans.filter((p) =>
    !findCell(cells, p) && !readDoneCell(cellDir(r.outDir, r.exp.name, p))
  );
}
