/**
 * A Slurm run from the command line to the queue: the plan built from the options (each checked
 * before anything is written or submitted), the scripts written and submitted (only the shards
 * still missing), and the run followed until it ends.
 *
 * @module
 */
import { checkedInt, CommandError, UsageError } from "../cli/options.ts";
import { locateOpenBlas, OPENBLAS_FIX } from "../native/mod.ts";
import { MAX_LEARNERS } from "../stacking/mod.ts";
import { checkPlan, finishScript, runFiles, shardScript, type SlurmPlan } from "./jobs.ts";
import { runStatus, submit } from "./queue.ts";
import { sbatchOptions, type SiteOption } from "./sbatch_options.ts";
import { followJobs } from "./follow.ts";

/** The tasks a Slurm run can be. */
export const SLURM_TASKS = ["weak-learners", "diff-weak-learners", "pipeline"] as const;

/** A run's plan and its jobs, as OUT/slurm/run.json keeps them. */
export interface SavedRun {
  /** The run. */
  plan: SlurmPlan;
  /** The ids of the job array and the finishing job last submitted. */
  jobs: { array?: string; finish?: string };
}

/** What a run is made of, as the command line gives it (paths absolute). */
export interface RunRequest {
  /** weak-learners, diff-weak-learners or pipeline. */
  task: string;
  /** N, as typed. */
  n: string;
  /** Array tasks. */
  shards: number;
  /** CPUs a task (OpenBLAS threads). */
  cpusPerTask: number;
  /** The project's directory. */
  project: string;
  /** The MNIST file. */
  data: string;
  /** The run's directory. */
  outDir: string;
  /** The site options given. */
  site: Partial<Record<SiteOption, string>>;
  /** --sbatch-args, space-separated. */
  sbatchArgs?: string;
  /** A runner from compile-runner, in place of deno run. */
  binary?: string;
  /** OpenBLAS on the nodes (default: the one found here). */
  openblas?: string;
  /** The weak-learner options to pass on, already checked by the task's own rules. */
  learnerArgs: string[];
}

const exists = (path: string, kind: "file" | "any" = "any") => {
  try {
    return kind === "any" || Deno.statSync(path).isFile;
  } catch {
    return false;
  }
};

/**
 * The plan of a run, every value checked before anything is written or submitted: the task, N
 * (1 … {@linkcode MAX_LEARNERS}), the site options against the forms sbatch accepts, the paths
 * (no control characters, no comma that would widen a job's permission scope, the data and the
 * runner present).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { planRun } from "./submit.ts";
 * const request = { task: "weak-learners", n: "8", shards: 2, cpusPerTask: 1, project: "/p",
 *   data: "/", outDir: "/tmp/run", site: {}, openblas: "/lib/blas.so", learnerArgs: [] };
 * assertEquals(planRun({ ...request, sbatchArgs: "--constraint avx2" }).sbatch, [
 *   "--cpus-per-task=1",
 *   "--constraint=avx2",
 * ]);
 * assertThrows(() => planRun({ ...request, site: { time: "1:00\nid" } }), Error, "--time");
 * ```
 *
 * @param r The request.
 * @returns The plan.
 * @throws {UsageError} When a value is wrong; the message names the option and the value.
 * @throws {CommandError} When no OpenBLAS is found here and none is given.
 */
export function planRun(r: RunRequest): SlurmPlan {
  if (!SLURM_TASKS.includes(r.task as typeof SLURM_TASKS[number])) {
    throw new UsageError(`the task must be one of ${SLURM_TASKS.join(", ")} or status: ${r.task}`);
  }
  const n = checkedInt("N (the number of weak learners)", r.n, 1, MAX_LEARNERS); // as weak-learners
  const library = r.openblas ?? locateOpenBlas();
  if (!library) {
    throw new CommandError(`Cannot find OpenBLAS here; give --openblas. ${OPENBLAS_FIX}`);
  }
  const plan: SlurmPlan = {
    task: r.task as SlurmPlan["task"],
    n,
    shards: r.shards,
    diff: r.task === "diff-weak-learners",
    project: r.project,
    data: r.data,
    outDir: r.outDir,
    library,
    learnerArgs: r.learnerArgs,
    sbatch: sbatchOptions(r.cpusPerTask, r.site, r.sbatchArgs),
    binary: r.binary ?? "",
  };
  try {
    checkPlan(plan);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!exists(plan.data)) {
    throw new UsageError(`cannot find ${plan.data}: run deno task create-dataset, or give --data`);
  }
  if (plan.binary && !exists(plan.binary, "file")) {
    throw new UsageError(`--binary must be a runner from compile-runner: ${plan.binary}`);
  }
  return plan;
}

/**
 * The run saved in `outDir` (OUT/slurm/run.json), or undefined when there is none.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readSavedRun } from "./submit.ts";
 * assertEquals(readSavedRun(await Deno.makeTempDir()), undefined);
 * ```
 *
 * @param outDir The run's directory.
 * @returns The plan and the jobs last submitted.
 * @throws {CommandError} When the file cannot be read or parsed.
 */
