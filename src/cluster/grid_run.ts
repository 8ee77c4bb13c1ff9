// An experiment on Slurm: submitting the cells not done as a job array and the finish job after
// it (afterok, --kill-on-invalid-dep=yes); `deno task slurm reproduce` and `status` for such runs.
import { CommandError, UsageError } from "../cli/options.ts";
import { type CellPlan, parseSelection, planCells } from "../experiments/cells.ts";
import { type Experiment, ExperimentFileError } from "../experiments/experiment.ts";
import { EXPERIMENTS_DIR, loadExperiment } from "../experiments/results_file.ts";
import { resolve } from "npm:deno-std@1.4.0/path/mod.js";
import { DEFAULT_MNIST } from "../data/shipped.ts";
import { gridCellScript, gridFiles, gridFinishScript, type GridPlan, jobLog } from "./grid_jobs.ts";
import { submit } from "./queue.ts";
import { followGrid, type GridRun, gridStatus, readGridRun } from "./grid_status.ts";

/** What makes two submissions the same run (site options may change between them). */
const identity = (p: GridPlan) =>
  JSON.stringify([p.name, p.experiment, p.data, p.runArgs, p.cells]);

/**
 * Submits the cells not done (array task K trains `plans[K - 1]`) and the finish job after them;
 * writes the job scripts and OUT/slurm-NAME/run.json.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { UsageError } from "../cli/options.ts";
 * import { loadExperiment, planCells } from "../experiments/mod.ts";
 * import { submitGrid } from "./grid_run.ts";
 * const exp = loadExperiment("nokland-table1"), plans = planCells(exp, { only: "1×800 tanh" });
 * const plan = {
 *   name: exp.name, experiment: "/p/experiments/nokland-table1.json", project: "/p",
 *   data: "/p/data/mnist.npz", outDir: "/runs/100%", library: "/usr/lib/libopenblas.so",
 *   runArgs: ["--only", "1×800 tanh"], cells: plans.map((p) => p.id), sbatch: [],
 * };
 * assertThrows(() => submitGrid(exp, plans, plan, () => {}), UsageError, "--out-dir cannot hold a '%'");
 * ```
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

/** What `deno task slurm reproduce FILE` is given. */
export interface GridRequest {
  /** The experiment file or name. */
  file: string;
  /** The project's directory, where each job runs (an absolute path). */
  project: string;
  /** MNIST's file (an absolute path; the default path stands for the shipped copy). */
  data: string;
  /** The run's directory (an absolute path, without '%'). */
  outDir: string;
  /** OpenBLAS's library on the nodes (an absolute path). */
  library: string;
  /** `#SBATCH` options of both jobs, each one `--option[=value]` word (`--partition=…`). */
  sbatch: string[];
  /** `--only`: the row of that name, else the rows whose names contain it (absent: all). */
  only?: string;
  /** `--rules`, comma-separated (absent: each row's). */
  rules?: string;
  /** `--seeds`, comma-separated whole numbers (absent: the file's). */
  seeds?: string;
  /** `--epochs`: the budget of every cell (absent: each recipe's). */
  epochs?: number;
  /** `--train-samples`: train on the first N training images (absent: all). */
  trainSamples?: number;
}

/**
 * The experiment and its cells a run's options pick (`runArgs` as a request makes them: pairs of
 * `--only`, `--rules`, `--seeds`, `--epochs`, `--train-samples` and a value).
 *
 * @throws {UsageError} When the experiment or the options pick no valid cells.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { UsageError } from "../cli/options.ts";
 * import { gridCells } from "./grid_run.ts";
 * const { exp, plans } = gridCells("nokland-table1", ["--only", "1×800 tanh", "--rules", "dfa", "--seeds", "1", "--epochs", "3"]);
 * assertEquals([exp.name, plans.length, plans[0].rule, plans[0].settings.epochs], ["nokland-table1", 1, "dfa", 3]);
 * assertThrows(() => gridCells("nokland-table1", ["--only", "no such row"]), UsageError, "no such row");
 * ```
 */
export function gridCells(file: string, runArgs: string[]): { exp: Experiment; plans: CellPlan[] } {
  const o = new Map<string, string>();
  for (let i = 0; i < runArgs.length; i += 2) o.set(runArgs[i].slice(2), runArgs[i + 1]);
  try {
    const exp = loadExperiment(file);
    const plans = planCells(
      exp,
      parseSelection(o.get("only"), o.get("rules"), o.get("seeds")),
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
 * follows the run to its end, asking every `poll` seconds.
 *
 * @throws {UsageError} When the options pick no valid cells, `data` is missing, or OUT holds
 *   another run of the experiment.
 * @throws {CommandError} When the run is still in the queue, sbatch refuses a job, or a followed
 *   run ends without its results.
 *
 * @example
 * ```ts
 * import { assertRejects } from "@std/assert";
 * import { UsageError } from "../cli/options.ts";
 * import { reproduceOnSlurm } from "./grid_run.ts";
 * const outDir = Deno.makeTempDirSync();
 * const request = {
 *   file: "nokland-table1", project: Deno.cwd(), data: "/no/such/mnist.npz", outDir,
 *   library: "/usr/lib/libopenblas.so", sbatch: [], only: "1×800 tanh",
 * };
 * await assertRejects(
 *   () => reproduceOnSlurm(request, false, 30, () => {}),
 *   UsageError,
 *   "cannot find --data: /no/such/mnist.npz",
 * );
 * ```
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
 * `deno task slurm status` for the experiment runs in OUT (OUT/slurm-NAME/run.json), and with
 * `wait` follows each to its end, asking every `poll` seconds.
 *
 * @returns Whether OUT holds any.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gridStatusCommand } from "./grid_run.ts";
 * const lines: string[] = [];
 * assertEquals(await gridStatusCommand(Deno.makeTempDirSync(), false, 30, (l) => lines.push(l)), false);
 * assertEquals(lines, []);
 * ```
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
