// Training one cell of an experiment in its own directory: a checkpoint after every epoch (a killed
// run resumes from its last epoch and ends as an unbroken one would), a lock so that one process
// at a time trains it, and the finished cell.
import { type Dataset, getBlas, Network, parseArchitecture, train } from "../../mod.ts";
import { firstSamples, randomShifts } from "../data/mod.ts";
import { saveCheckpoint } from "../train/mod.ts";
import { DataFormatError, readTextIfExists, writeAll, writeFileAtomic } from "../io/mod.ts";
import { isCell } from "./results_file.ts";
import type { CellPlan } from "./cells.ts";
import { removeCheckpoint, resumeFrom } from "./checkpoints.ts";
import type { Cell } from "./table_markdown.ts";

/**
 * Where a cell keeps its files while it trains: OUT/checkpoints/NAME/ID/.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseExperiment, planCells } from "./mod.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "mine",
 *   rules: ["bp"],
 *   recipe: { optimizer: "adam", lr: 1e-3, batch: 32, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:20" }],
 * }), "mine.json");
 * const [plan] = planCells(exp);
 * import { cellDir } from "./train_cell.ts";
 * assertEquals(cellDir("/runs", "mine", plan), `/runs/checkpoints/mine/${plan.id}`);
 * ```
 */
export function cellDir(outDir: string, experiment: string, plan: CellPlan): string {
  return `${outDir}/checkpoints/${experiment}/${plan.id}`;
}

/**
 * The files of a cell's directory: its checkpoint, its lock, and the cell once finished.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cellFiles } from "./train_cell.ts";
 * assertEquals(cellFiles("/runs/c"), {
 *   checkpoint: "/runs/c/checkpoint.npz",
 *   lock: "/runs/c/lock",
 *   done: "/runs/c/cell.json",
 * });
 * ```
 */
export function cellFiles(dir: string): { checkpoint: string; lock: string; done: string } {
  return { checkpoint: `${dir}/checkpoint.npz`, lock: `${dir}/lock`, done: `${dir}/cell.json` };
}

/**
 * The cell's lock (an exclusive lock on DIR/lock, the directory made if need be), held until
 * closed; undefined when another process, or another open of the lock, holds it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockCell } from "./train_cell.ts";
 * const dir = `${Deno.makeTempDirSync()}/cell`;
 * const lock = lockCell(dir);
 * assertEquals(lock instanceof Deno.FsFile, true);
 * assertEquals(lockCell(dir), undefined);
 * lock?.close();
 * const again = lockCell(dir);
 * assertEquals(again instanceof Deno.FsFile, true);
 * again?.close();
 * ```
 */
export function lockCell(dir: string): Deno.FsFile | undefined {
  Deno.mkdirSync(dir, { recursive: true });
  const file = Deno.openSync(cellFiles(dir).lock, { read: true, write: true, create: true });
  if (file.tryLockSync(true)) return file;
  file.close();
  return undefined;
}

/** What a cell's training reports. */
export interface TrainCellOptions {
  /** The training and test images. */
  data: { train: Dataset; test: Dataset };
  /** Whether BLAS runs with subnormals flushed to zero (recorded in the cell; absent: not). */
  flushSubnormals?: boolean;
  /** Told when training resumes from a checkpoint. */
  onResume?: (epoch: number, checkpoint: string) => void;
  /** Told after each epoch: its number (from 1), training and test error (fractions), seconds. */
  onEpoch?: (epoch: number, trainError: number, testError: number, seconds: number) => void;
}

/**
 * Trains a cell in `dir` (which the caller holds the lock of), resuming from its checkpoint, and
 * returns the finished cell; its checkpoint is removed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Matrix, rowArgmax } from "../../mod.ts";
 * import { parseExperiment, planCells } from "./mod.ts";
 * import { trainCell } from "./train_cell.ts";
 * const exp = parseExperiment(JSON.stringify({
 *   name: "tiny",
 *   input: [1, 2, 2],
 *   rules: ["dfa"],
 *   recipe: { optimizer: "sgd", lr: 0.1, batch: 2, epochs: 2, loss: "ce" },
 *   rows: [{ name: "a", arch: "fc:8" }],
 * }), "tiny.json");
 * const [plan] = planCells(exp);
 * const x = Matrix.from([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
 * const y = Matrix.from([0, 1, 2, 3].map((k) => Array.from({ length: 10 }, (_, j) => +(j === k))));
 * const data = { train: { x, y, labels: rowArgmax(y) }, test: { x, y, labels: rowArgmax(y) } };
 * const epochs: number[] = [];
 * const cell = trainCell(plan, Deno.makeTempDirSync(), { data, onEpoch: (e) => epochs.push(e) });
 * assertEquals([cell.row, cell.rule, cell.seed, cell.history.length], ["a", "dfa", 1, 2]);
 * assertEquals(epochs, [1, 2]);
 * ```
 */
