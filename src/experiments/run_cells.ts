// Training an experiment's cells: one after another in this process, or each in a process of its
// own (what `--jobs` and a Slurm array task start), which `mergeDone` then adds to the results file.
import { loadMnist } from "../data/shipped.ts";
import { pct, secs } from "../report/format.ts";
import { launcherArgs } from "../cli/tasks.ts";
import { type CellPlan, findCell } from "./cells.ts";
import { cellLabel, type CellRun, mergeDone, resultsPath, toDo } from "./cell_run.ts";
import { addResults, readResults } from "./results_file.ts";
import type { Cell } from "./table_markdown.ts";
import {
  cellDir,
  lockCell,
  readDoneCell,
  removeCellDir,
  trainCell,
  writeDoneCell,
} from "./train_cell.ts";

function train(r: CellRun, p: CellPlan, dir: string, data: ReturnType<typeof loadMnist>): Cell {
  return trainCell(p, dir, {
    data,
    flushSubnormals: r.flushSubnormals,
    onResume: (epoch, file) => r.log(`${cellLabel(p)}: resuming after epoch ${epoch} (${file})`),
    onEpoch: (e, train, test, s) =>
      r.log(
        `${cellLabel(p)} epoch ${e}/${p.settings.epochs}: train ${pct(train)}, test ${pct(test)} (${
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
 * import { mergeDone, trainInTurn } from "./mod.ts";
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
      r.log(`${cellLabel(p)}: in training in another process, skipped`);
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
 * import { trainOne } from "./mod.ts";
 * assertThrows(() => trainOne(r, "nope"), RangeError, "Cannot train the cell nope: the run plans no cell of that id");
 * ```
 */
export function trainOne(r: CellRun, id: string): void {
  const p = r.plans.find((q) => q.id === id);
  if (!p) throw new RangeError(`Cannot train the cell ${id}: the run plans no cell of that id`);
  const dir = cellDir(r.outDir, r.exp.name, p);
  if (findCell(readResults(resultsPath(r), r.exp), p) || readDoneCell(dir)) return;
  using lock = lockCell(dir);
  if (!lock) return r.log(`${cellLabel(p)}: in training in another process, skipped`);
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
 * import { trainInProcesses } from "./mod.ts";
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
 * What starts one cell's process for {@linkcode trainInProcesses}: this run's arguments (`args`,
 * without `--jobs`) with `--cell ID`, through the launcher, as `deno task reproduce` runs; each
 * process gets its share of the cores for OpenBLAS, unless DFA_THREADS is set. Nothing starts
 * until the command is spawned.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cellProcess } from "./mod.ts";
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
