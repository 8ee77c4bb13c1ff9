/**
 * A worker of the weak-learner pool: loads the run's data once, then trains the learners it is
 * sent and saves their parts.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { getBlas } from "../native/get_blas.ts";
import { learnAndSave } from "./parts.ts";
import { loadRunData, type RunOptions } from "./run.ts";

let options: RunOptions | undefined;
let data: ReturnType<typeof loadRunData> | undefined;

self.onmessage = (e: MessageEvent) => {
  try {
    const m = e.data;
    if (m.type === "init") {
      options = m.options as RunOptions;
      if (options.blas) getBlas().threads = options.blas.threads;
      data = loadRunData(options);
      self.postMessage({ type: "ready" });
    } else if (m.type === "learn") {
      self.postMessage({ type: "done", summary: learnAndSave(options!, m.index, data!) });
    }
  } catch (error) {
    self.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
