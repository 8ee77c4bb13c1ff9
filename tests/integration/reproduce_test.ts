// deno task reproduce: cells saved as they finish, a rerun resumes, and the Markdown table puts
// ours beside the published figure.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { runTask, tmpOut } from "../_tasks.ts";
import { taskFlags } from "../../src/cli/task_flags.ts";
import { TASKS } from "../../src/cli/tasks.ts";
import { locateOpenBlas } from "../../src/native/mod.ts";
import { loadExperiment, planCells } from "../../src/experiments/mod.ts";
import { loadMnist } from "../../src/data/shipped.ts";
import { getBlas, Network, parseArchitecture, train } from "../../mod.ts";
import { firstSamples } from "../../src/data/mod.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("reproduce runs each cell once, resumes, and tabulates beside the published figure", async () => {
  const dir = await tmpOut();
  try {
    const args = [
      "nokland-table1",
      ...["--only", "1×800", "--rules", "bp,dfa", "--epochs", "1", "--train-samples", "600"],
      ...["--out-dir", dir, "--report-dir", `${dir}/report`],
    ];
    let r = await runTask("reproduce", args);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout.match(/epoch 1\/1/g)?.length, 2, "one epoch for each of two cells");
    const saved = JSON.parse(Deno.readTextFileSync(`${root}/${dir}/nokland-table1.json`));
    assertEquals(saved.cells.map((c: { rule: string }) => c.rule), ["bp", "dfa"]);
    const core = getBlas().core; // the kernels the cells' products ran on
    assertEquals(saved.cells.map((c: { blasCore: string }) => c.blasCore), [core, core]);
    const md = Deno.readTextFileSync(`${root}/${dir}/nokland-table1.md`);
    assertMatch(
      md,
      /\| 1×800 tanh \| \d+\.\d\d \(1 seed\) \| 1\.59 \| – \| 1\.68 \| \d+\.\d\d \(1 seed\) \| 1\.68 \|/,
    );
    assertStringIncludes(md, "| 7×240 tanh | – | 2.16 |");
    // The cell trained with the table's optimiser, its ρ included: the same net trained here with
    // ρ 0.99 ends at the saved test error, and with RMSprop's usual 0.9 it does not.
    const exp = loadExperiment("experiments/nokland-table1.json"), data = loadMnist();
    const table = planCells(exp, { only: "1×800 tanh", rules: ["bp"] })[0].recipe;
    const bpError = (rho: number) => {
      const net = Network.create({
        ...parseArchitecture("fc:800", [1, 28, 28], 10, "tanh"),
        loss: table.loss,
        rule: "bp",
        init: table.init,
        feedbackInit: table.feedbackInit,
        seed: 1,
      });
      return train(net, firstSamples(data.train, 600), {
        epochs: 1,
        batchSize: table.batch,
        optimizer: { name: table.optimizer, lr: table.lr, rho },
        seed: 1,
        test: data.test,
      }).epochs.at(-1)!.testError;
    };
    assertEquals(table.rho, 0.99);
    assertEquals(saved.cells[0].testError, bpError(0.99));
    assertNotEquals(saved.cells[0].testError, bpError(0.9));
    assert(Deno.statSync(`${root}/${dir}/report/report.html`).isFile);
    r = await runTask("reproduce", args); // everything is done: nothing trains again
    assertEquals(r.code, 0, r.stderr);
    assert(!r.stdout.includes("epoch 1/1"), r.stdout);
    // Another budget: its table comes first, the one-epoch table (all its cells) stays below it.
    r = await runTask("reproduce", [
      "nokland-table1",
      ...["--only", "1×800", "--rules", "bp", "--epochs", "2", "--train-samples", "600"],
      ...["--out-dir", dir, "--no-report"],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const both = Deno.readTextFileSync(`${root}/${dir}/nokland-table1.md`);
    const [two, one] = both.split(/^## /m).slice(1);
    assertStringIncludes(two, "2 epochs a cell");
    assertMatch(
      two,
      /\| 1×800 tanh \| \d+\.\d\d \(1 seed\) \| 1\.59 \| – \| 1\.68 \| – \| 1\.68 \|/,
    );
    assertStringIncludes(one, "1 epoch a cell");
    assertMatch(
      one,
      /\| 1×800 tanh \| \d+\.\d\d \(1 seed\) \| 1\.59 \| \d+\.\d\d \(1 seed\) \| 1\.68 \|/,
    );
    assert(!one.includes("7×240"), "other budgets list only the rows that have cells");
    assert(!one.includes("| FA ours"), "and only the rules that have cells");
    assert(
      one.startsWith("Nøkland 2016, Table 1: MNIST, fully connected, test error (%) (1 epoch)\n"),
    );
    r = await runTask("reproduce", ["no-such-table"]);
    assertEquals(r.code, 2);
    assertStringIncludes(
      r.stderr,
      "Cannot find the experiment no-such-table: no file experiments/no-such-table.json " +
        "(experiments: biotorch-lenet, dfa-lr-sweep, nokland-table1)",
    );
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});

Deno.test("two runs of one table at once keep each other's cells", async () => {
  const dir = await tmpOut();
  try {
    const common = ["--only", "1×800", "--epochs", "1", "--train-samples", "300", "--no-report"];
    const runs = await Promise.all(
      ["bp", "dfa", "fa"].map((rule) =>
        runTask("reproduce", ["nokland-table1", ...common, "--rules", rule, "--out-dir", dir])
      ),
    );
    for (const r of runs) assertEquals(r.code, 0, r.stderr);
    const saved = JSON.parse(Deno.readTextFileSync(`${root}/${dir}/nokland-table1.json`));
    assertEquals(saved.cells.map((c: { rule: string }) => c.rule).sort(), ["bp", "dfa", "fa"]);
    // The FA cell started as dfa-torch's does: its first layer at Torch's default, the rest zero.
    const exp = loadExperiment("experiments/nokland-table1.json"), data = loadMnist();
    const table = planCells(exp, { only: "1×800 tanh", rules: ["fa"] })[0].recipe;
    const faError = (firstInit?: "uniform") => {
      const net = Network.create({
        ...parseArchitecture("fc:800", [1, 28, 28], 10, "tanh"),
        loss: table.loss,
        rule: "fa",
        init: "zeros",
        firstInit,
        feedbackInit: table.feedbackInit,
        seed: 1,
      });
      return train(net, firstSamples(data.train, 300), {
        epochs: 1,
        batchSize: table.batch,
        optimizer: { name: table.optimizer, lr: table.lr, rho: table.rho },
        seed: 1,
        test: data.test,
      }).epochs.at(-1)!.testError;
    };
    const fa = saved.cells.find((c: { rule: string }) => c.rule === "fa");
    assertEquals(fa.testError, faError("uniform"));
    assertNotEquals(fa.testError, faError());
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});

Deno.test("two runs asked for the same cell train it once", async () => {
  const dir = await tmpOut();
  try {
    const args = [
      "nokland-table1",
      ...["--only", "1×800", "--rules", "dfa", "--epochs", "2", "--train-samples", "600"],
      ...["--out-dir", dir, "--no-report"],
    ];
    const runs = await Promise.all([runTask("reproduce", args), runTask("reproduce", args)]);
    for (const r of runs) assertEquals(r.code, 0, r.stderr);
    const saved = JSON.parse(Deno.readTextFileSync(`${root}/${dir}/nokland-table1.json`));
    assertEquals(saved.cells.length, 1, runs.map((r) => r.stdout).join("\n"));
    // Each epoch ran once, in one of the two.
    assertEquals(runs.map((r) => r.stdout.match(/epoch \d\/2/g)?.length ?? 0).sort(), [0, 2]);
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
  }
});

Deno.test("a cell killed with SIGKILL resumes from its last epoch's checkpoint and ends as an unbroken run, and --status tells where each cell is", async () => {
  const dir = await tmpOut(), whole = await tmpOut();
  const args = (out: string) => [
    "nokland-table1",
    ...["--only", "1×800", "--rules", "dfa", "--epochs", "4", "--train-samples", "3000"],
    ...["--out-dir", out, "--no-report"],
  ];
  const checkpoints = `${root}/${dir}/checkpoints/nokland-table1`;
  const saved = () => {
    try {
      return [...Deno.readDirSync(checkpoints)].flatMap((e) =>
        [...Deno.readDirSync(`${checkpoints}/${e.name}`)].some((f) => f.name === "checkpoint.npz")
          ? [e.name]
          : []
      );
    } catch {
      return [];
    }
  };
  try {
    const unbroken = runTask("reproduce", args(whole));
    // The training process itself (not the launcher), killed without a chance to clean up.
    const flags = taskFlags(TASKS.reproduce, locateOpenBlas()!, args(dir));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, "scripts/reproduce.ts", ...args(dir)],
      cwd: root,
      stdout: "null",
      stderr: "null",
    }).spawn();
    while (!saved().length) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    assert(!(await child.status).success, "killed before the cell finished");
    assertMatch(saved()[0], /^1_800_tanh-dfa-seed1-[0-9a-f]{8}$/);
    let status = await runTask("reproduce", [...args(dir), "--status"]);
    assertMatch(
      status.stdout,
      /^1×800 tanh DFA seed 1: in training: epoch \d of 4 saved, test error \d+\.\d\d % at it, \d+\.\d s an epoch over the last \d: up to \d+\.\d h to go \(/m,
    );
    const r = await runTask("reproduce", args(dir));
    assertEquals(r.code, 0, r.stderr);
    const after = Number(r.stdout.match(/resuming after epoch (\d)/)?.[1]);
    assertStringIncludes(status.stdout, `in training: epoch ${after} of 4`);
    status = await runTask("reproduce", [...args(dir), "--status"]);
    assertMatch(status.stdout, /^1×800 tanh DFA seed 1: done: \d+\.\d\d % after 4 epochs$/m);
    assert(after >= 1 && after < 4, r.stdout);
    assertEquals(r.stdout.match(/epoch \d\/4/g)?.length, 4 - after, "only the epochs left ran");
    assertEquals([...Deno.readDirSync(checkpoints)], [], "the cell's files go once it is saved");
    assertEquals((await unbroken).code, 0);
    assertEquals(withoutTimes(`${root}/${dir}`), withoutTimes(`${root}/${whole}`));
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
    await Deno.remove(`${root}/${whole}`, { recursive: true });
  }
});

