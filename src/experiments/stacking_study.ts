// The stacking study behind the README's table: for each seed, N weak learners that share an
// initialisation and N that do not (trained when their outputs are missing), then the dense and
// RD stacked models with the defaults, with the original's recipe and as RD trained by DFA, on the
// very same outputs (or one given set of outputs for every seed, and the original program's own
// runs read from its logs beside ours). Each finished cell is saved to the results file at once: a
// killed study resumes.
import { LINOUT_KEYS, linoutPaths } from "../stacking/outputs.ts";
import { loadNpz } from "../io/npz.ts";
import { readTextIfExists, writeAll, writeFileAtomic } from "../io/files.ts";
import { DataFormatError } from "../io/ndarray.ts";
import { runWeakLearners } from "../stacking/weak_learners.ts";
import { stackedModel } from "../stacking/stacked_model.ts";
import { WEAK_LEARNER_DEFAULTS } from "../stacking/weak_learner.ts";
import { DEFAULT_MNIST, fallbackFor, loadMnistLabels } from "../data/shipped.ts";
import { parseOriginalLog } from "../stacking/original_log.ts";
import { pct, secs } from "../report/format.ts";
import { mean, std } from "./statistics.ts";

/** One model trained on one seed's learners. */
export interface StudyCell {
  seed: number;
  kind: "same" | "diff";
  model: "dense" | "rd";
  /**
   * exact, original, an RD DFA variant (dfa-random, dfa-aligned, dfa-signs, dfa-warmup), or
   * original-program: the original program itself, read from what it printed.
   */
  update: string;
  testError: number;
  trainError: number;
  epochs: number;
  bestEpoch: number;
  /** Absent for the original program's runs. */
  seconds?: number;
}

/** How D1 gets the error when an RD layer is trained by DFA (see src/stacking/rd_dfa.ts). */
export const DFA_VARIANTS = ["random", "aligned", "signs", "warmup"] as const;

/** The study's settings. */
export interface StudyOptions {
  /** Weak learners a seed and kind. */
  n: number;
  seeds: number[];
  /** The results file, read first (a resumed study) and written after every cell. */
  out: string;
  /**
   * The models: all, the default and original ones (main), the RD-by-DFA variants, or the
   * original's recipe (`update: "original"`) alone.
   */
  only: "all" | "main" | "dfa" | "original";
  /** The stacked models run (default both): the dense one, the RD one. */
  models?: readonly ("dense" | "rd")[];
  /** Skip seeds whose learners' outputs are missing instead of training them. */
  existing: boolean;
  /**
   * Stack the outputs in this directory (`train_linouts.npz`, `test_linouts.npz`) for every seed
   * instead of each seed's own learners (never trained: they must exist).
   */
  outputs?: string;
  /** With `outputs`: the diff-init files (`diff-train_linouts.npz` …), recorded as kind diff. */
  diff?: boolean;
  /**
   * Record the original program's runs too: `DIR/dense-SEED.log` and `DIR/rd-SEED.log`, what its
   * `stacked-model.py` and `RD-stacked-model.py` printed (a missing file is skipped).
   */
  originalLogs?: string;
}

/**
 * A study's cells from its results file: none when there is no file yet.
 *
 * @throws {DataFormatError} When the file is not a study's results (no cell is written over it).
 */
function readStudy(path: string): StudyCell[] {
  const text = readTextIfExists(path);
  if (text === undefined) return [];
  let cells: unknown;
  try {
    cells = JSON.parse(text).cells;
  } catch (error) {
    cells = (error as Error).message;
  }
  if (!Array.isArray(cells)) {
    throw new DataFormatError(
      `Cannot read the study's results file ${path}: ${
        typeof cells === "string" ? `not JSON (${cells})` : "no list of cells"
      }; repair it or move it away (no cell is written over it)`,
    );
  }
  return cells as StudyCell[];
}

/** A cell's identity in a study: seed, kind, model and update. */
function cellKey(c: StudyCell): string {
  return `${c.seed} ${c.kind} ${c.model} ${c.update}`;
}

