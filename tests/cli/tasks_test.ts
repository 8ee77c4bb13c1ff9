// Each task is declared once: the launcher's table (src/cli/tasks.ts) and deno.json's tasks agree;
// and a task's permission flags (reproduce may start processes only when asked for --jobs, the
// paths its arguments name); and what a task loads as it starts.
import { assert, assertEquals } from "@std/assert";
import { taskFlags } from "../../src/cli/task_flags.ts";
import { denoTaskCommand, LIBRARY_DIRS, TASKS } from "../../src/cli/tasks.ts";
import { runAll, runDeno, tmpOut } from "../_tasks.ts";

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

Deno.test("an experiment file outside the project is granted, and option values are not paths", () => {
  const reads = (task: string, args: string[]) =>
    taskFlags(TASKS[task], "/lib/x.so", args).find((f) => f.startsWith("--allow-read="));
  const file = "/home/me/grids/lr.json";
  for (
    const args of [[file, "--seeds", "2,3"], ["--seeds", "2,3", file], ["--only", "2×800", file]]
  ) {
    assertEquals(reads("reproduce", args), `--allow-read=.,${file}`, args.join(" "));
  }
  // A flag takes no value: the file after it is still a path.
  assertEquals(reads("reproduce", ["--status", file]), `--allow-read=.,${file}`);
  assertEquals(reads("reproduce", ["--no-report", file]), `--allow-read=.,${file}`);
  // A bare name is a table in experiments/ (or a file in the project): nothing more to grant.
  assertEquals(reads("reproduce", ["nokland-table1", "--seeds", "1,2,3"]), "--allow-read=.");
  assertEquals(
    reads("slurm", ["reproduce", file, "--partition", "a,b", "--wait"]),
    `--allow-read=.,${LIBRARY_DIRS.join(",")},${file}`,
  );
  assertEquals(
    reads("stacked-model", ["50", "/scratch/train.npz", "/scratch/test.npz", "--epochs", "3"]),
    "--allow-read=.,/scratch/train.npz,/scratch/test.npz",
  );
});

Deno.test("a task with positional paths lists exactly its script's options that take no value", async () => {
  const positional = Object.entries(TASKS).filter(([, t]) => t.paths?.positional);
  assert(positional.length >= 5, positional.map(([n]) => n).join(", "));
  const helps = await runAll(
    positional.map(([, t]) => () => runDeno(["run", "-A", t.script, ...(t.args ?? []), "--help"])),
  );
  positional.forEach(([name, task], i) => {
    assertEquals(helps[i].code, 0, `${name}: ${helps[i].stderr}`);
    // Help rows: "  --name <value>  help" for an option with a value, "  --name  help" for a flag.
    const flags = [...helps[i].stdout.matchAll(/^ {2}--([\w-]+)(.*)$/gm)].flatMap(([, o, rest]) =>
      rest.startsWith(" <") || o === "help"
        ? []
        : rest.includes(`--no-${o} turns it off`)
        ? [o, `no-${o}`]
        : [o]
    );
    assertEquals([...task.flags ?? []].sort(), flags.sort(), name);
  });
});

interface ModuleGraph {
  roots: string[];
  modules: {
    specifier: string;
    dependencies?: { isDynamic?: boolean; npmPackage?: string; code?: { specifier: string } }[];
  }[];
}

Deno.test("no task loads Vega as it starts: only a report, as it draws its first chart", async () => {
  const dir = await tmpOut();
  try {
    // One module importing every task's script: deno info gives the graph they start with.
    const scripts = [...new Set(Object.values(TASKS).map((t) => t.script))];
    Deno.writeTextFileSync(
      `${root}/${dir}/tasks.ts`,
      scripts.map((s) => `import "../../${s}";\n`).join(""),
    );
    const r = await runDeno(["info", "--json", `${dir}/tasks.ts`]);
    assertEquals(r.code, 0, r.stderr);
    const graph: ModuleGraph = JSON.parse(r.stdout);
    const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
    const vega = (d: { npmPackage?: string }) => /^vega(-lite)?@/.test(d.npmPackage ?? "");
    const loaded = new Set(graph.roots), todo = [...graph.roots];
    const dynamic: string[] = [];
    while (todo.length) {
      for (const d of modules.get(todo.pop()!)?.dependencies ?? []) {
        if (d.isDynamic) {
          if (vega(d)) dynamic.push(d.npmPackage!);
          continue;
        }
        assert(!vega(d), `${d.npmPackage} is imported statically`);
        const next = d.code?.specifier;
        if (next && !loaded.has(next)) loaded.add(next), todo.push(next);
      }
    }
    assert(loaded.size > scripts.length, "the scripts' imports were followed");
    assertEquals(dynamic.length, 2, "vega and vega-lite, imported where a chart is drawn");
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});
