// An experiment's results file (OUT/NAME.json: its finished cells) and its experiment file: read
// whole or refused with the file's name, written atomically (temporary file, then rename) under a
// lock so that runs in parallel keep each other's cells.
import { DataFormatError } from "../../mod.ts";
import { readTextIfExists, writeAll, writeFileAtomic } from "../io/mod.ts";
import { type Experiment, ExperimentFileError, parseExperiment } from "./experiment.ts";
import { migrateCells } from "./cells.ts";
import type { Cell } from "./table_markdown.ts";

/** Where the experiments kept in the project are, by name. */
export const EXPERIMENTS_DIR = "experiments";

/**
 * The experiment of a file (`experiments/x.json`, any path with a `/` or ending in `.json`) or of
 * a bare name (`nokland-table1`: `experiments/nokland-table1.json`).
 *
 * @throws {ExperimentFileError} When there is no such file, or it is not a valid experiment.
 */
export function loadExperiment(fileOrName: string): Experiment {
  const path = /[/\\]|\.json$/.test(fileOrName)
    ? fileOrName
    : `${EXPERIMENTS_DIR}/${fileOrName}.json`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    let names: string[] = [];
    try {
      names = [...Deno.readDirSync(EXPERIMENTS_DIR)].map((e) => e.name)
        .filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)).sort();
    } catch { /* no experiments here */ }
    throw new ExperimentFileError(
      `Cannot find the experiment ${fileOrName}: no file ${path}` +
        (names.length ? ` (experiments: ${names.join(", ")})` : ""),
    );
  }
  return parseExperiment(text, path);
}

/**
 * The cells saved in a results file (none when there is no file yet), cells saved before cells
 * carried their settings migrated.
 *
 * @throws {DataFormatError} When the file is not a results file of this experiment (not JSON, cut
 *   short, no list of cells, a cell without its fields): nothing is written over it.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { DataFormatError } from "../../mod.ts";
 * import { addResults, parseExperiment, readResults } from "./mod.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const path = `${Deno.makeTempDirSync()}/mine.json`;
 * assertEquals(readResults(path, exp), []);
 * const cell = {
 *   row: "a", rule: "bp" as const, seed: 1, epochs: 2, recipe: "", testError: 0.1,
 *   bestTestError: 0.1, seconds: 1, history: [],
 * };
 * assertEquals(addResults(path, exp, [cell]).length, 1);
 * Deno.writeTextFileSync(path, '{"table":"mine","cells":[');
 * assertThrows(() => readResults(path, exp), DataFormatError, `Cannot read the results file ${path}`);
 * ```
 */
export function readResults(path: string, exp: Experiment): Cell[] {
  const text = readTextIfExists(path);
  if (text === undefined) return [];
  const refuse = (why: string): never => {
    throw new DataFormatError(
      `Cannot read the results file ${path}: ${why}; repair it or move it away (no cell is ` +
        "written over it)",
    );
  };
  let json: { table?: unknown; cells?: unknown };
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refuse(`not JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || !Array.isArray(json.cells)) {
    return refuse("no list of cells");
  }
  if (json.table !== exp.name) {
    refuse(`its cells are of ${JSON.stringify(json.table)}, not ${exp.name}`);
  }
  json.cells.forEach((c, i) => {
    const ok = typeof c === "object" && c !== null && typeof c.row === "string" &&
      typeof c.rule === "string" && Number.isInteger(c.seed) && Number.isInteger(c.epochs) &&
      typeof c.testError === "number" && Array.isArray(c.history);
    if (!ok) refuse(`cell ${i + 1} lacks its row, rule, seed, epochs, test error or history`);
  });
  return migrateCells(exp, json.cells as Cell[]);
}

/** Writes a results file whole, atomically. */
export function writeResults(path: string, exp: Experiment, cells: readonly Cell[]): void {
  const text = JSON.stringify({ table: exp.name, cells }, null, 1) + "\n";
  writeFileAtomic(path, (f) => writeAll(f, new TextEncoder().encode(text)));
}

/**
 * Adds cells to a results file, re-read under an exclusive lock on `${path}.lock` (so that runs
 * of the same experiment in parallel keep each other's cells); returns every cell now in it.
 */
export function addResults(path: string, exp: Experiment, cells: readonly Cell[]): Cell[] {
  using lock = Deno.openSync(`${path}.lock`, { read: true, write: true, create: true });
  lock.lockSync(true);
  const all = [...readResults(path, exp), ...cells];
  writeResults(path, exp, all);
  return all; // unlocked when closed
}
