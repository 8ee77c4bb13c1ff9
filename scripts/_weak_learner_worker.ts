// A worker of the weak-learner pool: loads MNIST once, then trains the learners it is sent.
/// <reference lib="deno.worker" />
import { learnHere, loadData, type RunOptions } from "./_weak_learners_lib.ts";

let options: RunOptions | undefined;
let data: ReturnType<typeof loadData> | undefined;

self.onmessage = (e: MessageEvent) => {
  try {
    const m = e.data;
    if (m.type === "init") {
      options = m.options as RunOptions;
      data = loadData(options);
      self.postMessage({ type: "ready" });
    } else if (m.type === "learn") {
      self.postMessage({ type: "done", summary: learnHere(options!, m.index, data!) });
    }
  } catch (error) {
    self.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
