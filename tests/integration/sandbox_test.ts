import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runDeno, runTask } from "../_tasks.ts";
import { taskFlags } from "../../src/cli/task_flags.ts";
import { LIBRARY_DIRS, TASKS } from "../../src/cli/tasks.ts";
import { locateOpenBlas } from "../../src/native/mod.ts";

const root = new URL("../..", import.meta.url).pathname;
const tasks: Record<string, string> =
  JSON.parse(await Deno.readTextFile(`${root}/deno.json`)).tasks;

Deno.test("no task runs with -A or network access, and none writes outside data/", () => {
  for (const [name, command] of Object.entries(tasks)) {
    const words = command.split(/\s+/);
    assert(!words.includes("-A") && !words.includes("--allow-all"), `${name} uses -A`);
    if (name === "test") continue; // the test runner serves the repository on 127.0.0.1
    assert(!words.some((w) => w.startsWith("--allow-net")), `${name} has network access`);
    for (const w of words.filter((w) => w.startsWith("--allow-write"))) {
      // build:wasm writes the embedded kernels; docs, the results tables of the documents.
      const own: Record<string, string> = {
        "build:wasm": "--allow-write=src/kernels/kernels_wasm.ts",
        docs: "--allow-write=README.md,docs,results",
      };
      assert(w === "--allow-write=data" || w === own[name], `${name}: ${w}`);
    }
    if (words.includes("scripts/launch.ts")) {
      // The launcher itself only looks for the library and runs deno; the task's own flags are
      // in its table: writes to data/ at most, FFI only ever scoped to one library.
      assertEquals(words.at(-1), name);
      assert(words.includes(`--allow-read=${LIBRARY_DIRS.join(",")}`), `${name}: launcher reads`);
      assert(words.includes("--allow-run=deno"), name);
      // Writes go to data/; the study and reproduce also record their results in results/.
      const allowed = ["stacking-study", "reproduce"].includes(name)
        ? ["data", "results"]
        : ["data"];
      for (const w of TASKS[name].write ?? []) assert(allowed.includes(w), `${name} writes ${w}`);
      const flags = taskFlags(TASKS[name], "/lib/x.so");
      assert(!flags.includes("--allow-ffi") && !flags.includes("--allow-env"), name);
    }
  }
});

Deno.test("a training task's permissions deny writes outside data/ and network connections", async () => {
  // A probe run under exactly the flags of `deno task weak-learners`.
  const flags = taskFlags(TASKS["weak-learners"], locateOpenBlas()!);
  const probe = `${root}/data/sandbox-probe-${crypto.randomUUID().slice(0, 8)}.ts`;
  await Deno.mkdir(`${root}/data`, { recursive: true });
  await Deno.writeTextFile(
    probe,
    `const out = [];
try { Deno.writeTextFileSync("/tmp/dfa-escape.txt", "x"); out.push("wrote"); } catch (e) { out.push(e.name); }
try { await fetch("http://127.0.0.1:8911/"); out.push("fetched"); } catch (e) { out.push(/net access/.test(e.message) ? "no net" : e.message); }
try { Deno.writeTextFileSync("${root}/data/sandbox-ok.txt", "x"); Deno.removeSync("${root}/data/sandbox-ok.txt"); out.push("data ok"); } catch (e) { out.push(e.name); }
console.log(out.join(","));`,
  );
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...flags, probe],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(r.stdout).trim(), "NotCapable,no net,data ok");
  } finally {
    await Deno.remove(probe);
  }
});

Deno.test("a task writes outside data/ only where its arguments name, else one line names the permission", async () => {
  // --out-dir and --data widen the scopes by exactly what they name ...
  const flags = taskFlags(TASKS["weak-learners"], "/lib/x.so", [
    "4",
    "--out-dir",
    "/scratch/run1",
    "--data=/scratch/mnist.npz",
  ]);
  assert(flags.includes("--allow-write=data,/scratch/run1"), flags.join(" "));
  assert(flags.includes("--allow-read=.,/scratch/mnist.npz,/scratch/run1"), flags.join(" "));
  // A file written atomically (a temporary file beside it) widens the write scope by its directory.
  const dataset = taskFlags(TASKS["create-dataset"], "", ["--out", "/scratch/mnist.npz"]);
  assert(dataset.includes("--allow-write=data,/scratch"), dataset.join(" "));
  // ... and a path that no such option names stays out of reach.
  const r = await runTask("linear-net", [
    "--epochs",
    "2",
    "--quiet",
    "--report-dir",
    "/tmp/dfa-escape",
  ]);
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "/tmp/dfa-escape");
  assertStringIncludes(r.stderr, "--allow-");
  assertStringIncludes(r.stderr, `--allow-ffi=${locateOpenBlas()} `, "the library it loaded");
  assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
});

