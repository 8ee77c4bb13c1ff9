// The files of an experiment run on Slurm: the plan (the experiment, the cells as array tasks, the
// site options), a job array script whose task K trains cell K in its own directory, and the
// finish job that merges the cells into the results file and writes the tables. Pure functions
// of the plan; every value written into a script is quoted.
import { denoFlags } from "./job_flags.ts";

/** What `deno task slurm reproduce` submits, saved as OUT/slurm-NAME/run.json. */
export interface GridPlan {
  /** The experiment's name (its results: OUT/NAME.json). */
  name: string;
  /** The experiment file (an absolute path). */
  experiment: string;
  /** The project's directory, where each job runs (an absolute path). */
  project: string;
  /** MNIST's file (absolute, or the shipped copy's path, relative to the project). */
  data: string;
  /** The run's directory (an absolute path): results, tables, checkpoints, slurm-NAME/. */
  outDir: string;
  /** OpenBLAS's library on the nodes (an absolute path; DFA_OPENBLAS_PATH in the jobs). */
  library: string;
  /** The options that pick and change the cells (--only, --rules, --seeds, --epochs, …). */
  runArgs: string[];
  /** The cells' ids: array task K trains cells[K - 1]. */
  cells: string[];
  /** `#SBATCH` options of both jobs (--partition=…, --time=…, …). */
  sbatch: string[];
}

/** Where a run's files go. */
export interface GridFiles {
  /** The run's Slurm directory: OUT/slurm-NAME. */
  slurm: string;
  /** The saved plan and jobs: OUT/slurm-NAME/run.json. */
  plan: string;
  /** The job array's script: OUT/slurm-NAME/cell.sh. */
  cellScript: string;
  /** The finish job's script: OUT/slurm-NAME/finish.sh. */
  finishScript: string;
  /** Array task K's log: OUT/slurm-NAME/logs/cell-K.log (K may be Slurm's "%a"). */
  cellLog: (k: number | string) => string;
  /** Array task K's exit code, once it ended: OUT/slurm-NAME/cell-K.exit. */
  cellExit: (k: number | string) => string;
  /** A cell's own directory (its checkpoint, then the finished cell). */
  cellDir: (id: string) => string;
  /** The finish job's log: OUT/slurm-NAME/logs/finish.log. */
  finishLog: string;
  /** The finish job's exit code, once it ended: OUT/slurm-NAME/finish.exit. */
  finishExit: string;
  /** The results file: OUT/NAME.json. */
  results: string;
  /** The Markdown tables: OUT/NAME.md. */
  markdown: string;
  /** The HTML report's directory: OUT/NAME-report. */
  report: string;
}

/**
 * Where a run's files go: under OUT/slurm-NAME, but for the cells' directories and the results,
 * tables and report, which go where a run without Slurm puts them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gridFiles } from "./grid_jobs.ts";
 * const f = gridFiles({ outDir: "/runs", name: "mine" });
 * assertEquals([f.plan, f.cellLog(3), f.cellDir("x"), f.results], [
 *   "/runs/slurm-mine/run.json",
 *   "/runs/slurm-mine/logs/cell-3.log",
 *   "/runs/checkpoints/mine/x",
 *   "/runs/mine.json",
 * ]);
 * ```
 */
export function gridFiles(plan: Pick<GridPlan, "outDir" | "name">): GridFiles {
  const slurm = `${plan.outDir}/slurm-${plan.name}`;
  return {
    slurm,
    plan: `${slurm}/run.json`,
    cellScript: `${slurm}/cell.sh`,
    finishScript: `${slurm}/finish.sh`,
    cellLog: (k) => `${slurm}/logs/cell-${k}.log`,
    cellExit: (k) => `${slurm}/cell-${k}.exit`,
    cellDir: (id) => `${plan.outDir}/checkpoints/${plan.name}/${id}`,
    finishLog: `${slurm}/logs/finish.log`,
    finishExit: `${slurm}/finish.exit`,
    results: `${plan.outDir}/${plan.name}.json`,
    markdown: `${plan.outDir}/${plan.name}.md`,
    report: `${plan.outDir}/${plan.name}-report`,
  };
}

