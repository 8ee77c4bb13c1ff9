/**
 * The experiments dfa reproduces: the published tables (Nøkland's Table 1, biotorch's LeNet), each
 * cell's recipe, the Markdown that sets results beside the published figures, and the checkpoints
 * a long run resumes from. Unstable: the tables and their recipes change with the experiments.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TABLES } from "./mod.ts";
 * const table = TABLES["nokland-table1"];
 * assertEquals(table.rows.every((row) => row.arch.length > 0), true);
 * ```
 *
 * @experimental
 * @module
 */
export * from "./tables.ts";
export * from "./table_markdown.ts";
export * from "./checkpoints.ts";
export * from "./stacking_analysis.ts";
