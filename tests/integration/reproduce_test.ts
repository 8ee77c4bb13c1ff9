// deno task reproduce: cells saved as they finish, a rerun resumes, and the Markdown table puts
// ours beside the published figure.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { runTask, spawnTask, tmpOut } from "../_tasks.ts";
import { cellRecipe, selectRows, TABLES } from "../../src/experiments/tables.ts";
import { type Cell, meanCurves, tableMarkdown } from "../../src/experiments/table_markdown.ts";
import { loadMnist } from "../../src/data/shipped.ts";
import { getBlas, Network, parseArchitecture, type Rule, train } from "../../mod.ts";
import { MNIST_PRESETS, presetInit } from "../../src/train/mod.ts";
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
    const table = TABLES["nokland-table1"], data = loadMnist();
    const bpError = (rho: number) => {
      const net = Network.create({
        ...parseArchitecture("fc:800", [1, 28, 28], 10, "tanh"),
        loss: table.loss,
        rule: "bp",
        init: table.init("bp", "tanh"),
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
    assertMatch(one, /\| 1×800 tanh \| \d+\.\d\d \(1 seed\) \| 1\.59 \| – \| 1\.68 \| \d+/);
    assert(!one.includes("7×240"), "other budgets list only the rows that have cells");
    r = await runTask("reproduce", ["no-such-table"]);
    assertEquals(r.code, 2);
    assertStringIncludes(
      r.stderr,
      "TABLE must be one of nokland-table1, biotorch-lenet: no-such-table",
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
    const table = TABLES["nokland-table1"], data = loadMnist();
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

Deno.test("no table starts a ReLU net from zero weights, which would never learn", () => {
  for (const [name, table] of Object.entries(TABLES)) {
    for (const row of table.rows) {
      for (const rule of row.rules ?? table.rules) {
        const init = table.init(rule, row.activation);
        if (row.activation === "relu") {
          assertEquals(init, "uniform", `${name}, ${row.name}, ${rule}`);
        }
      }
    }
  }
  // Nøkland's recipe keeps its zeros where they work: tanh nets under FA and DFA, but for FA's
  // first layer (a plain nn.Linear in dfa-torch), and its cells' recipe says so.
  const nokland = TABLES["nokland-table1"], row = (name: string) => selectRows(nokland, name)[0];
  assertEquals(nokland.init("dfa", "tanh"), "zeros");
  assertEquals([nokland.firstInit?.("fa"), nokland.firstInit?.("dfa")], ["uniform", undefined]);
  assertStringIncludes(
    cellRecipe(nokland, row("2×800 tanh"), "fa"),
    "first layer's weights uniform, the others zeros",
  );
  for (const [name, rule] of [["2×800 tanh", "dfa"], ["2×800 ReLU", "fa"]] as const) {
    assert(!cellRecipe(nokland, row(name), rule).includes("first layer"), `${name} ${rule}`);
  }
  assertEquals(presetInit(MNIST_PRESETS.nokland, "dfa", "tanh"), "zeros");
  assertEquals(presetInit(MNIST_PRESETS.nokland, "fa", "relu"), "uniform");
});

Deno.test("--only picks the row of that exact name, else every row containing it", () => {
  const lenet = TABLES["biotorch-lenet"];
  const names = (only?: string) => selectRows(lenet, only).map((r) => r.name);
  assertEquals(names("LeNet-5 (ReLU)"), ["LeNet-5 (ReLU)"]);
  assertEquals(names("shifts"), ["LeNet-5 (ReLU), shifts ±2"]);
  assertEquals(names("LeNet"), lenet.rows.map((r) => r.name));
  assertEquals(names(), lenet.rows.map((r) => r.name));
  assertEquals(names("no such row"), []);
});

Deno.test("cells of an earlier recipe are listed with it, apart from today's table", () => {
  const table = TABLES["nokland-table1"];
  const cell = (rule: Rule, recipe: string, testError: number, stoppedAt: number): Cell => ({
    row: "1×800 tanh",
    rule,
    seed: 1,
    epochs: 300,
    recipe,
    testError,
    bestTestError: testError,
    seconds: 1,
    history: Array.from(
      { length: stoppedAt },
      (_, e) => ({ epoch: e + 1, trainError: 0.1 / (e + 1), testError }),
    ),
  });
  const today = table.recipe("bp");
  const md = tableMarkdown(table, [
    cell("bp", today, 0.0159, 3),
    cell("bp", "RMSprop lr 1e-4 (an older recipe)", 0.0172, 3),
  ], 300);
  const [now, earlier] = md.split("## Cells of earlier recipes");
  assertStringIncludes(now, "| 1×800 tanh | 1.59 (1 seed) | 1.59 |");
  assert(!now.includes("1.72"), now);
  assertStringIncludes(
    earlier,
    "| 1×800 tanh | BP | 300 | 1.72 (1 seed) | 1.59 | RMSprop lr 1e-4 (an older recipe) |",
  );
  assert(!tableMarkdown(table, [cell("bp", today, 0.0159, 3)], 300).includes("earlier"));
  // A cell trained with subnormals flushed is marked, and the mark explained once; others are not.
  const flushed = tableMarkdown(table, [
    cell("bp", today, 0.0159, 3),
    { ...cell("dfa", table.recipe("dfa"), 0.0168, 3), flushSubnormals: true },
  ], 300);
  assertStringIncludes(
    flushed,
    "| 1×800 tanh | 1.59 (1 seed) | 1.59 | – | 1.68 | 1.68 (1 seed) ᶠ |",
  );
  assertEquals(flushed.match(/ᶠ: trained with subnormal floats flushed to zero/g)?.length, 1);
  assert(!md.includes("ᶠ"), md);
  // The OpenBLAS kernels of the cells, once under the table, where any cell recorded them.
  assert(!md.includes("OpenBLAS kernels"), md);
  const dfa = (seed: number) => ({
    ...cell("dfa", table.recipe("dfa"), 0.0168, 3),
    seed,
    blasCore: "Cooperlake",
  });
  const cores = tableMarkdown(table, [
    { ...cell("bp", today, 0.0159, 3), blasCore: "Prescott" },
    dfa(2),
    dfa(1),
    { ...cell("bp", today, 0.0161, 3), seed: 2 },
  ], 300);
  assertStringIncludes(
    cores,
    "OpenBLAS kernels (`Blas.core`): Cooperlake for 1×800 tanh DFA (seeds 1, 2); Prescott for " +
      "1×800 tanh BP (seed 1); not recorded for the other cell (saved before cells recorded them).",
  );
  assertStringIncludes(
    tableMarkdown(table, [dfa(1), dfa(2)], 300),
    "OpenBLAS kernels (`Blas.core`): Cooperlake for every cell.",
  );
  // Earlier cells in the table's order (row, then rule), whatever the file's; the budget's heading
  // says what rows add to a rule's recipe (FA's first layer under Nøkland's recipe).
  const older = "RMSprop (older)";
  const listed = tableMarkdown(table, [
    { ...cell("dfa", older, 0.02, 3), row: "2×800 tanh" },
    cell("dfa", older, 0.02, 3),
    cell("bp", older, 0.02, 3),
  ], 300).split("## Cells of earlier recipes")[1].split("\n").filter((l) => l.includes(older));
  assertEquals(listed.map((l) => l.split(" | ").slice(0, 2).join(" ")), [
    "| 1×800 tanh BP",
    "| 1×800 tanh DFA",
    "| 2×800 tanh DFA",
  ]);
  assertStringIncludes(md, "FA in 7×240 tanh; 100×240 tanh; 1×800 tanh;");
  assertStringIncludes(md, "2×800 logistic: first layer's weights uniform, the others zeros)");
  // Two seeds the stopping rule ended at epochs 2 and 4: the mean curve runs 4 epochs, each the
  // mean of the runs that reached it.
  const curves = meanCurves([cell("dfa", today, 0.02, 2), {
    ...cell("dfa", today, 0.04, 4),
    seed: 2,
  }]);
  const test = curves.filter((p) => p.set === "test").map((p) => p["error (%)"]);
  assertEquals(test.map((v) => Number(v).toFixed(2)), ["3.00", "3.00", "4.00", "4.00"]);
});

Deno.test("a killed reproduce resumes its cell from the last epoch's checkpoint, as if never stopped, and --status tells where each cell is", async () => {
  const dir = await tmpOut(), whole = await tmpOut();
  const args = (out: string) => [
    "nokland-table1",
    ...["--only", "1×800", "--rules", "dfa", "--epochs", "6", "--train-samples", "3000"],
    ...["--out-dir", out, "--no-report"],
  ];
  const checkpoints = `${root}/${dir}/checkpoints/nokland-table1`;
  const listed = () => {
    try {
      return [...Deno.readDirSync(checkpoints)].map((e) => e.name);
    } catch {
      return [];
    }
  };
  try {
    const unbroken = runTask("reproduce", args(whole));
    const child = spawnTask("reproduce", args(dir));
    while (!listed().some((f) => f.endsWith(".npz"))) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM"); // the launcher passes it on to the run
    assert(!(await child.status).success, "killed before the cell finished");
    const file = listed().find((f) => f.endsWith(".npz"))!;
    assertMatch(file, /^1_800_tanh-dfa-seed1-[0-9a-f]{8}\.npz$/);
    let status = await runTask("reproduce", [...args(dir), "--status"]);
    assertMatch(
      status.stdout,
      /^1×800 tanh DFA seed 1: in training: epoch \d of 6 saved, test error \d+\.\d\d % at it, \d+\.\d s an epoch over the last \d: up to \d+\.\d h to go \(/m,
    );
    const r = await runTask("reproduce", args(dir));
    assertEquals(r.code, 0, r.stderr);
    const after = Number(r.stdout.match(/resuming after epoch (\d)/)?.[1]);
    assertStringIncludes(status.stdout, `in training: epoch ${after} of 6`);
    status = await runTask("reproduce", [...args(dir), "--status"]);
    assertMatch(status.stdout, /^1×800 tanh DFA seed 1: done: \d+\.\d\d % after 6 epochs$/m);
    assert(after >= 1 && after < 6, r.stdout);
    assertEquals(r.stdout.match(/epoch \d\/6/g)?.length, 6 - after, "only the epochs left ran");
    assertEquals(listed(), [], "the checkpoint goes once the cell is saved");
    assertEquals((await unbroken).code, 0);
    const cell = (out: string) =>
      JSON.parse(Deno.readTextFileSync(`${root}/${out}/nokland-table1.json`)).cells[0];
    assertEquals(cell(dir).history, cell(whole).history);
    assertEquals(cell(dir).testError, cell(whole).testError);
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
    await Deno.remove(`${root}/${whole}`, { recursive: true });
  }
});
