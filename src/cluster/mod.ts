/**
 * Slurm: the job scripts dfa submits (one array task a shard of weak learners, or a cell of an
 * experiment; a dependent finish job), every value in them checked and quoted, their submission,
 * and the reading of the queue and accounting that tells how a run stands. Unstable: these follow
 * the `slurm` task.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runFiles } from "./mod.ts";
 * assertEquals(runFiles({ outDir: "/runs/a", diff: false, shards: 2 }).plan, "/runs/a/slurm/run.json");
 * ```
 *
 * @experimental
 * @module
 */
export * from "./jobs.ts";
export * from "./job_flags.ts";
export * from "./queue.ts";
export * from "./quoting.ts";
export * from "./sbatch_options.ts";
export * from "./submit.ts";
export * from "./follow.ts";
export * from "./grid_jobs.ts";
export * from "./grid_run.ts";
export * from "./grid_status.ts";
