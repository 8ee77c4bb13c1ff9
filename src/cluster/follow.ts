// Following a Slurm run to its end: a line each time the counts of its jobs change, then each
// failed job named with the last line of its log. The weak learners' runs and the experiment grids
// both follow their runs so; only their jobs' names and files differ.
import { CommandError } from "../cli/options.ts";
import type { JobStatus } from "./queue.ts";

/** What a run's jobs are called, and what its end prints or says. */
export interface FollowedRun {
  /** The state of the run's working jobs and of the job that finishes it, asked anew each time. */
  status: () => { parts: JobStatus[]; finish: JobStatus };
  /** What the working jobs and the finishing job are called on the status line ("shards", "merge"). */
  names: [string, string];
  /** A failed working job's name ("shard 2", "cell 2 (1_800_tanh-dfa-seed1-…)"). */
  partName: (index: number) => string;
  /** The finishing job's name when it failed ("the merge"). */
  finishName: string;
  /** What the run wrote, printed when it is done. */
  done: () => string[];
  /** Why a rerun helps, after "the run in DIR did not finish; fix what failed and run the same command again". */
  rerun: string;
  /** The directory named when the run did not finish. */
  dir: string;
}

const lastLine = (path: string) => {
  try {
    return Deno.readTextFileSync(path).trim().split("\n").at(-1) ?? "";
  } catch {
    return "(no log)";
  }
};

/** "2 done, 1 queued or running, 1 failed": the jobs' count by state, the empty ones left out. */
const counts = (jobs: JobStatus[]) =>
  (["done", "queued", "failed", "missing"] as const).flatMap((k) => {
    const c = jobs.filter((x) => x.state === k).length;
    return c ? [`${c} ${k === "queued" ? "queued or running" : k}`] : [];
  }).join(", ");

/**
 * Reports a run (a line each time its counts change), and with `wait` follows it to its end,
 * asking again every `poll` seconds; then names each failed job with the last line of its log.
 *
 * @example
 * ```ts
 * import { assertEquals, assertRejects } from "@std/assert";
 * import { CommandError } from "../cli/options.ts";
 * import { followJobs } from "./follow.ts";
 * const lines: string[] = [];
 * const job = (state: "done" | "failed") => ({ state, detail: state === "done" ? "COMPLETED" : "exit code 1", log: "/no/log" });
 * const run = {
 *   status: () => ({ parts: [job("done"), job("failed")], finish: { state: "missing" as const, detail: "not in the queue", log: "/no/log" } }),
 *   names: ["shards", "merge"] as [string, string], partName: (i: number) => `shard ${i + 1}`, finishName: "the merge",
 *   done: () => [], rerun: "(only the missing shards are resubmitted)", dir: "/runs/a",
 * };
 * await assertRejects(() => followJobs(run, false, 1, (l) => lines.push(l)), CommandError, "the run in /runs/a did not finish");
 * assertEquals(lines, [
 *   "shards: 1 done, 1 failed; merge: not in the queue",
 *   "shard 2 failed: exit code 1; log /no/log: (no log)",
 * ]);
 * ```
 *
 * @param run The run's jobs and names.
 * @param wait Whether to follow it to its end.
 * @param poll Seconds between two looks.
 * @param print Where the lines go.
 * @throws {CommandError} When the run ended without finishing (a job failed or is missing).
 */
export async function followJobs(
  run: FollowedRun,
  wait: boolean,
  poll: number,
  print: (line: string) => void,
): Promise<void> {
  let last = "";
  for (;;) {
    const { parts, finish } = run.status();
    const line = `${run.names[0]}: ${counts(parts)}; ${run.names[1]}: ${finish.detail}`;
    if (line !== last) print(line), last = line;
    const busy = [...parts, finish].some((s) => s.state === "queued");
    if (wait && busy) {
      await new Promise((r) => setTimeout(r, poll * 1000));
      continue;
    }
    parts.forEach((s, i) => {
      if (s.state === "failed") {
        print(`${run.partName(i)} failed: ${s.detail}; log ${s.log}: ${lastLine(s.log)}`);
      }
    });
    if (finish.state === "done") return run.done().forEach((l) => print(l));
    if (finish.state === "failed" && !parts.some((s) => s.state === "failed")) {
      print(
        `${run.finishName} failed: ${finish.detail}; log ${finish.log}: ${lastLine(finish.log)}`,
      );
    }
    if (busy && !wait) return; // still running
    throw new CommandError(
      `the run in ${run.dir} did not finish; fix what failed and run the same command again ${run.rerun}`,
    );
  }
}