/**
 * A word for bash, in single quotes (every character literal).
 *
 * @throws {RangeError} When it holds a line break or another control character, which no job
 *   script line may carry.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { quote } from "./grid_jobs.ts";
 * assertEquals(quote("it's $(x)"), "'it'\\''s $(x)'");
 * assertThrows(() => quote("01:00\ntouch pwned"), RangeError);
 * ```
 */
export function quote(word: string): string {
  if ([...word].some((c) => c < " " || c === "\x7f")) {
    throw new RangeError(
      `Cannot write a job script: a control character in ${JSON.stringify(word)}`,
    );
  }
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** An `#SBATCH` line: the option as one word, refused if it could end the line or the word. */
function directive(option: string): string {
  if (!/^--[a-z][a-z-]*(=[^\s"'\\#]+)?$/.test(option)) {
    throw new RangeError(`Cannot write an #SBATCH line: not a single --option[=value]: ${option}`);
  }
  return `#SBATCH ${option}`;
}

/**
 * The log of a job, given to sbatch as an argument (a path with spaces is no #SBATCH word); the
 * array's names its task by Slurm's `%a`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { GridPlan } from "./grid_jobs.ts";
 * const plan: GridPlan = {
 *   name: "mine", experiment: "/p/experiments/mine.json", project: "/p", data: "/p/data/mnist.npz",
 *   outDir: "/runs", library: "/usr/lib/libopenblas.so", runArgs: ["--seeds", "1"],
 *   cells: ["a-bp-seed1-0123abcd", "a-dfa-seed1-4567cdef"], sbatch: ["--partition=cpu"],
 * };
 * import { jobLog } from "./grid_jobs.ts";
 * assertEquals(jobLog(plan, "cell"), "/runs/slurm-mine/logs/cell-%a.log");
 * assertEquals(jobLog(plan, "finish"), "/runs/slurm-mine/logs/finish.log");
 * ```
 */
export function jobLog(plan: GridPlan, job: "cell" | "finish"): string {
  const f = gridFiles(plan);
  return job === "cell" ? f.cellLog("%a") : f.finishLog;
}

function header(plan: GridPlan, job: string): string[] {
  return [
    "#!/bin/bash",
    `# Written by \`deno task slurm reproduce\` for the experiment ${plan.name}; running that`,
    "# command again submits only the cells not done (and sets each job's log: --output).",
    directive(`--job-name=dfa-${plan.name}-${job}`),
    ...plan.sbatch.map(directive),
    "set -uo pipefail",
    'export DFA_THREADS="${SLURM_CPUS_PER_TASK:-1}" # OpenBLAS threads: the CPUs Slurm gave us',
    `export DFA_OPENBLAS_PATH=${quote(plan.library)}`,
    `cd ${quote(plan.project)}`,
  ];
}

/** The reads every job needs: the project, the experiment file, MNIST. */
const reads = (plan: GridPlan) => [plan.project, plan.experiment, plan.data];

/** Stands for a shell variable in a word, which `quote` then leaves to bash (in double quotes). */
const VARS = { "@CELL@": '"$CELL"', "@ID@": '"$ID"', "@K@": '"$K"' };

/** `quote`, with the markers of VARS expanded by bash. */
function quoteWithVars(word: string): string {
  return Object.entries(VARS).reduce((q, [m, v]) => q.replaceAll(m, `'${v}'`), quote(word));
}

/**
 * The job array's script: task K trains cell K in its own directory, which is all it may write;
 * it reads the project, the experiment, MNIST and the results file (to skip a cell done since).
 *
 * @throws {RangeError} When a value of the plan holds a control character, an `#SBATCH` option
 *   is not one `--option[=value]` word, or a path holds a marker of the script's variables.
 * @throws {TypeError} When a path is empty or holds a comma (it would widen a scope).
 *
 * @example
 * ```ts
 * import { assertStringIncludes, assertThrows } from "@std/assert";
 * import type { GridPlan } from "./grid_jobs.ts";
 * const plan: GridPlan = {
 *   name: "mine", experiment: "/p/experiments/mine.json", project: "/p", data: "/p/data/mnist.npz",
 *   outDir: "/runs", library: "/usr/lib/libopenblas.so", runArgs: ["--seeds", "1"],
 *   cells: ["a-bp-seed1-0123abcd", "a-dfa-seed1-4567cdef"], sbatch: ["--partition=cpu"],
 * };
 * import { gridCellScript } from "./grid_jobs.ts";
 * const script = gridCellScript(plan);
 * assertStringIncludes(script, "#SBATCH --partition=cpu\n");
 * assertStringIncludes(script, "IDS=('a-bp-seed1-0123abcd' 'a-dfa-seed1-4567cdef')");
 * assertThrows(() => gridCellScript({ ...plan, sbatch: ["--time=1:00 --x"] }), RangeError, "#SBATCH");
 * ```
 */
export function gridCellScript(plan: GridPlan): string {
  const f = gridFiles(plan);
  if (Object.keys(VARS).some((m) => JSON.stringify(plan).includes(m))) {
    throw new RangeError(`Cannot write a job script: a path holds one of ${Object.keys(VARS)}`);
  }
  const flags = denoFlags([...reads(plan), f.results, "@CELL@"], ["@CELL@"], plan.library);
  const run = "deno run " + [...flags, `${plan.project}/scripts/reproduce.ts`, plan.experiment]
    .concat(plan.runArgs, ["--data", plan.data, "--out-dir", plan.outDir, "--cell", "@ID@"])
    .map(quoteWithVars).join(" ");
  return [
    ...header(plan, "cell"),
    "K=$SLURM_ARRAY_TASK_ID",
    `IDS=(${plan.cells.map(quote).join(" ")})`,
    'ID="${IDS[$((K - 1))]}"',
    `CELL=${quoteWithVars(f.cellDir("@ID@"))}`,
    `rm -f ${quoteWithVars(f.cellExit("@K@"))}`,
    run,
    "code=$?",
    `echo "$code" > ${quoteWithVars(f.cellExit("@K@"))}`,
    'exit "$code"',
    "",
  ].join("\n");
}

/**
 * The job that runs once every cell succeeded: merges the cells, writes the table and report.
 * It may write only the run's directory.
 *
 * @throws {RangeError} When a value of the plan holds a control character, or an `#SBATCH`
 *   option is not one `--option[=value]` word.
 * @throws {TypeError} When a path is empty or holds a comma (it would widen a scope).
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import type { GridPlan } from "./grid_jobs.ts";
 * const plan: GridPlan = {
 *   name: "mine", experiment: "/p/experiments/mine.json", project: "/p", data: "/p/data/mnist.npz",
 *   outDir: "/runs", library: "/usr/lib/libopenblas.so", runArgs: ["--seeds", "1"],
 *   cells: ["a-bp-seed1-0123abcd", "a-dfa-seed1-4567cdef"], sbatch: ["--partition=cpu"],
 * };
 * import { gridFinishScript } from "./grid_jobs.ts";
 * const script = gridFinishScript(plan);
 * assertStringIncludes(script, "#SBATCH --job-name=dfa-mine-finish\n");
 * assertStringIncludes(script, "'--allow-write=/runs'");
 * assertStringIncludes(script, "'--merge' '--report-dir' '/runs/mine-report'");
 * ```
 */
export function gridFinishScript(plan: GridPlan): string {
  const f = gridFiles(plan);
  const flags = denoFlags([...reads(plan), plan.outDir], [plan.outDir], plan.library);
  const run = "deno run " + [...flags, `${plan.project}/scripts/reproduce.ts`, plan.experiment]
    .concat(plan.runArgs, ["--data", plan.data, "--out-dir", plan.outDir])
    .concat(["--merge", "--report-dir", f.report]).map(quote).join(" ");
  return [
    ...header(plan, "finish"),
    `rm -f ${quote(f.finishExit)}`,
    run,
    "code=$?",
    `echo "$code" > ${quote(f.finishExit)}`,
    'exit "$code"',
    "",
  ].join("\n");
}