/** A run's results file without the seconds each cell took (all else is the same run to run). */
function withoutTimes(out: string): string {
  return Deno.readTextFileSync(`${out}/nokland-table1.json`).replace(/"seconds": [\d.e+-]+/g, "");
}

Deno.test("an experiment file outside the project runs as one inside it does", async () => {
  const dir = await tmpOut(), away = await Deno.makeTempDir();
  try {
    const file = `${away}/my grid.json`;
    Deno.copyFileSync(`${root}/experiments/dfa-lr-sweep.json`, file);
    const status = (where: string) =>
      runTask("reproduce", ["--seeds", "1,2", where, "--status", "--out-dir", dir]);
    const [outside, inside] = [await status(file), await status("dfa-lr-sweep")];
    assertEquals(outside.code, 0, outside.stderr);
    assertEquals(outside.stdout.match(/: to do$/gm)?.length, 6, "3 rates × 2 seeds");
    assertEquals(outside.stdout, inside.stdout);
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
    await Deno.remove(away, { recursive: true });
  }
});

Deno.test("--jobs 2 writes the files of a run of the cells one by one", async () => {
  const one = await tmpOut(), two = await tmpOut();
  try {
    const args = (out: string) => [
      "nokland-table1",
      ...["--only", "1×800", "--rules", "bp,dfa", "--seeds", "1", "--epochs", "2"],
      ...["--train-samples", "300", "--out-dir", out, "--no-report"],
    ];
    const [a, b] = [
      await runTask("reproduce", args(one)),
      await runTask("reproduce", [...args(two), "--jobs", "2"]),
    ];
    assertEquals([a.code, b.code], [0, 0], a.stderr + b.stderr);
    assertEquals(b.stdout.match(/epoch \d\/2/g)?.length, 4, "each of 2 cells trained once");
    assertEquals(withoutTimes(`${root}/${two}`), withoutTimes(`${root}/${one}`));
    const md = (out: string) => Deno.readTextFileSync(`${root}/${out}/nokland-table1.md`);
    assertEquals(md(two), md(one));
    assertStringIncludes(md(one), "| 1×800 tanh | ");
  } finally {
    await Deno.remove(`${root}/${one}`, { recursive: true });
    await Deno.remove(`${root}/${two}`, { recursive: true });
  }
});