export function readSavedRun(outDir: string): SavedRun | undefined {
  const path = runFiles({ outDir, diff: false, shards: 1 }).plan;
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CommandError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** What makes two submissions the same run (site options may change between them). */
const identity = (p: SlurmPlan) =>
  JSON.stringify([p.task, p.n, p.shards, p.diff, p.data, p.learnerArgs]);

/**
 * Writes the job scripts and submits what is missing: the array tasks of the shards without a
 * file, and the finishing job after them. Refuses a directory that holds another run, or this
 * run while it is still in the queue.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { CommandError, UsageError } from "../cli/options.ts";
 * import { planRun } from "./submit.ts";
 * const outDir = Deno.makeTempDirSync();
 * const plan = planRun({ task: "weak-learners", n: "8", shards: 2, cpusPerTask: 1, project: "/p",
 *   data: "/", outDir, site: {}, openblas: "/lib/blas.so", learnerArgs: [] });
 * import { submitRun } from "./submit.ts";
 * Deno.mkdirSync(`${outDir}/slurm`);
 * Deno.writeTextFileSync(`${outDir}/slurm/run.json`, JSON.stringify({ plan: { ...plan, n: 4 }, jobs: {} }));
 * assertThrows(() => submitRun(plan, () => {}), UsageError, "holds another run (weak-learners 4 --shards 2)");
 * ```
 *
 * @param plan The run.
 * @param print Where the lines that say what was submitted go.
 * @returns The run as saved, or undefined when it was done already.
 * @throws {UsageError} When the directory holds another run.
 * @throws {CommandError} When the run is still queued, or sbatch refuses a script.
 */
export function submitRun(plan: SlurmPlan, print: (line: string) => void): SavedRun | undefined {
  const saved = readSavedRun(plan.outDir);
  if (saved && identity(saved.plan) !== identity(plan)) {
    const p = saved.plan, more = p.learnerArgs.length ? ` ${p.learnerArgs.join(" ")}` : "";
    throw new UsageError(
      `${plan.outDir} holds another run (${p.task} ${p.n} --shards ${p.shards}${more}): give ` +
        "another --out-dir",
    );
  }
  if (saved) {
    const st = runStatus(saved.plan, saved.jobs);
    if (st.shards.some((s) => s.state === "queued") || st.finish.state === "queued") {
      throw new CommandError(
        `Cannot submit: this run is still in the queue (jobs ${
          Object.values(saved.jobs).join(", ")
        }); follow it with deno task slurm status --out-dir ${plan.outDir} --wait`,
      );
    }
  }
  const f = runFiles(plan), st = runStatus(plan, {});
  if (st.finish.state === "done") {
    print(`Already done: ${f.merged.train} and ${f.merged.test}`);
    return undefined;
  }
  const missing = st.shards.flatMap((s, i) => (s.state === "done" ? [] : [i + 1]));
  const scripts = [shardScript(plan), finishScript(plan)]; // both checked before any is written
  Deno.mkdirSync(`${f.slurm}/logs`, { recursive: true });
  Deno.writeTextFileSync(f.shardScript, scripts[0], { mode: 0o755 });
  Deno.writeTextFileSync(f.finishScript, scripts[1], { mode: 0o755 });
  for (const stale of [...missing.map(f.shardExit), f.finishExit]) {
    try {
      Deno.removeSync(stale);
    } catch { /* none */ }
  }
  const jobs: SavedRun["jobs"] = {};
  if (missing.length) jobs.array = submit(f.shardScript, [`--array=${missing.join(",")}`]);
  jobs.finish = submit(
    f.finishScript,
    jobs.array ? [`--dependency=afterok:${jobs.array}`, "--kill-on-invalid-dep=yes"] : [],
  );
  Deno.writeTextFileSync(f.plan, JSON.stringify({ plan, jobs }, null, 1) + "\n");
  if (jobs.array) {
    print(
      `Submitted job array ${jobs.array} (shards ${missing.join(", ")} of ${plan.shards}; ${
        plan.shards - missing.length
      } already done); logs ${f.shardLog("K")}`,
    );
  }
  const what = plan.task === "pipeline" ? "merge and stacked models" : "merge";
  print(`Submitted job ${jobs.finish} (${what}), after the array; log ${f.finishLog}`);
  print(`Follow it: deno task slurm status --out-dir ${plan.outDir} --wait`);
  return { plan, jobs };
}

/**
 * Reports a run, and with `wait` follows it to its end (checking every `poll` seconds).
 *
 * @example
 * ```ts
 * import { assertEquals, assertRejects } from "@std/assert";
 * import { CommandError, UsageError } from "../cli/options.ts";
 * import { planRun } from "./submit.ts";
 * const outDir = Deno.makeTempDirSync();
 * const plan = planRun({ task: "weak-learners", n: "8", shards: 2, cpusPerTask: 1, project: "/p",
 *   data: "/", outDir, site: {}, openblas: "/lib/blas.so", learnerArgs: [] });
 * import { followRun } from "./submit.ts";
 * const lines: string[] = [];
 * const print = (line: string) => lines.push(line);
 * await assertRejects(() => followRun({ plan, jobs: {} }, { wait: false, poll: 5, print }), CommandError, "did not finish");
 * assertEquals(lines, ["shards: 2 missing; merge: not in the queue"]);
 * ```
 *
 * @param saved The run.
 * @param o Whether to wait, how often to look, and where the status lines go.
 * @throws {CommandError} When the run did not finish (a shard or the merge failed).
 */
export function followRun(
  saved: SavedRun,
  o: { wait: boolean; poll: number; print: (line: string) => void },
): Promise<void> {
  const { plan, jobs } = saved, f = runFiles(plan);
  return followJobs(
    {
      status: () => {
        const st = runStatus(plan, jobs);
        return { parts: st.shards, finish: st.finish };
      },
      names: ["shards", "merge"],
      partName: (i) => `shard ${i + 1}`,
      finishName: "the merge",
      done: () => [
        `Done: ${f.merged.train} and ${f.merged.test}`,
        ...(plan.task === "pipeline" ? [`Results: ${f.results.dense}, ${f.results.rd}`] : []),
      ],
      rerun: "(only the missing shards are resubmitted)",
      dir: plan.outDir,
    },
    o.wait,
    o.poll,
    o.print,
  );
}
