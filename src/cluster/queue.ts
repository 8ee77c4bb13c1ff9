// Talking to Slurm: sbatch to submit, scontrol to read a job's state; and what a run's shards
// and its finishing job have come to, from those states and from the files the jobs leave.
import { CommandError } from "../cli/options.ts";
import { runFiles, type SlurmPlan } from "./jobs.ts";

/**
 * Runs a Slurm command; a missing command is one line that says what to install.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { slurm } from "./mod.ts";
 * assertThrows(() => slurm("no-such-slurm-command", []), Error, "Slurm's commands are not on PATH");
 * ```
 */
export function slurm(cmd: string, args: string[]): { code: number; out: string; err: string } {
  try {
    const r = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
    const text = new TextDecoder();
    return { code: r.code, out: text.decode(r.stdout), err: text.decode(r.stderr).trim() };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CommandError(
        `Cannot run ${cmd}: Slurm's commands are not on PATH (install slurm-wlm, or load your ` +
          "site's Slurm module)",
      );
    }
    throw error;
  }
}

/**
 * Submits a job script and returns its job id.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { submit } from "./mod.ts";
 * assertThrows(() => submit("/no/such/job.sh", []), Error); // sbatch refuses it, or is not installed
 * ```
 */
export function submit(script: string, args: string[]): string {
  const r = slurm("sbatch", ["--parsable", ...args, script]);
  const id = r.out.trim().split(";")[0];
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    throw new CommandError(`Cannot submit ${script}: sbatch says: ${r.err || r.out.trim()}`);
  }
  return id;
}

/**
 * One job (or array task, or group of pending array tasks) as scontrol shows it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { arrayTasks, type JobRecord } from "./mod.ts";
 * const pending: JobRecord = { state: "PENDING", reason: "Resources", exitCode: "0:0", tasks: arrayTasks("3-4") };
 * assertEquals(pending.tasks, [3, 4]);
 * ```
 */
export interface JobRecord {
  /** Slurm's state: PENDING, RUNNING, COMPLETED, FAILED, … */
  state: string;
  /** Why it is pending or ended, as Slurm says ("None" for nothing). */
  reason: string;
  /** Exit code and signal, "code:signal". */
  exitCode: string;
  /** The array tasks this record stands for (empty for a plain job). */
  tasks: number[];
}

/**
 * Expands scontrol's ArrayTaskId ("3", "1-4,7", "2-9%2") into task indices.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { arrayTasks } from "./mod.ts";
 * assertEquals(arrayTasks("1-4,7"), [1, 2, 3, 4, 7]);
 * assertEquals(arrayTasks("2-9%2"), [2, 3, 4, 5, 6, 7, 8, 9]); // %2: at most two at a time
 * ```
 */
export function arrayTasks(text: string): number[] {
  return text.replace(/%\d+$/, "").split(",").filter(Boolean).flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/**
 * The records of a job (all tasks of an array); none when Slurm no longer knows the job.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { jobRecords } from "./mod.ts";
 * const id = Deno.env.get("SLURM_JOB_ID"); // inside a Slurm job, the job's own record
 * if (id) assertEquals(jobRecords(id)[0].state, "RUNNING");
 * ```
 */
export function jobRecords(id: string): JobRecord[] {
  const r = slurm("scontrol", ["-o", "show", "job", id]);
  if (r.code !== 0) return []; // "Invalid job id": finished long ago and purged
  return r.out.split("\n").filter((l) => l.trim()).map((line) => {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? "";
    return {
      state: field("JobState"),
      reason: field("Reason"),
      exitCode: field("ExitCode"),
      tasks: field("ArrayTaskId") ? arrayTasks(field("ArrayTaskId")) : [],
    };
  });
}

const QUEUED = new Set(["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING"]);

/**
 * Where one shard, or the finishing job, stands.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type JobStatus, runStatus } from "./mod.ts";
 * const { finish }: { finish: JobStatus } = runStatus({ task: "weak-learners", n: 2, shards: 1, diff: false, project: "/p", data: "/p/mnist.npz", outDir: "/no/such/run", library: "", learnerArgs: [], sbatch: [], binary: "" }, {});
 * assertEquals([finish.state, finish.detail], ["missing", "not in the queue"]);
 * ```
 */
export interface JobStatus {
  /** done, queued (pending or running), failed, or missing (never submitted, or lost). */
  state: "done" | "queued" | "failed" | "missing";
  /** What Slurm or the job said: "RUNNING", "exit code 1", "CANCELLED (DependencyNeverSatisfied)". */
  detail: string;
  /** The job's log. */
  log: string;
}

function exitFile(path: string): number | undefined {
  try {
    return Number(Deno.readTextFileSync(path).trim());
  } catch {
    return undefined;
  }
}

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

function status(
  done: boolean,
  record: JobRecord | undefined,
  code: number | undefined,
  log: string,
) {
  if (done) return { state: "done", detail: "done", log } as const;
  if (record && QUEUED.has(record.state)) {
    return { state: "queued", detail: record.state, log } as const;
  }
  if (code !== undefined && code !== 0) {
    return { state: "failed", detail: `exit code ${code}`, log } as const;
  }
  if (record) {
    const why = record.reason && record.reason !== "None" ? ` (${record.reason})` : "";
    const exit = record.exitCode.split(":")[0];
    return {
      state: "failed",
      detail: `${record.state}${why}${exit && exit !== "0" ? `, exit code ${exit}` : ""}`,
      log,
    } as const;
  }
  return {
    state: code === 0 ? "failed" : "missing",
    detail: code === 0 ? "ended without its output" : "not in the queue",
    log,
  } as const;
}

/**
 * Each shard's status (1 … M) and the finishing job's, from Slurm and the run's files.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runStatus, type SlurmPlan } from "./mod.ts";
 * const plan: SlurmPlan = { task: "weak-learners", n: 2, shards: 2, diff: false, project: "/p", data: "/p/mnist.npz", outDir: "/no/such/run", library: "", learnerArgs: [], sbatch: [], binary: "" };
 * assertEquals(runStatus(plan, {}).shards.map((s) => s.state), ["missing", "missing"]); // nothing submitted, nothing written
 * ```
 */
export function runStatus(
  plan: SlurmPlan,
  jobs: { array?: string; finish?: string },
): { shards: JobStatus[]; finish: JobStatus } {
  const f = runFiles(plan);
  const arrayRecords = jobs.array ? jobRecords(jobs.array) : [];
  const shards = Array.from({ length: plan.shards }, (_, i) => {
    const k = i + 1, record = arrayRecords.find((r) => r.tasks.includes(k));
    return status(exists(f.shardFile(k)), record, exitFile(f.shardExit(k)), f.shardLog(k));
  });
  const outputs = [
    f.merged.train,
    f.merged.test,
    ...(plan.task === "pipeline" ? [f.results.dense, f.results.rd] : []),
  ];
  // Slurm first, the files after: a job Slurm calls ended has left its files by then, whereas
  // files looked at first may be those of a job that ends just before Slurm is asked.
  const record = jobs.finish ? jobRecords(jobs.finish)[0] : undefined;
  const finished = outputs.every(exists) && exitFile(f.finishExit) === 0;
  return { shards, finish: status(finished, record, exitFile(f.finishExit), f.finishLog) };
}
