// Hostile and careless option values through the tasks as users run them: each is one line on
// stderr naming the option (or the file) and the value, exit 2 for a usage error and 1 for a bad
// file, never a stack trace or "a bug in dfa", and refused before any training.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { loadNpz, ndarray, saveNpz } from "../../src/io/mod.ts";
import { type Shard, writeShard } from "../../src/stacking/mod.ts";
import { runAll, runDeno, runTask, tmpOut } from "../_tasks.ts";

const root = new URL("../..", import.meta.url).pathname;

function oneLine(r: { code: number; stderr: string }, code: number, ...parts: string[]) {
  assertEquals(r.code, code, r.stderr);
  assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
  for (const p of parts) assertStringIncludes(r.stderr, p);
  assert(!/\n\s+at /.test(r.stderr), "no stack trace");
  assert(!r.stderr.includes("a bug in dfa"), r.stderr);
}

/** The launcher run as the mnist task runs it, with another task name. */
function launch(name: string) {
  const tasks = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).tasks;
  const words = (tasks.mnist as string).split(" ").slice(1, -1); // drop "deno" and "mnist"
  return runDeno([...words, name]);
}

const quick = ["--epochs", "1", "--no-report", "--quiet"];

Deno.test("option names that are Object.prototype members are unknown options, not crashes", async (t) => {
  const options = [["--constructor", "x"], ["--valueOf", "x"], ["--hasOwnProperty=1"]];
  const runs = await runAll([
    ...options.map((args) => () => runTask("mnist", [...quick, ...args])),
    () => launch("constructor"),
    () => runDeno(["run", "scripts/runner.ts", "constructor"]),
  ]);
  for (const [i, args] of options.entries()) {
    await t.step(args.join(" "), () => oneLine(runs[i], 2, "unknown option", args[0]));
  }
  await t.step("launch.ts constructor", () => {
    oneLine(runs[3], 2, "unknown task: constructor");
  });
  await t.step("dfa-runner constructor", () => oneLine(runs[4], 2, "unknown task"));
});

Deno.test("empty option values are usage errors naming the option", async (t) => {
  const cases: [string, string[], string][] = [
    ["mnist", ["--arch", ""], "--arch needs a value: ''"],
    ["mnist", ["--arch", ","], '--arch: Cannot build layer 1 of ",": it is empty'],
    ["mnist", ["--arch", "fc:8,,fc:4"], "--arch: Cannot build layer 2"],
    ["mnist", ["--lr", ""], "--lr needs a value"],
    ["mnist", ["--checkpoint-dir="], "--checkpoint-dir: the path is empty"],
    ["mnist", ["--data="], "--data: the path is empty"],
    ["reproduce", ["nokland-table1", "--seeds", ""], "--seeds needs a value"],
    ["reproduce", ["nokland-table1", "--seeds", "1,,2"], "--seeds has an empty item: 1,,2"],
    ["stacking-study", ["--seeds", "1,,2"], "--seeds must be integers"],
  ];
  const runs = await runAll(
    cases.map(([task, args]) => () => runTask(task, [...(task === "mnist" ? quick : []), ...args])),
  );
  for (const [i, [task, args, text]] of cases.entries()) {
    await t.step(`${task} ${args.join(" ")}`, () => oneLine(runs[i], 2, text));
  }
});

Deno.test("a net too large for memory is refused at once, naming --arch and --max-gb", async () => {
  for (const arch of ["conv:100000x5x5", "fc:800x100000"]) {
    const r = await runTask("mnist", [...quick, "--arch", arch]);
    oneLine(r, 2, `--arch: Cannot allocate a network of "${arch}"`, "--max-gb");
  }
});

Deno.test("a shift beyond the image names --shift", async () => {
  const r = await runTask("mnist", [...quick, "--shift", "9007199254740991"]);
  oneLine(r, 2, "--shift must be an integer ≤ 27: 9007199254740991");
});

Deno.test("a shard whose identity is not JSON, or whose count is negative, names the file", async (t) => {
  const dir = await tmpOut();
  const shard = (identity: string, n: number): Shard => ({
    n,
    learners: Int32Array.of(0),
    errors: new Float64Array(4),
    classes: 2,
    train: new Float32Array(6),
    test: new Float32Array(4),
    identity,
  });
  try {
    for (
      const [name, s, text] of [
        ["not-json", shard("{not json", 1), "its identity is not a JSON object"],
        ["negative", shard('{"diff":false}', -4), "'n' must be the run's learners, ≥ 1: -4"],
        ["huge", shard('{"diff":false}', 2 ** 31 - 1), "2147483646 of 2147483647 learners"],
      ] as const
    ) {
      await t.step(name, async () => {
        const path = `${dir}/${name}.npz`;
        writeShard(`${root}/${path}`, s);
        const r = await runTask("merge-linouts", [path, "--out-dir", dir]);
        oneLine(r, 1, name === "huge" ? "Cannot merge" : path, text);
      });
    }
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});

Deno.test("an edited checkpoint is refused naming the field, not resumed", async () => {
  const dir = await tmpOut();
  try {
    // A tiny MNIST-shaped set: 16 features, 10 classes.
    const X = (m: number) => ndarray("float32", [16, m], new Float32Array(16 * m).fill(0.5));
    const y = new Float32Array(10 * 20);
    for (let s = 0; s < 20; s++) y[(s % 10) * 20 + s] = 1;
    const Y = ndarray("float32", [10, 20], y);
    saveNpz(`${root}/${dir}/tiny.npz`, { X_train: X(20), y_train: Y, X_test: X(20), y_test: Y });
    const args = ["--data", `${dir}/tiny.npz`, "--rule", "dfa", "--hidden", "8", "--no-report"];
    const ckpt = ["--checkpoint-dir", `${dir}/ckpt`, "--quiet"];
    let r = await runTask("mnist", [...args, ...ckpt, "--epochs", "2"]);
    assertEquals(r.code, 0, r.stderr);
    const path = `${root}/${dir}/ckpt/dfa.npz`, arrays = loadNpz(path);
    const state = JSON.parse(new TextDecoder().decode(arrays.checkpoint.data as Uint8Array));
    state.epoch = 4; // as if the run were done with 2 epochs of history
    const bytes = new TextEncoder().encode(JSON.stringify(state));
    saveNpz(path, { ...arrays, checkpoint: ndarray("uint8", [bytes.length], bytes) });
    r = await runTask("mnist", [...args, ...ckpt, "--epochs", "4"]);
    oneLine(r, 1, "dfa.npz", "'history' must list the 4 epochs done: 2 entries");
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});