export function trainCell(plan: CellPlan, dir: string, o: TrainCellOptions): Cell {
  const { row, rule, seed, recipe, settings } = plan, files = cellFiles(dir);
  const arch = parseArchitecture(row.arch, row.input, 10, row.activation);
  const net = Network.create({
    ...arch,
    loss: recipe.loss,
    rule,
    init: recipe.init,
    firstInit: recipe.firstInit,
    feedbackInit: recipe.feedbackInit,
    feedbackAt: recipe.feedbackAt,
    seed,
  });
  const resume = resumeFrom(files.checkpoint, net, "delete it to train the cell from the start");
  if (resume) o.onResume?.(resume.epoch, files.checkpoint);
  const epochs = settings.epochs;
  const r = train(net, firstSamples(o.data.train, settings.trainSamples ?? undefined), {
    epochs,
    batchSize: recipe.batch,
    optimizer: {
      name: recipe.optimizer,
      lr: recipe.lr,
      rho: recipe.rho,
      weightDecay: recipe.weightDecay * recipe.batch,
    },
    augment: recipe.shift ? randomShifts(row.input, recipe.shift, seed) : undefined,
    lrDrops: recipe.lrDrops.map((f) => Math.round(f * epochs)).filter((e) => e > 0),
    stopAtTrainError: recipe.stopAtTrainError,
    seed,
    test: o.data.test,
    resume,
    onCheckpoint: (c) => saveCheckpoint(files.checkpoint, net, c),
    onEpoch: (s) => o.onEpoch?.(s.epoch, s.trainError, s.testError ?? NaN, s.seconds),
  });
  const history = r.epochs.map((e) => ({
    epoch: e.epoch,
    trainError: e.trainError,
    testError: e.testError ?? NaN,
  }));
  removeCheckpoint(files.checkpoint);
  return {
    row: row.name,
    rule,
    seed,
    epochs,
    recipe: plan.text,
    settings,
    testError: history.at(-1)!.testError,
    bestTestError: Math.min(...history.map((h) => h.testError)),
    seconds: r.epochs.reduce((t, e) => t + e.seconds, 0), // over every run of the cell
    flushSubnormals: o.flushSubnormals,
    blasCore: getBlas().core,
    history,
  };
}

/**
 * Saves a finished cell in its directory, as DIR/cell.json (for the run that merges the cells:
 * `readDoneCell`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Cell } from "./mod.ts";
 * import { readDoneCell, writeDoneCell } from "./train_cell.ts";
 * const dir = Deno.makeTempDirSync();
 * const cell: Cell = {
 *   row: "a", rule: "bp", seed: 1, epochs: 1, recipe: "", testError: 0.1, bestTestError: 0.1,
 *   seconds: 1, history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }],
 * };
 * writeDoneCell(dir, cell);
 * assertEquals(readDoneCell(dir), cell);
 * ```
 */
export function writeDoneCell(dir: string, cell: Cell): void {
  const text = JSON.stringify(cell) + "\n";
  writeFileAtomic(cellFiles(dir).done, (f) => writeAll(f, new TextEncoder().encode(text)));
}

/**
 * The finished cell saved in a cell's directory (DIR/cell.json), if any.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readDoneCell } from "./train_cell.ts";
 * assertEquals(readDoneCell(Deno.makeTempDirSync()), undefined);
 * ```
 */
export function readDoneCell(dir: string): Cell | undefined {
  const path = cellFiles(dir).done, text = readTextIfExists(path);
  if (text === undefined) return undefined;
  let cell: unknown;
  try {
    cell = JSON.parse(text);
  } catch (error) {
    cell = (error as Error).message;
  }
  if (!isCell(cell)) {
    throw new DataFormatError(
      `Cannot read the finished cell ${path}: ${
        typeof cell === "string" ? `not JSON (${cell})` : "no row, rule, seed, epochs or history"
      }; remove its directory to train the cell again`,
    );
  }
  return cell;
}

/**
 * Removes a merged cell's directory and all in it; a directory already gone is no error.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { removeCellDir } from "./train_cell.ts";
 * const out = Deno.makeTempDirSync(), dir = `${out}/cell`;
 * Deno.mkdirSync(dir);
 * Deno.writeTextFileSync(`${dir}/lock`, "");
 * removeCellDir(dir);
 * removeCellDir(dir);
 * assertEquals([...Deno.readDirSync(out)], []);
 * ```
 */
export function removeCellDir(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
