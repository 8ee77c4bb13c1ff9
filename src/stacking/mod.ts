/**
 * The stacking workflow in full: weak learners and their seeds, a run's identity and part files,
 * shards and their files, the worker pool, merging, and the stacked models.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shardRange } from "./mod.ts";
 * assertEquals(shardRange(400, 8, 8), [350, 400]);
 * ```
 *
 * @module
 */

export * from "./weak_learner.ts";
export * from "./run.ts";
export * from "./parts.ts";
export * from "./outputs.ts";
export * from "./shard_file.ts";
export * from "./pool.ts";
export * from "./weak_learners.ts";
export * from "./merge.ts";
export * from "./stacked_model.ts";
export * from "./stacked_inputs.ts";
export * from "./original_rd.ts";
export * from "./original_dense.ts";
export * from "./original_train.ts";
export * from "./original_log.ts";
export * from "./rd_dfa.ts";
