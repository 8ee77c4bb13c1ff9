/**
 * Experiments as files: a grid of networks × rules × seeds under a recipe (experiments/*.json:
 * Nøkland's Table 1, biotorch's LeNet, or your own), checked on load; each cell's identity and
 * recipe; training the cells in turn, in processes of their own or as Slurm array tasks; the
 * results file, the Markdown that sets results beside the published figures, and the checkpoints
 * a long run resumes from. Unstable: the format follows the experiments.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadExperiment } from "./mod.ts";
 * const table = loadExperiment("nokland-table1");
 * assertEquals(table.rows.every((row) => row.arch.length > 0), true);
 * ```
 *
 * @experimental
 * @module
 */
export * from "./experiment.ts";
export * from "./recipe_text.ts";
export * from "./cell_settings.ts";
export * from "./cells.ts";
export * from "./results_file.ts";
export * from "./train_cell.ts";
export * from "./cell_run.ts";
export * from "./run_cells.ts";
export * from "./cell_tables.ts";
export * from "./table_markdown.ts";
export * from "./statistics.ts";
export * from "./checkpoints.ts";
export * from "./stacking_analysis.ts";