/** Runs what the results file lacks; `log` gets a line as each step starts or cell ends. */
export async function runStackingStudy(
  o: StudyOptions,
  log: (line: string) => void,
): Promise<StudyCell[]> {
  const { n, out } = o;
  const cells = readStudy(out), models = o.models ?? ["dense", "rd"];
  const labels = loadMnistLabels(DEFAULT_MNIST);
  const kinds = o.outputs === undefined
    ? ["same", "diff"] as const
    : [o.diff ? "diff" : "same"] as const;
  // Under a lock, the cells another study wrote meanwhile are kept: two studies may share a file.
  const save = () => {
    using lock = Deno.openSync(`${out}.lock`, { read: true, write: true, create: true });
    lock.lockSync(true);
    const theirs = readStudy(out).filter((c) => !cells.some((m) => cellKey(m) === cellKey(c)));
    cells.push(...theirs);
    const text = JSON.stringify({ n, outputs: o.outputs, cells }, null, 1) + "\n";
    writeFileAtomic(out, (f) => writeAll(f, new TextEncoder().encode(text)));
  };
  const done = (seed: number, kind: string, model: string, update: string) =>
    cells.some((c) =>
      c.seed === seed && c.kind === kind && c.model === model && c.update === update
    );
  for (const seed of o.seeds) {
    for (const kind of kinds) {
      const outDir = o.outputs ?? `data/exp/${kind}-${seed}`;
      const paths = linoutPaths(outDir, kind === "diff");
      for (const model of o.originalLogs === undefined ? [] : models) {
        if (done(seed, kind, model, "original-program")) continue;
        const r = readOriginalLog(`${o.originalLogs}/${model}-${seed}.log`);
        if (!r) continue;
        cells.push({ seed, kind, model, update: "original-program", ...r, bestEpoch: r.epochs });
        save();
        log(`seed ${seed} ${kind}-init ${model} original program: test error ${pct(r.testError)}`);
      }
      const updates = o.only === "original" ? ["original"] : [
        ...(o.only === "dfa" ? [] : ["exact", "original"]),
        ...(o.only === "main" ? [] : DFA_VARIANTS.map((v) => `dfa-${v}`)),
      ];
      const todo = models.flatMap((model) =>
        updates.filter((update) => model === "rd" || !update.startsWith("dfa"))
          .filter((update) => !done(seed, kind, model, update)).map((update) => ({ model, update }))
      );
      if (!todo.length) continue;
      try {
        Deno.statSync(paths.test);
      } catch {
        if (o.outputs !== undefined) {
          throw new Deno.errors.NotFound(
            `Cannot stack the outputs in ${o.outputs}: no ${paths.test}`,
          );
        }
        if (o.existing) continue;
        log(`== ${kind}-init weak learners, seed ${seed}`);
        await runWeakLearners({
          config: { ...WEAK_LEARNER_DEFAULTS, seed, diff: kind === "diff" },
          data: DEFAULT_MNIST,
          fallbackIdxDir: fallbackFor(DEFAULT_MNIST),
          outDir,
        }, n);
      }
      const train = loadNpz(paths.train, [LINOUT_KEYS.train])[LINOUT_KEYS.train];
      const test = loadNpz(paths.test, [LINOUT_KEYS.test])[LINOUT_KEYS.test];
      for (const { model, update } of todo) {
        const dfa = update.startsWith("dfa-") ? update.slice(4) : "";
        const r = stackedModel({
          n,
          train,
          test,
          labels,
          layer: model,
          seed,
          rule: dfa ? "dfa" : "bp",
          update: update === "original" ? "original" : "exact",
          rdFeedback: dfa === "aligned" || dfa === "signs" ? dfa : "random",
          warmup: dfa === "warmup" ? 5 : 0,
        });
        const cell: StudyCell = {
          seed,
          kind,
          model,
          update,
          testError: r.testError,
          trainError: r.trainError,
          epochs: r.epochs,
          bestEpoch: r.bestEpoch,
          seconds: r.seconds,
        };
        cells.push(cell);
        save();
        log(
          `seed ${seed} ${kind}-init ${model} ${update}: test error ${pct(r.testError)} (${
            secs(r.seconds)
          })`,
        );
      }
    }
  }
  return cells;
}

/** The original program's figures from one of its logs; undefined when there is no such log. */
function readOriginalLog(file: string) {
  const text = readTextIfExists(file);
  return text === undefined ? undefined : parseOriginalLog(text, file);
}

/** The study's table: per model and update, mean ± std of the test error (%) over the seeds. */
export function studyTable(cells: StudyCell[]): string[] {
  const lines = [`\n${"".padEnd(24)}  same-init          diff-init`];
  for (const model of ["dense", "rd"]) {
    const updates = [
      "exact",
      "original",
      "original-program",
      ...DFA_VARIANTS.map((v) => `dfa-${v}`),
    ];
    for (const update of updates) {
      if (model === "dense" && update.startsWith("dfa")) continue;
      const row = (["same", "diff"] as const).map((kind) => {
        const v = cells.filter((c) => c.kind === kind && c.model === model && c.update === update)
          .map((c) => 100 * c.testError);
        return v.length ? `${mean(v).toFixed(2)} ± ${std(v).toFixed(2)} % (${v.length})` : "–";
      });
      lines.push(
        `${`${model} ${update === "exact" ? "default" : update}`.padEnd(24)}  ${
          row[0].padEnd(17)
        }  ${row[1]}`,
      );
    }
  }
  return lines;
}
