/**
 * The experiments dfa reproduces: the published tables (Nøkland's Table 1, biotorch's LeNet), each
 * cell's recipe, the Markdown that sets results beside the published figures, and the checkpoints
 * a long run resumes from.
 *
 * @module
 */
export * from "./tables.ts";
export * from "./table_markdown.ts";
export * from "./checkpoints.ts";
export * from "./stacking_analysis.ts";
