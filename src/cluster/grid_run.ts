// An experiment on Slurm: submitting the cells not done as a job array and the finish job after
// it (afterok, --kill-on-invalid-dep=yes), where each cell stands (from Slurm and the files the
// jobs leave), and following a run to its end.
import { CommandError, UsageError } from "../cli/options.ts";
import { readDoneCell } from "../experiments/train_cell.ts";
import { type CellPlan, findCell, planCells } from "../experiments/cells.ts";
import { type Experiment, ExperimentFileError } from "../experiments/experiment.ts";
import { EXPERIMENTS_DIR, loadExperiment, readResults } from "../experiments/results_file.ts";
import { resolve } from "npm:deno-std@1.4.0/path/mod.js";
import { DEFAULT_MNIST } from "../data/shipped.ts";
import { gridCellScript, gridFiles, gridFinishScript, type GridPlan, jobLog } from "./grid_jobs.ts";
import { jobRecords, submit } from "./queue.ts";

/** A run on Slurm as saved: its plan and its jobs. */
export interface GridRun {
  plan: GridPlan;
  jobs: { array?: string; finish?: string };
}

/** Where a cell, or the finish job, stands. */
export interface GridJobStatus {
  state: "done" | "queued" | "failed" | "missing";
  /** What Slurm or the job said: "RUNNING", "exit code 1", "CANCELLED (DependencyNeverSatisfied)". */
  detail: string;
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

/** The saved run in OUT, if any. */
export function readGridRun(outDir: string, name: string): GridRun | undefined {
  const path = gridFiles({ outDir, name }).plan;
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CommandError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Each cell's status (in the plan's order) and the finish job's. */
export function gridStatus(
  exp: Experiment,
  plans: CellPlan[],
  run: GridRun,
): { cells: GridJobStatus[]; finish: GridJobStatus } {
  const f = gridFiles(run.plan), saved = readResults(f.results, exp);
  const records = run.jobs.array ? jobRecords(run.jobs.array) : [];
  const cells = plans.map((p, i) => {
    const k = i + 1, record = records.find((r) => r.tasks.includes(k));
    const done = findCell(saved, p) !== undefined || readDoneCell(f.cellDir(p.id)) !== undefined;
    return jobStatus(done, record, exitCode(f.cellExit(k)), f.cellLog(k));
  });
  const merged = plans.every((p) => findCell(saved, p)) && exitCode(f.finishExit) === 0;
  const record = run.jobs.finish ? jobRecords(run.jobs.finish)[0] : undefined;
  return { cells, finish: jobStatus(merged, record, exitCode(f.finishExit), f.finishLog) };
}

/** What makes two submissions the same run (site options may change between them). */
const identity = (p: GridPlan) =>
  JSON.stringify([p.name, p.experiment, p.data, p.runArgs, p.cells]);

/**
 * Submits the cells not done (array task K trains `plans[K - 1]`) and the finish job after them;
 * writes the job scripts and OUT/slurm-NAME/run.json.
 *
 * @returns The run, or undefined when every cell is merged already.
 * @throws {UsageError} When OUT holds another run of this experiment.
 * @throws {CommandError} When the run is still in the queue, or sbatch refuses a job.
 */
export function submitGrid(
  exp: Experiment,
  plans: CellPlan[],
  plan: GridPlan,
  log: (line: string) => void,
): GridRun | undefined {
  if (plan.outDir.includes("%")) {
    throw new UsageError(
      `--out-dir cannot hold a '%' (Slurm reads it in log names): ${plan.outDir}`,
    );
  }
  const saved = readGridRun(plan.outDir, plan.name), f = gridFiles(plan);
  if (saved && identity(saved.plan) !== identity(plan)) {
    throw new UsageError(
      `${f.slurm} holds another run of ${plan.name} (${
        saved.plan.runArgs.join(" ") || "all cells"
      }` +
        `): give another --out-dir`,
    );
  }
  if (saved) {
    const st = gridStatus(exp, plans, saved);
    if ([...st.cells, st.finish].some((s) => s.state === "queued")) {
      throw new CommandError(
        `Cannot submit: this run is still in the queue (jobs ${
          Object.values(saved.jobs).join(", ")
        })`,
      );
    }
  }
  const st = gridStatus(exp, plans, { plan, jobs: {} });
  if (st.finish.state === "done") return undefined;
  const missing = st.cells.flatMap((s, i) => (s.state === "done" ? [] : [i + 1]));
  Deno.mkdirSync(`${f.slurm}/logs`, { recursive: true });
  for (const k of missing) Deno.mkdirSync(f.cellDir(plans[k - 1].id), { recursive: true });
  Deno.writeTextFileSync(f.cellScript, gridCellScript(plan), { mode: 0o755 });
  Deno.writeTextFileSync(f.finishScript, gridFinishScript(plan), { mode: 0o755 });
  for (const stale of [...missing.map(f.cellExit), f.finishExit]) {
    try {
      Deno.removeSync(stale);
    } catch { /* none */ }
  }
  const jobs: GridRun["jobs"] = {};
  if (missing.length) {
    jobs.array = submit(f.cellScript, [
      `--array=${missing.join(",")}`,
      `--output=${jobLog(plan, "cell")}`,
    ]);
  }
  jobs.finish = submit(f.finishScript, [
    `--output=${jobLog(plan, "finish")}`,
    ...(jobs.array ? [`--dependency=afterok:${jobs.array}`, "--kill-on-invalid-dep=yes"] : []),
  ]);
  Deno.writeTextFileSync(f.plan, JSON.stringify({ plan, jobs }, null, 1) + "\n");
  if (jobs.array) {
    log(
      `Submitted job array ${jobs.array} (cells ${missing.join(", ")} of ${plans.length}; ${
        plans.length - missing.length
      } already done); logs ${f.cellLog("K")}`,
    );
  }
  log(
    `Submitted job ${jobs.finish} (merge, table and report), after the array; log ${f.finishLog}`,
  );
  return { plan, jobs };
}

const lastLine = (path: string) => {
  try {
    return Deno.readTextFileSync(path).trim().split("\n").at(-1) ?? "";
  } catch {
    return "(no log)";
  }
};

/**
 * Reports a run, and with `wait` follows it to its end.
 *
 * @throws {CommandError} When it ended without its results, naming each failed cell and its log.
 */
export async function followGrid(
  exp: Experiment,
  plans: CellPlan[],
  run: GridRun,
  wait: boolean,
  poll: number,
  log: (line: string) => void,
): Promise<void> {
  let last = "";
  for (;;) {
    const st = gridStatus(exp, plans, run);
    const counts = (["done", "queued", "failed", "missing"] as const).flatMap((k) => {
      const c = st.cells.filter((s) => s.state === k).length;
      return c ? [`${c} ${k === "queued" ? "queued or running" : k}`] : [];
    });
    const line = `cells: ${counts.join(", ")}; finish: ${st.finish.detail}`;
    if (line !== last) log(line), last = line;
    const busy = [...st.cells, st.finish].some((s) => s.state === "queued");
    if (wait && busy) {
      await new Promise((r) => setTimeout(r, poll * 1000));
      continue;
    }
    st.cells.forEach((s, i) => {
      if (s.state === "failed") {
        log(`cell ${i + 1} (${plans[i].id}) failed: ${s.detail}; log ${s.log}: ${lastLine(s.log)}`);
      }
    });
    const f = gridFiles(run.plan);
    if (st.finish.state === "done") return log(`Done: ${f.results}, ${f.markdown}, ${f.report}`);
    if (st.finish.state === "failed" && !st.cells.some((s) => s.state === "failed")) {
      log(
        `the finish job failed: ${st.finish.detail}; log ${f.finishLog}: ${lastLine(f.finishLog)}`,
      );
    }
    if (busy && !wait) return;
    throw new CommandError(
      `the run in ${f.slurm} did not finish; fix what failed and run the same command again ` +
        "(only the cells not done are resubmitted)",
    );
  }
}

/** What `deno task slurm reproduce FILE` is given. */
export interface GridRequest {
  /** The experiment file or name. */
  file: string;
  /** Absolute paths: the project, MNIST, the run's directory, OpenBLAS on the nodes. */
  project: string;
  data: string;
  outDir: string;
  library: string;
  sbatch: string[];
  only?: string;
  rules?: string;
  seeds?: string;
  epochs?: number;
  trainSamples?: number;
}

/** The experiment and its cells a run's options pick (`runArgs` as a request makes them). */
export function gridCells(file: string, runArgs: string[]): { exp: Experiment; plans: CellPlan[] } {
  const o = new Map<string, string>();
  for (let i = 0; i < runArgs.length; i += 2) o.set(runArgs[i].slice(2), runArgs[i + 1]);
  const list = (k: string) => o.get(k)?.split(",").map((s) => s.trim());
  for (const k of ["rules", "seeds"]) {
    if (list(k)?.some((s) => s === "")) {
      throw new UsageError(`--${k} has an empty item: ${o.get(k)}`);
    }
  }
  if (list("seeds")?.some((s) => !/^\d+$/.test(s))) {
    throw new UsageError(`--seeds must be whole numbers ≥ 0: ${o.get("seeds")}`);
  }
  try {
    const exp = loadExperiment(file);
    const plans = planCells(
      exp,
      { only: o.get("only"), rules: list("rules"), seeds: list("seeds")?.map(Number) },
      {
        epochs: o.has("epochs") ? Number(o.get("epochs")) : undefined,
        trainSamples: o.has("train-samples") ? Number(o.get("train-samples")) : undefined,
      },
    );
    return { exp, plans };
  } catch (error) {
    if (error instanceof ExperimentFileError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Submits an experiment's cells not done (`deno task slurm reproduce FILE`), and with `wait`
 * follows the run to its end.
 */
export async function reproduceOnSlurm(
  r: GridRequest,
  wait: boolean,
  poll: number,
  log: (line: string) => void,
): Promise<void> {
  const runArgs = [
    ...(["only", "rules", "seeds"] as const).flatMap((k) =>
      r[k] === undefined ? [] : [`--${k}`, r[k]!]
    ),
    ...(r.epochs === undefined ? [] : ["--epochs", String(r.epochs)]),
    ...(r.trainSamples === undefined ? [] : ["--train-samples", String(r.trainSamples)]),
  ];
  const { exp, plans } = gridCells(r.file, runArgs);
  // The default MNIST path stands for the shipped copy until create-dataset writes it.
  let data = r.data;
  try {
    Deno.statSync(data);
  } catch {
    if (data !== resolve(DEFAULT_MNIST)) throw new UsageError(`cannot find --data: ${data}`);
    data = DEFAULT_MNIST; // read from the project's directory, where each job runs
  }
  const experiment = resolve(
    /[/\\]|\.json$/.test(r.file) ? r.file : `${EXPERIMENTS_DIR}/${r.file}.json`,
  );
  const plan: GridPlan = {
    name: exp.name,
    experiment,
    project: r.project,
    data,
    outDir: r.outDir,
    library: r.library,
    runArgs,
    cells: plans.map((p) => p.id),
    sbatch: r.sbatch,
  };
  const run = submitGrid(exp, plans, plan, log);
  if (!run) return log(`Already done: ${gridFiles(plan).results}`);
  log(`Follow it: deno task slurm status --out-dir ${r.outDir} --wait`);
  if (wait) await followGrid(exp, plans, run, true, poll, log);
}

/**
 * `deno task slurm status` for the experiment runs in OUT (OUT/slurm-NAME/run.json).
 *
 * @returns Whether OUT holds any.
 */
export async function gridStatusCommand(
  outDir: string,
  wait: boolean,
  poll: number,
  log: (line: string) => void,
): Promise<boolean> {
  let names: string[];
  try {
    names = [...Deno.readDirSync(outDir)].filter((e) =>
      e.isDirectory && e.name.startsWith("slurm-")
    )
      .map((e) => e.name.slice("slurm-".length)).sort();
  } catch {
    return false;
  }
  const runs = names.flatMap((n) => readGridRun(outDir, n) ?? []);
  for (const run of runs) {
    const { exp, plans } = gridCells(run.plan.experiment, run.plan.runArgs);
    log(`${run.plan.name}:`);
    await followGrid(exp, plans, run, wait, poll, log);
  }
  return runs.length > 0;
}
