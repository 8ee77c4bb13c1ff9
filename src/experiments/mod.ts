/**
 * Experiments as files: a grid of networks × rules × seeds under a recipe (experiments/*.json:
 * Nøkland's Table 1, biotorch's LeNet, or your own), checked on load; each cell's identity and
 * recipe; training the cells in turn, in processes of their own or as Slurm array tasks; the
 * results file, the Markdown that sets results beside the published figures, and the checkpoints
 * a long run resumes from.
 *
 * @module
 */
export * from "./experiment.ts";
export * from "./recipe_text.ts";
export * from "./cells.ts";
export * from "./results_file.ts";
export * from "./train_cell.ts";
export * from "./run_cells.ts";
export * from "./table_markdown.ts";
export * from "./checkpoints.ts";
