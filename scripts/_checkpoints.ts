// Checkpoint files for the scripts: a run's file put back into its network (none yet: a fresh
// start), and a finished run's file removed with what a kill while writing it left beside it.
import { DataFormatError, loadCheckpoint, type Network, type TrainCheckpoint } from "../mod.ts";
import { lockDirectory } from "../src/io/mod.ts";

/**
 * The checkpoint at `path` put back into `net`, or undefined when there is none yet. A file of
 * another network fails with the message and `hint`.
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
 * in it is removed); another run's lock is a one-line error naming its pid.
 */
export function lockCheckpoints(dir: string): Disposable {
  const lock = lockDirectory(dir);
  return { [Symbol.dispose]: () => lock.release() };
}
