// One entry point for the tasks a cluster node runs, for `deno compile` (compile-runner): the
// executable needs neither Deno nor the project on the node, only the data and OpenBLAS.
//
//   dfa-runner weak-learners|merge-linouts|stacked-model [ARGS…]
import { setCliArgs } from "../src/cli/options.ts";

const TASKS: Record<string, () => Promise<unknown>> = {
  "weak-learners": () => import("./weak_learners.ts"),
  "merge-linouts": () => import("./merge_linouts.ts"),
  "stacked-model": () => import("./stacked_model.ts"),
};

const [task, ...args] = Deno.args, load = Object.hasOwn(TASKS, task ?? "") && TASKS[task];
if (!load) {
  console.error(
    `dfa-runner: unknown task: ${task ?? "(none)"}; tasks: ${Object.keys(TASKS).join(", ")}`,
  );
  Deno.exit(2);
}
setCliArgs(args);
await load();
