/**
 * Slurm: the job scripts dfa submits (one array task a shard of weak learners, or a cell of an
 * experiment; a dependent finish job) and the
 * reading of the queue and accounting that tells how a run stands.
 *
 * @module
 */
export * from "./jobs.ts";
export * from "./queue.ts";
export * from "./grid_jobs.ts";
export * from "./grid_run.ts";
export * from "./grid_status.ts";
