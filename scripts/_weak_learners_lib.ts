// The weak-learner run shared by the weak-learners, merge-linouts and pipeline scripts: parts on
// disk (one file a learner, written as it completes, so a killed run resumes), a pool of workers,
// shards, and the final stacked files.
import {
  BatchSource,
  DataFormatError,
  getBlas,
  loadNpz,
  ndarray,
  type NpzArrays,
  saveNpz,
  stackOutputs,
  trainWeakLearner,
  type WeakLearnerConfig,
  type WeakLearnerResult,
} from "../mod.ts";
import { firstSamples, loadMnist } from "./_data.ts";

export interface RunOptions {
  config: WeakLearnerConfig;
  data: string;
  trainSamples?: number;
  testSamples?: number;
  outDir: string;
}

export interface LearnerSummary {
  index: number;
  trainError: number;
  testError: number;
  epochs: number;
  seconds: number;
}

export const prefixOf = (config: WeakLearnerConfig) => (config.diff ? "diff-" : "");

/** What determines a learner's outputs: the parts directory is named by its hash. */
function identity(o: RunOptions): string {
  const { config, trainSamples, testSamples } = o;
  return JSON.stringify({
    ...config,
    trainSamples: trainSamples ?? null,
    testSamples: testSamples ?? null,
    data: o.data,
  });
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function partsDir(o: RunOptions): string {
  return `${o.outDir}/parts/${prefixOf(o.config)}weak-learners-${fnv1a(identity(o))}`;
}

export function partPath(o: RunOptions, index: number): string {
  return `${partsDir(o)}/learner-${String(index).padStart(5, "0")}.npz`;
}

function encodeText(text: string) {
  const b = new TextEncoder().encode(text);
  return ndarray("uint8", [b.length], b);
}

export function savePart(o: RunOptions, r: WeakLearnerResult, seconds: number): void {
  const classes = 10;
  saveNpz(partPath(o, r.index), {
    train_linear_outputs: ndarray("float32", [classes, r.train.length / classes], r.train),
    test_linear_outputs: ndarray("float32", [classes, r.test.length / classes], r.test),
    errors: ndarray(
      "float64",
      [4],
      new Float64Array([r.trainError, r.testError, r.epochs, seconds]),
    ),
    identity: encodeText(identity(o)),
  });
}

/** A finished learner's part, or undefined when it is missing or not from this configuration. */
export function readPart(
  o: RunOptions,
  index: number,
): (LearnerSummary & { arrays: NpzArrays }) | undefined {
  let arrays: NpzArrays;
  try {
    arrays = loadNpz(partPath(o, index));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof DataFormatError) return undefined;
    throw error;
  }
  const id = arrays.identity && new TextDecoder().decode(arrays.identity.data as Uint8Array);
  if (
    id !== identity(o) || !arrays.errors || !arrays.train_linear_outputs ||
    !arrays.test_linear_outputs
  ) {
    return undefined;
  }
  const [trainError, testError, epochs, seconds] = arrays.errors.data as Float64Array;
  return { index, trainError, testError, epochs, seconds, arrays };
}

/** Trains one learner in this thread and saves its part. */
export function learnHere(
  o: RunOptions,
  index: number,
  data: ReturnType<typeof loadData>,
): LearnerSummary {
  const t0 = performance.now();
  const r = trainWeakLearner(index, o.config, data, data.source);
  const seconds = (performance.now() - t0) / 1000;
  savePart(o, r, seconds);
  return { index, trainError: r.trainError, testError: r.testError, epochs: r.epochs, seconds };
}

/** The data, and the training set made ready for batches once for all the learners. */
export function loadData(o: RunOptions) {
  const d = loadMnist(o.data), train = firstSamples(d.train, o.trainSamples);
  return {
    train,
    test: firstSamples(d.test, o.testSamples),
    source: new BatchSource(train, o.config.batch),
  };
}

/**
 * Trains the learners in `todo` on `workers` threads (1: in this thread), calling `done` as each
 * finishes. OpenBLAS gets the cores divided among the workers.
 */
export async function trainLearners(
  o: RunOptions,
  todo: number[],
  workers: number,
  done: (s: LearnerSummary) => void,
): Promise<void> {
  if (todo.length === 0) return;
  Deno.mkdirSync(partsDir(o), { recursive: true });
  if (workers <= 1) {
    const data = loadData(o);
    for (const i of todo) done(learnHere(o, i, data));
    return;
  }
  const cores = navigator.hardwareConcurrency;
  getBlas().threads = Math.max(1, Math.floor(cores / workers)); // process-wide, shared by workers
  const queue = [...todo];
  await new Promise<void>((resolve, reject) => {
    let running = 0, failed = false;
    const pool: Worker[] = [];
    const finish = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      if (error || (queue.length === 0 && running === 0)) {
        for (const w of pool) w.terminate();
        error ? reject(error) : resolve();
      }
    };
    for (let w = 0; w < Math.min(workers, todo.length); w++) {
      const worker = new Worker(new URL("./_weak_learner_worker.ts", import.meta.url).href, {
        type: "module",
      });
      pool.push(worker);
      const next = () => {
        const i = queue.shift();
        if (i === undefined) return finish();
        running++;
        worker.postMessage({ type: "learn", index: i });
      };
      worker.onmessage = (e: MessageEvent) => {
        const m = e.data;
        if (m.type === "ready") next();
        else if (m.type === "done") {
          running--;
          done(m.summary);
          next();
        } else if (m.type === "error") finish(new Error(m.message));
      };
      worker.onerror = (e) => {
        e.preventDefault();
        finish(new Error(e.message));
      };
      worker.postMessage({ type: "init", options: o });
    }
  });
}

/** Stacks learners 0 … n−1 from their parts into the final two files (atomically). */
export function writeStacked(o: RunOptions, n: number, trainPath: string, testPath: string): void {
  const train: Float32Array[] = [], test: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const p = readPart(o, i);
    if (!p) {
      throw new DataFormatError(
        `Cannot stack the outputs: learner ${i} has no finished part in ${partsDir(o)}`,
      );
    }
    train.push(p.arrays.train_linear_outputs.data as Float32Array);
    test.push(p.arrays.test_linear_outputs.data as Float32Array);
  }
  saveNpz(trainPath, { train_linear_outputs: stackOutputs(train, 10) });
  saveNpz(testPath, { test_linear_outputs: stackOutputs(test, 10) });
}
