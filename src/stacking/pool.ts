/**
 * Weak learners trained by a pool of worker threads (or in this thread), each saved as it
 * finishes. Each worker's products run on the process's OpenBLAS threads (the same as in this
 * thread), so a learner's outputs do not depend on the number of workers.
 *
 * @module
 */

import { learnAndSave, partsDir } from "./parts.ts";
import { type LearnerSummary, loadRunData, type RunOptions } from "./run.ts";

/**
 * Trains the learners in `todo` on `workers` threads (1: in this thread), calling `done` as each
 * finishes; their parts are saved in the run's parts directory.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { finishedParts, trainLearners, WEAK_LEARNER_DEFAULTS } from "./mod.ts";
 * const dir = await Deno.makeTempDir(); // a tiny MNIST: four 2×2 images, labels 0 to 3, as IDX files
 * for (const split of ["train", "t10k"]) {
 *   Deno.writeFileSync(`${dir}/${split}-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...new Array(16).keys()]));
 *   Deno.writeFileSync(`${dir}/${split}-labels-idx1-ubyte`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]));
 * }
 * const run = { config: { ...WEAK_LEARNER_DEFAULTS, hidden: 3, batch: 2, diff: false }, data: `${dir}/mnist.npz`, fallbackIdxDir: dir, outDir: dir };
 * const done: number[] = [];
 * await trainLearners(run, [0, 1, 2], 1, (s) => done.push(s.index));
 * assertEquals([done, finishedParts(run)], [[0, 1, 2], new Set([0, 1, 2])]);
 * ```
 *
 * @param o The run.
 * @param todo The learners to train.
 * @param workers Threads (1: this one).
 * @param done Called with each finished learner's summary.
 * @throws {Error} The first failure of a worker, after stopping the others.
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
    const data = loadRunData(o);
    for (const i of todo) done(learnAndSave(o, i, data));
    return;
  }
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
      const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
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
