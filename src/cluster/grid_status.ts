// Where an experiment's run on Slurm stands: each cell (from Slurm and the files its array task
// leaves) and the finish job; and following a run to its end.
import { CommandError } from "../cli/options.ts";
import { readDoneCell } from "../experiments/train_cell.ts";
import { type CellPlan, findCell } from "../experiments/cells.ts";
import type { Experiment } from "../experiments/experiment.ts";
import { readResults } from "../experiments/results_file.ts";
import { gridFiles, type GridPlan } from "./grid_jobs.ts";
import { jobRecords } from "./queue.ts";
import { followJobs } from "./follow.ts";

/** A run on Slurm as saved: its plan and its jobs. */
export interface GridRun {
  /** What was submitted. */
  plan: GridPlan;
  /** The Slurm job ids: the job array's (absent when every cell was done) and the finish job's. */
  jobs: { array?: string; finish?: string };
}

/** Where a cell, or the finish job, stands. */
export interface GridJobStatus {
  /**
   * "done" (the cell finished, or the results are merged), "queued" (pending or running),
   * "failed" (ended without its result) or "missing" (neither in the queue nor done).
   */
  state: "done" | "queued" | "failed" | "missing";
  /** What Slurm or the job said: "RUNNING", "exit code 1", "CANCELLED (DependencyNeverSatisfied)". */
  detail: string;
  /** The job's log file. */
  log: string;
}

const QUEUED = new Set(["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING"]);

function exitCode(path: string): number | undefined {
  try {
    return Number(Deno.readTextFileSync(path).trim());
  } catch {
    return undefined;
  }
}

function jobStatus(
  done: boolean,
  record: { state: string; reason: string; exitCode: string } | undefined,
  code: number | undefined,
  log: string,
): GridJobStatus {
  if (done) return { state: "done", detail: "done", log };
  if (record && QUEUED.has(record.state)) return { state: "queued", detail: record.state, log };
  if (code !== undefined && code !== 0) {
    return { state: "failed", detail: `exit code ${code}`, log };
  }
  if (record) {
    const why = record.reason && record.reason !== "None" ? ` (${record.reason})` : "";
    return { state: "failed", detail: `${record.state}${why}`, log };
  }
  return code === 0
    ? { state: "failed", detail: "ended without its cell", log }
    : { state: "missing", detail: "not in the queue", log };
}

/**
 * The saved run of the experiment `name` in OUT (OUT/slurm-NAME/run.json), if any.
 *
 * @throws {CommandError} When the file is there but cannot be read or is not JSON.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readGridRun } from "./grid_status.ts";
 * const outDir = Deno.makeTempDirSync();
 * assertEquals(readGridRun(outDir, "mine"), undefined);
 * Deno.mkdirSync(`${outDir}/slurm-mine`);
 * Deno.writeTextFileSync(`${outDir}/slurm-mine/run.json`, JSON.stringify({ plan: { name: "mine" }, jobs: { finish: "12" } }));
 * assertEquals(readGridRun(outDir, "mine")?.jobs, { finish: "12" });
 * ```
 */
export function readGridRun(outDir: string, name: string): GridRun | undefined {
  const path = gridFiles({ outDir, name }).plan;
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CommandError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * Each cell's status (in the plan's order) and the finish job's: from the results file, the
 * cells' directories and exit files, and what `squeue`/`sacct` say of the run's jobs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "../experiments/mod.ts";
 * import type { GridRun } from "./grid_status.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const plans = planCells(exp), outDir = Deno.makeTempDirSync();
 * const run: GridRun = {
 *   plan: {
 *     name: "mine", experiment: "/p/experiments/mine.json", project: "/p", data: "/p/data/mnist.npz",
 *     outDir, library: "/usr/lib/libopenblas.so", runArgs: [], cells: plans.map((p) => p.id), sbatch: [],
 *   },
 *   jobs: {}, // none submitted: Slurm is not asked
 * };
 * import { gridStatus } from "./grid_status.ts";
 * const st = gridStatus(exp, plans, run);
 * assertEquals(st.cells.map((c) => [c.state, c.detail]), [["missing", "not in the queue"], ["missing", "not in the queue"]]);
 * assertEquals(st.finish.log, `${outDir}/slurm-mine/logs/finish.log`);
 * Deno.mkdirSync(`${outDir}/slurm-mine`);
 * Deno.writeTextFileSync(`${outDir}/slurm-mine/cell-2.exit`, "1\n");
 * assertEquals(gridStatus(exp, plans, run).cells[1].detail, "exit code 1");
 * ```
 */
export function gridStatus(
  exp: Experiment,
  plans: CellPlan[],
  run: GridRun,
): { cells: GridJobStatus[]; finish: GridJobStatus } {
  // Slurm first, the files after: a job Slurm calls ended has left its files by then, whereas
  // files read first may be those of a job that ends just before Slurm is asked.
  const records = run.jobs.array ? jobRecords(run.jobs.array) : [];
  const record = run.jobs.finish ? jobRecords(run.jobs.finish)[0] : undefined;
  const f = gridFiles(run.plan), saved = readResults(f.results, exp);
  const cells = plans.map((p, i) => {
    const k = i + 1, record = records.find((r) => r.tasks.includes(k));
    const done = findCell(saved, p) !== undefined || readDoneCell(f.cellDir(p.id)) !== undefined;
    return jobStatus(done, record, exitCode(f.cellExit(k)), f.cellLog(k));
  });
  const merged = plans.every((p) => findCell(saved, p)) && exitCode(f.finishExit) === 0;
  return { cells, finish: jobStatus(merged, record, exitCode(f.finishExit), f.finishLog) };
}

/**
 * Reports a run (a line each time its counts change), and with `wait` follows it to its end,
 * asking again every `poll` seconds.
 *
 * @throws {CommandError} When it ended without its results, naming each failed cell and its log.
 *
 * @example
 * ```ts
 * import { assertEquals, assertRejects } from "@std/assert";
 * import { parseExperiment, planCells } from "../experiments/mod.ts";
 * import type { GridRun } from "./grid_status.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp", "dfa"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const plans = planCells(exp), outDir = Deno.makeTempDirSync();
 * const run: GridRun = {
 *   plan: {
 *     name: "mine", experiment: "/p/experiments/mine.json", project: "/p", data: "/p/data/mnist.npz",
 *     outDir, library: "/usr/lib/libopenblas.so", runArgs: [], cells: plans.map((p) => p.id), sbatch: [],
 *   },
 *   jobs: {}, // none submitted: Slurm is not asked
 * };
 * import { CommandError } from "../cli/options.ts";
 * import { followGrid } from "./grid_status.ts";
 * const lines: string[] = [];
 * await assertRejects(() => followGrid(exp, plans, run, false, 1, (l) => lines.push(l)), CommandError, "did not finish");
 * assertEquals(lines, ["cells: 2 missing; finish: not in the queue"]);
 * ```
 */
export function followGrid(
  exp: Experiment,
  plans: CellPlan[],
  run: GridRun,
  wait: boolean,
  poll: number,
  log: (line: string) => void,
): Promise<void> {
  const f = gridFiles(run.plan);
  return followJobs(
    {
      status: () => {
        const st = gridStatus(exp, plans, run);
        return { parts: st.cells, finish: st.finish };
      },
      names: ["cells", "finish"],
      partName: (i) => `cell ${i + 1} (${plans[i].id})`,
      finishName: "the finish job",
      done: () => [`Done: ${f.results}, ${f.markdown}, ${f.report}`],
      rerun: "(only the cells not done are resubmitted)",
      dir: f.slurm,
    },
    wait,
    poll,
    log,
  );
}
