// The permission flags of a task: reproduce may start processes (deno, through the launcher) only
// when asked for --jobs, and its cells' processes get none of that.
import { assert, assertEquals } from "@std/assert";
import { taskFlags, TASKS } from "../../src/cli/tasks.ts";

Deno.test("reproduce may run deno only with --jobs", () => {
  const run = (args: string[]) =>
    taskFlags(TASKS.reproduce, "/usr/lib/libopenblas.so.0", args).filter((f) =>
      f.startsWith("--allow-run")
    );
  assertEquals(run(["nokland-table1"]), []);
  assertEquals(run(["nokland-table1", "--jobs", "2"]), ["--allow-run=deno"]);
  assertEquals(run(["nokland-table1", "--jobs=2"]), ["--allow-run=deno"]);
  assertEquals(run(["nokland-table1", "--cell", "x-bp-seed1-0000beef"]), []);
  assert(!taskFlags(TASKS.mnist, "/lib.so", ["--jobs", "2"]).some((f) => f.includes("allow-run")));
});
