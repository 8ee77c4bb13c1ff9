// Checkpoint files for the scripts: a run's file put back into its network (none yet: a fresh
// start), and a finished run's file removed with what a kill while writing it left beside it.
import { DataFormatError, type Network, RULES } from "../../mod.ts";
import { checkpointHistory, loadCheckpoint, type TrainCheckpoint } from "../train/mod.ts";
import { lockDirectory } from "../io/mod.ts";
import { pct, secs } from "../report/format.ts";

/**
 * The checkpoint at `path` put back into `net`, or undefined when there is none yet. A file of
 * another network fails with the message and `hint`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { resumeFrom } from "./mod.ts";
 * const net = Network.create({ sizes: [2, 3, 2] });
 * assertEquals(resumeFrom(`${await Deno.makeTempDir()}/run.npz`, net, "a fresh start"), undefined);
 * ```
 */
export function resumeFrom(path: string, net: Network, hint: string): TrainCheckpoint | undefined {
  try {
    return loadCheckpoint(path, net);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof DataFormatError) throw new DataFormatError(`${error.message} (${hint})`);
    throw error;
  }
}

/**
 * Removes a finished run's checkpoint, its lock file, and the partial files of a run killed while
 * writing it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { removeCheckpoint } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * for (const name of ["run.npz", "run.npz.lock", "run.npz.partial-1-x", "other.npz"]) Deno.writeTextFileSync(`${dir}/${name}`, "");
 * removeCheckpoint(`${dir}/run.npz`);
 * assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["other.npz"]);
 * ```
 */
export function removeCheckpoint(path: string): void {
  const dir = path.slice(0, path.lastIndexOf("/")), base = path.slice(dir.length + 1);
  for (const e of Deno.readDirSync(dir)) {
    if (e.name === base || e.name === `${base}.lock` || e.name.startsWith(`${base}.partial-`)) {
      Deno.removeSync(`${dir}/${e.name}`);
    }
  }
}

/**
 * Keeps `dir` to this run until disposed (created if needed; what a killed run left half-written
 * in it is removed, and nothing else); another run's lock is a one-line error naming its pid.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lockCheckpoints } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * Deno.writeTextFileSync(`${dir}/dfa.npz.partial-1-x`, ""); // what a killed run left
 * Deno.writeTextFileSync(`${dir}/mnist.npz.partial-2-y`, ""); // another task's file in flight
 * {
 *   using _lock = lockCheckpoints(dir);
 *   assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [".dfa.lock", "mnist.npz.partial-2-y"]);
 * }
 * ```
 */
export function lockCheckpoints(dir: string): Disposable {
  // The run's files: one checkpoint a rule, RULE.npz.
  const lock = lockDirectory(dir, (path) => RULES.some((rule) => path === `${rule}.npz`));
  return { [Symbol.dispose]: () => lock.release() };
}

/**
 * Where a run in training stands, from its checkpoint: "epoch 100 of 300 saved, test error 3.62 %
 * at it, 72.0 s an epoch over the last 10: up to 4.0 h to go"; undefined when there is none.
 *
 * @example
 * ```ts
 * import { assertEquals, assertMatch } from "@std/assert";
 * import { Matrix, Network, rowArgmax, train } from "../../mod.ts";
 * import { saveCheckpoint } from "../train/mod.ts";
 * import { trainingStatus } from "./mod.ts";
 * const x = Matrix.from([[0, 1], [1, 0]]), y = Matrix.from([[1, 0], [0, 1]]), data = { x, y, labels: rowArgmax(y) };
 * const path = `${await Deno.makeTempDir()}/run.npz`, net = Network.create({ sizes: [2, 3, 2], seed: 1 });
 * train(net, data, { epochs: 2, batchSize: 2, optimizer: { name: "sgd", lr: 0.1 }, onCheckpoint: (c) => saveCheckpoint(path, net, c) });
 * assertMatch(trainingStatus(path, 5)!, /^epoch 2 of 5 saved, test error /);
 * assertEquals(trainingStatus(`${path}.missing`, 5), undefined);
 * ```
 */
export function trainingStatus(path: string, epochs: number): string | undefined {
  const history = checkpointHistory(path);
  if (!history?.length) return undefined;
  const recent = history.slice(-10), last = history.at(-1)!;
  const pace = recent.reduce((t, e) => t + e.seconds, 0) / recent.length;
  const left = Math.max(0, epochs - history.length) * pace / 3600;
  return `epoch ${history.length} of ${epochs} saved, test error ${pct(last.testError)} at it, ` +
    `${secs(pace)} an epoch over the last ${recent.length}: up to ${left.toFixed(1)} h to go`;
}
