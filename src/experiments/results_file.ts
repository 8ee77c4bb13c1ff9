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

/** The largest experiment file read (Nøkland's Table 1 takes 3 KB). */
export const EXPERIMENT_MAX_BYTES = 1 << 20;

/**
 * The experiment of a file (`experiments/x.json`, any path with a `/` or ending in `.json`) or of
 * a bare name (`nokland-table1`: `experiments/nokland-table1.json`).
 *
 * @throws {ExperimentFileError} When there is no such file, it is not a valid experiment, or its
 *   images are not MNIST's (784 values an image: the tasks train on MNIST).
 */
export function loadExperiment(fileOrName: string): Experiment {
  const path = /[/\\]|\.json$/.test(fileOrName)
    ? fileOrName
    : `${EXPERIMENTS_DIR}/${fileOrName}.json`;
  let text: string;
  try {
    const info = Deno.statSync(path); // a directory, a FIFO or a device is never read
    if (!info.isFile) {
      throw new ExperimentFileError(`Cannot read the experiment ${path}: not a file`);
    }
    if (info.size > EXPERIMENT_MAX_BYTES) {
      throw new ExperimentFileError(
        `Cannot read the experiment ${path}: ${info.size} bytes, more than ${EXPERIMENT_MAX_BYTES}`,
      );
    }
    text = new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(path));
  } catch (error) {
    if (error instanceof ExperimentFileError || error instanceof Deno.errors.NotCapable) {
      throw error;
    }
    if (!(error instanceof Deno.errors.NotFound)) {
      const why = error instanceof TypeError ? "not UTF-8 text" : (error as Error).message;
      throw new ExperimentFileError(`Cannot read the experiment ${path}: ${why}`);
    }
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
  const exp = parseExperiment(text, path);
  // The tasks train on MNIST (or Fashion-MNIST): every row's images must be of its shape.
  const row = exp.rows.find((r) => r.input[0] * r.input[1] * r.input[2] !== MNIST_VALUES);
  if (row) {
    const at = row.input === exp.input ? "input" : `the row ${row.name}: input`;
    throw new ExperimentFileError(
      `Cannot read the experiment ${path}: ${at}: must hold MNIST's ${MNIST_VALUES} values an ` +
        `image ([1, 28, 28]): ${JSON.stringify(row.input)}`,
    );
  }
  return exp;
}

/** The values of an MNIST image: 28×28 pixels, one channel. */
const MNIST_VALUES = 784;

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
    if (!isCell(c)) {
      refuse(`cell ${i + 1} lacks its row, rule, seed, epochs, test error or history`);
    }
  });
  return migrateCells(exp, json.cells as Cell[]);
}

/**
 * Whether a value read from a file is a cell: its row, rule, seed, epochs, test error and history.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isCell } from "./results_file.ts";
 * const cell = { row: "a", rule: "bp", seed: 1, epochs: 1, testError: 0.1, history: [] };
 * assertEquals([isCell(cell), isCell({}), isCell(null)], [true, false, false]);
 * ```
 */
export function isCell(c: unknown): c is Cell {
  const o = c as Record<string, unknown>;
  return typeof c === "object" && c !== null && typeof o.row === "string" &&
    typeof o.rule === "string" && Number.isInteger(o.seed) && Number.isInteger(o.epochs) &&
    typeof o.testError === "number" && Array.isArray(o.history);
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
