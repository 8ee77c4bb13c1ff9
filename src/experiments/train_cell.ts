// Training one cell of an experiment in its own directory: a checkpoint after every epoch (a killed
// run resumes from its last epoch and ends as an unbroken one would), a lock so that one process
// at a time trains it, and the finished cell.
import { type Dataset, getBlas, Network, parseArchitecture, train } from "../../mod.ts";
import { firstSamples, randomShifts } from "../data/mod.ts";
import { saveCheckpoint } from "../train/mod.ts";
import { writeAll, writeFileAtomic } from "../io/mod.ts";
import type { CellPlan } from "./cells.ts";
import { removeCheckpoint, resumeFrom } from "./checkpoints.ts";
import type { Cell } from "./table_markdown.ts";

/** Where a cell keeps its files while it trains: OUT/checkpoints/NAME/ID/. */
export function cellDir(outDir: string, experiment: string, plan: CellPlan): string {
  return `${outDir}/checkpoints/${experiment}/${plan.id}`;
}

/** The files of a cell's directory: its checkpoint, its lock, and the cell once finished. */
export function cellFiles(dir: string): { checkpoint: string; lock: string; done: string } {
  return { checkpoint: `${dir}/checkpoint.npz`, lock: `${dir}/lock`, done: `${dir}/cell.json` };
}

/** The cell's lock, held until closed; undefined when another process holds it. */
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

/** Saves a finished cell in its directory (for the run that merges the cells: `readDoneCell`). */
export function writeDoneCell(dir: string, cell: Cell): void {
  const text = JSON.stringify(cell) + "\n";
  writeFileAtomic(cellFiles(dir).done, (f) => writeAll(f, new TextEncoder().encode(text)));
}

/** The finished cell saved in a cell's directory, if any. */
export function readDoneCell(dir: string): Cell | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(cellFiles(dir).done));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Removes a merged cell's directory. */
export function removeCellDir(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
