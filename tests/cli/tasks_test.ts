// Each task is declared once: the launcher's table (src/cli/tasks.ts) and deno.json's tasks agree;
// and a task's permission flags (reproduce may start processes only when asked for --jobs).
import { assert, assertEquals } from "@std/assert";
import { denoTaskCommand, taskFlags, TASKS } from "../../src/cli/tasks.ts";

const root = new URL("../..", import.meta.url).pathname;
const denoTasks: Record<string, string> =
  JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).tasks;

Deno.test("every launcher task has a deno.json task running exactly it through the launcher", () => {
  for (const name of Object.keys(TASKS)) {
    assertEquals(denoTasks[name], denoTaskCommand(name), `deno.json's ${name}`);
  }
});

Deno.test("every deno.json task that runs the launcher is in the launcher's table", () => {
  for (const [name, command] of Object.entries(denoTasks)) {
    if (!command.includes("scripts/launch.ts")) continue;
    assert(name in TASKS, `deno.json's ${name} is not in src/cli/tasks.ts`);
    assertEquals(command, denoTaskCommand(name), name);
  }
});

Deno.test("every launcher task says in one line what it does, and its script exists", () => {
  for (const [name, task] of Object.entries(TASKS)) {
    assert(task.description.length > 0 && !task.description.includes("\n"), name);
    assert(task.description.length <= 90, `${name}: ${task.description.length} characters`);
    assert(Deno.statSync(`${root}/${task.script}`).isFile, `${name}: ${task.script}`);
  }
});

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