Deno.test("reproduce refuses what would lose or mislabel results: a damaged results file, a cell of fewer images, a selection or a file that matches nothing", async () => {
  const dir = await tmpOut(), out = `${root}/${dir}`;
  try {
    const args = [
      "nokland-table1",
      ...["--only", "1×800", "--epochs", "1", "--out-dir", dir, "--no-report", "--seeds", "1"],
    ];
    // A cell of 300 images is not the cell of all of them.
    let r = await runTask("reproduce", [...args, "--rules", "dfa", "--train-samples", "300"]);
    assertEquals(r.code, 0, r.stderr);
    r = await runTask("reproduce", [...args, "--rules", "dfa", "--status"]);
    assertEquals(r.stdout.trim(), "1×800 tanh DFA seed 1: to do");
    r = await runTask("reproduce", [
      ...args,
      "--rules",
      "dfa",
      "--train-samples",
      "300",
      "--status",
    ]);
    assertMatch(r.stdout, /^1×800 tanh DFA seed 1: done: /);
    // A damaged results file: one line naming it, exit 1, the file as it was.
    const results = `${out}/nokland-table1.json`, whole = Deno.readTextFileSync(results);
    Deno.writeTextFileSync(results, whole.slice(0, 200));
    r = await runTask("reproduce", [...args, "--train-samples", "300", "--rules", "bp"]);
    assertEquals(r.code, 1, r.stdout);
    assertEquals(
      r.stderr.trim().split("\n").at(-1)!.replace(/: not JSON \(.*\); /, ": not JSON; "),
      `reproduce: Cannot read the results file ${dir}/nokland-table1.json: not JSON; repair it ` +
        "or move it away (no cell is written over it)",
    );
    assert(!r.stdout.includes("epoch 1/1"), "nothing trained");
    assertEquals(Deno.readTextFileSync(results), whole.slice(0, 200));
    Deno.writeTextFileSync(results, whole);
    // --only or --rules that match nothing, a bad experiment file: exit 2, nothing touched.
    const refused = async (extra: string[], file = "nokland-table1") => {
      const r = await runTask("reproduce", [file, ...extra, "--out-dir", dir]);
      assertEquals(r.code, 2, r.stdout + r.stderr);
      assert(!r.stdout.includes("epoch"), r.stdout);
      return r.stderr.trim();
    };
    assertEquals(
      await refused(["--only", "no such row"]),
      "reproduce: Cannot select rows: no row of nokland-table1 matches --only: no such row (see --help)",
    );
    assertStringIncludes(
      await refused(["--rules", "dfa,bogus"]),
      "reproduce: Cannot select rules: no row picked runs bogus (they run bp, fa, dfa)",
    );
    assertStringIncludes(await refused(["--seeds", "1,,2"]), "--seeds has an empty item: 1,,2");
    const bad = `${dir}/bad.json`;
    Deno.writeTextFileSync(
      `${root}/${bad}`,
      Deno.readTextFileSync(`${root}/experiments/nokland-table1.json`).replace(
        '"lr": 1e-4',
        '"lr": "1e-4"',
      ),
    );
    assertEquals(
      await refused([], bad),
      `reproduce: Cannot read the experiment ${bad}: recipe.lr: must be a number > 0 and ≤ 1000: ` +
        '"1e-4" (see --help)',
    );
    assertEquals(Deno.readTextFileSync(results), whole, "the results file untouched");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