Deno.test("a task runs with OpenBLAS at a non-Debian path, its FFI scoped to that path alone", async () => {
  // A copy of the library where no distribution puts it, found only through DFA_OPENBLAS_PATH.
  const dir = await Deno.makeTempDir(), lib = `${dir}/lib/libopenblas.so.0`;
  await Deno.mkdir(`${dir}/lib`);
  await Deno.copyFile(locateOpenBlas()!, lib);
  try {
    const r = await runTask("linear-net", ["--epochs", "20", "--quiet", "--no-report", "--json"], {
      DFA_OPENBLAS_PATH: lib,
      DFA_LAUNCH_PRINT: "1",
    });
    assertEquals(r.code, 0, r.stderr);
    const command = r.stderr.split("\n").find((l) => l.startsWith("deno run"))!;
    assertStringIncludes(command, ` --allow-ffi=${lib} `);
    assertEquals(command.match(/--allow-ffi/g)?.length, 1, command);
    assert(!command.includes(" -A ") && !command.includes("--allow-net"), command);
    assert(JSON.parse(r.stdout.trim().split("\n").at(-1)!).cost > 0);
    // FFI covers the copy alone, so the run's products went through it (the loader skips any
    // path the permission does not cover).
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the package stays publishable: deno publish --dry-run passes", async () => {
  const r = await runDeno(["publish", "--dry-run", "--allow-dirty"]);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertStringIncludes(r.stdout + r.stderr, "Dry run complete");
  // What is published: the library and its licence, not the tests, scripts or data.
  assertStringIncludes(r.stdout + r.stderr, "LICENSE");
  assert(!(r.stdout + r.stderr).includes("tests/"), "tests are not published");
});

Deno.test("a path with a comma or an empty path given to a task is refused before the task starts", async () => {
  const hostile: [string, string[]][] = [
    ["mnist", ["--checkpoint-dir", "data/c,/"]],
    ["mnist", ["--checkpoint-dir=data/c,"]],
    ["mnist", ["--checkpoint-dir="]],
    ["weak-learners", ["4", "--out-dir", ",/"]],
    ["weak-learners", ["4", "--data", "data/mnist.npz,/etc"]],
    ["merge-linouts", ["data/a.npz,/", "--out-dir", "data/m"]],
    ["stacked-model", ["4", "data/t.npz", "", "--mnist", "data/mnist.npz"]],
    ["slurm", ["weak-learners", "4", "--openblas", "/usr/lib/libopenblas.so,/"]],
  ];
  for (const [task, args] of hostile) {
    // --help: a task that did start would only print its help.
    const r = await runTask(task, [...args, "--help"], { DFA_LAUNCH_PRINT: "1" });
    assertEquals(r.code, 2, `${task} ${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assertEquals(lines.length, 1, r.stderr); // no child started (it would print its flags), no trace
    assert(lines[0].startsWith(`${task}: Cannot grant access to `), lines[0]);
    const path = args.find((a) => a.includes(",")) ?? "";
    if (path) assert(lines[0].endsWith(`: ${path.replace(/^--[\w-]+=/, "")}`), lines[0]);
  }
  // compile-runner bakes its scopes into the runner: a comma in its FFI library is refused too.
  const c = await runTask("compile-runner", [
    "--read",
    "data",
    "--write",
    "data",
    "--openblas",
    "/usr/lib/libopenblas.so,/",
  ]);
  assertEquals(c.code, 2, c.stderr);
  assertEquals(c.stderr.trim().split("\n").length, 1, c.stderr);
  assertStringIncludes(c.stderr, "comma would widen the permission scope");
  // A path with a space is granted as exactly itself: the child's flags name it once, whole.
  const r = await runTask("mnist", ["--checkpoint-dir", "data/a b", "--help"], {
    DFA_LAUNCH_PRINT: "1",
  });
  assertEquals(r.code, 0, r.stderr);
  const command = r.stderr.split("\n").find((l) => l.startsWith("deno run"))!;
  assertStringIncludes(command, " --allow-write=data,data/a b ");
  assertStringIncludes(command, " --allow-read=.,data/a b ");
});

Deno.test("the launcher knows only its own tasks and options, not Object's members", async () => {
  const launcher = tasks["mnist"].split(" ").slice(1, -1); // deno run … scripts/launch.ts
  for (const name of ["constructor", "__proto__", "toString"]) {
    const r = await runDeno([...launcher, name]);
    assertEquals(r.code, 2, r.stderr);
    assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
    assertStringIncludes(r.stderr, `launch: unknown task: ${name}`);
  }
  // An option named like one of Object's members is no path option: no scope, no crash.
  const flags = taskFlags(TASKS["weak-learners"], "/lib/x.so", ["--constructor", "/", "4"]);
  assert(flags.includes("--allow-read=."), flags.join(" "));
});
