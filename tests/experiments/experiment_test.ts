// Experiment files: the shipped tables, every kind of bad file refused in one line naming the
// field, sweeps expanded, a cell's identity, and the migration of results saved before cells
// carried their settings.
import { assert, assertEquals, assertMatch, assertThrows } from "@std/assert";
import {
  type Cell,
  cellText,
  type Experiment,
  ExperimentFileError,
  findCell,
  loadExperiment,
  migrateCells,
  parseExperiment,
  parseSelection,
  planCells,
  readDoneCell,
  readResults,
  selectRows,
  writeResults,
} from "../../src/experiments/mod.ts";
import { DataFormatError } from "../../mod.ts";

const root = new URL("../..", import.meta.url).pathname;
const load = (name: string) => loadExperiment(`${root}/experiments/${name}.json`);

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** A small valid experiment, with `change` applied to its JSON. */
/** The refusal of a key given twice at `at`. */
const twice1 = (at: string) => `${at}: given twice (JSON would keep only the last)`;

function grid(change: (o: Json) => void = () => {}): string {
  const o: Json = {
    name: "mine",
    rules: ["bp", "dfa"],
    seeds: [1, 2],
    recipe: { optimizer: "rmsprop", lr: 1e-4, batch: 64, epochs: 3, loss: "bce" },
    rows: [
      { name: "1×100 tanh", arch: "fc:100", published: { dfa: 2.5 } },
      { name: "2×50 ReLU", arch: "fc:50x2", activation: "relu" },
    ],
  };
  change(o);
  return JSON.stringify(o);
}

/** The one-line message a bad file is refused with. */
function refusal(text: string): string {
  const e = assertThrows(() => parseExperiment(text, "mine.json"), ExperimentFileError);
  assert(!e.message.includes("\n"), e.message);
  assertMatch(e.message, /^Cannot read the experiment mine\.json: /);
  return e.message.replace("Cannot read the experiment mine.json: ", "");
}

Deno.test("the shipped tables load with the recipes their saved cells were trained under", () => {
  const nokland = load("nokland-table1"), lenet = load("biotorch-lenet");
  assertEquals(nokland.rows.length, 8);
  assertEquals(planCells(nokland).length, 24);
  assertEquals(planCells(lenet).length, 8 + 8 + 3 + 2);
  const row = (exp: Experiment, name: string) => selectRows(exp, name)[0];
  // The texts the cells in results/ carry (their recipe when they were trained).
  const rmsprop = "RMSprop lr 1e-4 (ρ 0.99, Torch's default), batch 64, sigmoid outputs with " +
    "binary cross-entropy, stopped once the running mean training error is ≤ 0.01 % (dfa-torch's rule)";
  assertEquals(cellText(nokland, row(nokland, "2×800 tanh"), "dfa"), rmsprop);
  assertEquals(
    cellText(nokland, row(nokland, "2×800 tanh"), "fa"),
    `${rmsprop}, first layer's weights uniform, the others zeros`,
  );
  assertEquals(cellText(nokland, row(nokland, "2×800 ReLU"), "fa"), rmsprop);
  const adam = "Adam lr 1e-3 divided by 10 at 50 % and 75 % of the epochs, ";
  assertEquals(
    cellText(lenet, row(lenet, "LeNet-5 (ReLU)"), "usf"),
    `${adam}L2 weight decay 5e-4 a sample, batch 64, softmax outputs with cross-entropy`,
  );
  assertEquals(
    cellText(lenet, row(lenet, "LeNet-5 (ReLU), feedback after pooling"), "dfa"),
    `${adam}batch 64, softmax outputs with cross-entropy, feedback at each block's output ` +
      "(after pooling)",
  );
  // Nøkland's zeros where they work, never on a ReLU net; his FA keeps a Torch first layer.
  const plan = (exp: Experiment, only: string, rule: string) =>
    planCells(exp, { only, rules: [rule], seeds: [1] })[0].recipe;
  assertEquals([plan(nokland, "2×800 tanh", "dfa").init, plan(nokland, "2×800 ReLU", "dfa").init], [
    "zeros",
    "uniform",
  ]);
  assertEquals(plan(nokland, "2×800 tanh", "fa").firstInit, "uniform");
  assertEquals(plan(lenet, "shifts", "bp").shift, 2);
  assertEquals(lenet.rows[0].published.bp, {
    value: 0.91,
    source: lenet.source,
    seen: true,
  });
  assertEquals(nokland.rows[0].published.bp?.seen, false);
});

Deno.test("each kind of bad experiment file is refused in one line naming the field", () => {
  const cases: [string, (o: Json) => void, RegExp][] = [
    ["unknown key", (o) => o.colour = 1, /^colour: unknown key/],
    [
      "unknown recipe key",
      (o) => o.rows[1].recipe = { lrr: 1 },
      /^rows\[1\]\.recipe\.lrr: unknown/,
    ],
    ["wrong type", (o) => o.recipe.lr = "fast", /^recipe\.lr: must be a number > 0.*: "fast"$/],
    ["negative batch", (o) => o.recipe.batch = -4, /^recipe\.batch: must be a whole number/],
    ["unknown rule", (o) => o.rules = ["bp", "bogus"], /^rules\[1\]: must be one of bp, /],
    ["missing field", (o) => delete o.recipe.loss, /^recipe\.loss: missing$/],
    ["no rows", (o) => o.rows = [], /^rows: must be a list of at least 1/],
    [
      "an architecture that does not fit",
      (o) => o.rows[0].arch = "conv:6x50x50",
      /^rows\[0\]\.arch: Cannot build conv:6x50x50/,
    ],
    [
      "a rule that cannot train a layer",
      (o) => Object.assign(o.rows[0], { arch: "rd:100", rules: ["fa"], published: {} }),
      /^rows\[0\]\.rules: fa cannot train rd:100: Cannot build an FA network with RD layers/,
    ],
    [
      "a sweep in a rule's override",
      (o) => o.ruleRecipes = { dfa: { lr: [1e-4, 1e-3] } },
      /^ruleRecipes\.dfa\.lr: a sweep/,
    ],
    [
      "two rows of one name",
      (o) => o.rows[1].name = o.rows[0].name,
      /^rows: two rows have the same/,
    ],
    [
      "a figure for a rule the row does not run",
      (o) => o.rows[0].published = { fa: 2 },
      /^rows\[0\]\.published\.fa: the row does not run fa/,
    ],
    ["a name that is no file name", (o) => o.name = "../x", /^name: must be letters/],
    [
      "a newline in a name",
      (o) => o.rows[0].name = "a\nb",
      /^rows\[0\]\.name: must be a non-empty/,
    ],
    [
      "a shift past the image",
      (o) => o.recipe.shift = 40,
      /^rows\[0\]: bp's shift must be smaller than the image \(1×28×28\): 40$/,
    ],
    [
      "a note on no field",
      (o) => o.recipe.notes = { speed: "x" },
      /^recipe\.notes\.speed: names no/,
    ],
    [
      "rho of 1, which no optimiser takes",
      (o) => o.recipe.rho = 1,
      /^recipe\.rho: must be a number ≥ 0 and < 1: 1$/,
    ],
    [
      "a row name too long to name files",
      (o) => o.rows[0].name = "r".repeat(101),
      /^rows\[0\]\.name: must be at most 100 characters \(it names files\): 101$/,
    ],
    ["null for an object", (o) => o.published = null, /^published: must be an object: null$/],
    [
      "a note on a name of every object",
      (o) => o.recipe.notes = { constructor: "x" },
      /^recipe\.notes\.constructor: names no/,
    ],
    ["notes as a list", (o) => o.recipe.notes = [{ lr: "a" }], /^recipe\.notes: must be an object/],
    ["a rule twice", (o) => o.rules = ["bp", "bp"], /^rules: names a value twice: "bp"$/],
    [
      "a rule's recipe no row runs",
      (o) => o.ruleRecipes = { fa: { lr: 1 } },
      /^ruleRecipes\.fa: no row runs/,
    ],
    [
      "a row's rule recipe for a rule it does not run",
      (o) => o.rows[0].ruleRecipes = { fa: { lr: 1 } },
      /^rows\[0\]\.ruleRecipes\.fa: the row does not run fa \(bp, dfa\)$/,
    ],
    [
      "a rho that no optimizer but RMSprop reads",
      (o) => Object.assign(o.recipe, { optimizer: "adam", rho: 0.9 }),
      /^rows\[0\]: bp's rho is RMSprop's, and its optimizer is adam: 0\.9$/,
    ],
    ["a seed twice", (o) => o.seeds = [1, 1], /^seeds: names a value twice: 1$/],
    [
      "a line separator in a name",
      (o) => o.rows[0].name = "a\u2028b",
      /^rows\[0\]\.name: must be a non-empty string of one line/,
    ],
    [
      "a published figure as text",
      (o) => o.rows[0].published = { bp: "1.5" },
      /^rows\[0\]\.published\.bp: must be a number or an object \(value, source, seen\): "1\.5"$/,
    ],
  ];
  for (const [what, change, message] of cases) assertMatch(refusal(grid(change)), message, what);
  assertMatch(refusal(grid((o) => o.recipe.lr = 1e-3).replace("0.001", "1e999")), /: Infinity$/);
  assertEquals(parseExperiment("\uFEFF" + grid(), "mine.json").name, "mine"); // a BOM is fine
  // A key given twice: JSON.parse would keep the last without a word.
  const twice = (from: string, to: string) => refusal(grid().replace(from, to));
  assertEquals(twice('"lr":0.0001', '"lr":0.001,"lr":0.0001'), twice1("recipe.lr"));
  assertEquals(
    twice('"arch":"fc:50x2"', '"arch":"fc:50x2", "arch" : "fc:50"'),
    twice1("rows[1].arch"),
  );
  assertEquals(twice('"name":"mine"', '"name":"mine","name":"mine"'), twice1("name"));
  assertEquals(twice('"dfa":2.5', '"dfa":2.5,"d\\u0066a":2.5'), twice1("rows[0].published.dfa"));
  // Alike keys in different objects, and a key that only looks alike inside a string, are fine.
  assertEquals(
    parseExperiment(grid((o) => o.about = '{"lr": 1, "lr": 2} [ ] \\'), "mine.json").name,
    "mine",
  );
  assertMatch(refusal("{ not json"), /^\(file\): not JSON/);
  assertMatch(refusal("[1]"), /^\(file\): must be an object/);
  const e = assertThrows(() => loadExperiment("no-such-table"), ExperimentFileError);
  assertMatch(
    e.message,
    /^Cannot find the experiment no-such-table: no file experiments\/no-such-/,
  );
});

Deno.test("a recipe field given as a list sweeps: one row per value, in the file's order", () => {
  const exp = parseExperiment(
    grid((o) => {
      o.recipe.lr = [1e-4, 3e-4, 1e-3];
      o.rows[1].recipe = { batch: [32, 64] };
      o.ruleRecipes = { dfa: { lr: 5e-4 } };
    }),
    "mine.json",
  );
  assertEquals(exp.rows.map((r) => r.name), [
    "1×100 tanh, lr 1e-4",
    "1×100 tanh, lr 3e-4",
    "1×100 tanh, lr 1e-3",
    "2×50 ReLU, lr 1e-4, batch 32",
    "2×50 ReLU, lr 1e-4, batch 64",
    "2×50 ReLU, lr 3e-4, batch 32",
    "2×50 ReLU, lr 3e-4, batch 64",
    "2×50 ReLU, lr 1e-3, batch 32",
    "2×50 ReLU, lr 1e-3, batch 64",
  ]);
  const plans = planCells(exp, { seeds: [1] });
  assertEquals(plans.length, 9 * 2);
  const lr = (row: string, rule: string) =>
    plans.find((p) => p.row.name === row && p.rule === rule)!.settings.lr;
  assertEquals(lr("1×100 tanh, lr 3e-4", "bp"), 3e-4);
  // The file's sweep ranks as the file's own value: a rule's override wins over it.
  assertEquals(lr("1×100 tanh, lr 3e-4", "dfa"), 5e-4);
  assertEquals(plans.find((p) => p.row.name.endsWith("batch 32"))!.settings.batch, 32);
  // A row's own value replaces the file's sweep for that row; lrDrops sweeps as lists of lists.
  const own = parseExperiment(
    grid((o) => {
      o.recipe.lr = [1e-4, 1e-3];
      o.rows[0].recipe = { lr: 2e-4, lrDrops: [[], [0.5]] };
    }),
    "mine.json",
  );
  assertEquals(own.rows.map((r) => r.name), [
    "1×100 tanh, lrDrops none",
    "1×100 tanh, lrDrops 0.5",
    "2×50 ReLU, lr 1e-4",
    "2×50 ReLU, lr 1e-3",
  ]);
  assertEquals(planCells(own, { seeds: [1] })[2].settings.lrDrops, [0.5]);
  assertEquals(planCells(own, { seeds: [1] })[2].settings.lr, 2e-4);
});

Deno.test("--only or --rules that match nothing, a bad seed, or rows made alike by --epochs are refused naming them", () => {
  const exp = parseExperiment(grid(), "mine.json");
  const only = assertThrows(() => planCells(exp, { only: "no such row" }), ExperimentFileError);
  assertEquals(only.message, "Cannot select rows: no row of mine matches --only: no such row");
  const rules = assertThrows(
    () => planCells(exp, { rules: ["dfa", "bogus"] }),
    ExperimentFileError,
  );
  assertEquals(rules.message, "Cannot select rules: no row picked runs bogus (they run bp, dfa)");
  assertThrows(() => planCells(exp, { seeds: [-1] }), ExperimentFileError, "whole number ≥ 0");
  // An epochs sweep under --epochs: its rows would train the same cells, each twice.
  const sweep = parseExperiment(grid((o) => o.recipe.epochs = [2, 4]), "mine.json");
  assertEquals(planCells(sweep, { seeds: [1] }).length, 8);
  assertEquals(planCells(sweep, { seeds: [1], only: "epochs 2" }, { epochs: 1 }).length, 4);
  assertEquals(
    assertThrows(() => planCells(sweep, {}, { epochs: 1 }), ExperimentFileError).message,
    "Cannot run rows 1×100 tanh, epochs 2 and 1×100 tanh, epochs 4: they train the same BP cells " +
      "under --epochs 1 (they differ only in epochs)",
  );
  assertThrows(() => parseSelection(undefined, undefined, "1,01"), ExperimentFileError, "twice");
  assertThrows(() => parseSelection(undefined, "bp,bp"), ExperimentFileError, "twice");
  assertThrows(
    () => parseSelection(undefined, undefined, "2147483648"),
    ExperimentFileError,
    "2147483647",
  );
  assertThrows(() => planCells(exp, { only: " " }), ExperimentFileError, "--only is empty");
  assertEquals(planCells(exp, { only: "ReLU", rules: ["dfa"] }).map((p) => p.seed), [1, 2]);
});

/** A saved cell of a plan (its settings as planned, or as `change` makes them). */
function savedCell(exp: Experiment, i: number, change: Partial<Cell> = {}): Cell {
  const p = planCells(exp)[i];
  return {
    row: p.row.name,
    rule: p.rule,
    seed: p.seed,
    epochs: p.settings.epochs,
    recipe: p.text,
    settings: p.settings,
    testError: 0.1,
    bestTestError: 0.1,
    seconds: 1,
    history: [{ epoch: 1, trainError: 0.2, testError: 0.1 }],
    ...change,
  };
}

Deno.test("a cell is the same cell only under every setting that changes its result", () => {
  const exp = parseExperiment(grid(), "mine.json"), cell = savedCell(exp, 0);
  assert(findCell([cell], planCells(exp)[0]));
  assert(!findCell([cell], planCells(exp)[1]), "another seed");
  assert(!findCell([cell], planCells(exp, {}, { trainSamples: 500 })[0]), "fewer images");
  assert(!findCell([cell], planCells(exp, {}, { epochs: 4 })[0]), "another budget");
  const other = parseExperiment(grid((o) => o.recipe.rho = 0.9), "mine.json");
  assert(!findCell([cell], planCells(other)[0]), "another optimiser setting");
  const part = savedCell(exp, 0, { settings: { ...cell.settings!, trainSamples: 500 } });
  assert(!findCell([part], planCells(exp)[0]), "a cell of 500 images is not the full cell");
});

Deno.test("cells saved before cells carried settings are migrated by their recipe's text", () => {
  const exp = parseExperiment(grid(), "mine.json");
  const { settings: _, ...legacy } = savedCell(exp, 0);
  const older = { ...legacy, seed: 2, recipe: "RMSprop lr 1e-4, an earlier recipe" };
  const otherBudget = { ...legacy, epochs: 7 };
  const [now, before, longer] = migrateCells(exp, [legacy, older, otherBudget]);
  assertEquals(now.settings, planCells(exp)[0].settings);
  assertEquals(before, older, "a cell of an earlier recipe keeps no settings");
  assertEquals(longer.settings, planCells(exp, {}, { epochs: 7 })[0].settings);
  assert(findCell([now], planCells(exp)[0]), "found again: not trained twice");
  assert(!findCell([now], planCells(exp, {}, { trainSamples: 500 })[0]));
  // The results files of both shipped tables: every cell of today's recipes is recognised.
  for (const name of ["nokland-table1", "biotorch-lenet"]) {
    const table = load(name);
    const cells = readResults(`${root}/results/${name}.json`, table);
    const migrated = cells.filter((c) => c.settings);
    assert(migrated.length > 40, `${name}: ${migrated.length}`);
    for (const c of cells) {
      const row = table.rows.find((r) => r.name === c.row);
      const current = row !== undefined && cellText(table, row, c.rule) === c.recipe;
      assertEquals(c.settings !== undefined, current, `${name}: ${c.row} ${c.rule} ${c.recipe}`);
    }
  }
});

Deno.test("a damaged results file is refused naming it, and a written one is whole", () => {
  const exp = parseExperiment(grid(), "mine.json"), dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/mine.json`;
    assertEquals(readResults(path, exp), [], "no file yet: no cells");
    writeResults(path, exp, [savedCell(exp, 0), savedCell(exp, 1)]);
    const whole = Deno.readTextFileSync(path);
    assertEquals(readResults(path, exp).length, 2);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["mine.json"]);
    for (
      const [text, why] of [
        [whole.slice(0, 100), /not JSON/],
        ["", /not JSON/],
        ['{"table":"mine"}', /no list of cells/],
        ['{"table":"other","cells":[]}', /its cells are of "other", not mine/],
        ['{"table":"mine","cells":[{"row":"x"}]}', /cell 1 lacks its row/],
      ] as const
    ) {
      Deno.writeTextFileSync(path, text);
      const e = assertThrows(() => readResults(path, exp), DataFormatError);
      assertMatch(e.message, new RegExp(`^Cannot read the results file ${path}: `));
      assertMatch(e.message, why);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("no shipped experiment starts a ReLU net from zero weights, which would never learn", () => {
  for (const name of ["nokland-table1", "biotorch-lenet"]) {
    for (const p of planCells(load(name))) {
      if (p.row.activation === "relu") assertEquals(p.recipe.init, "uniform", `${name}: ${p.id}`);
    }
  }
});

Deno.test("--only picks the row of that exact name, else every row containing it", () => {
  const lenet = load("biotorch-lenet");
  const names = (only?: string) => selectRows(lenet, only).map((r) => r.name);
  assertEquals(names("LeNet-5 (ReLU)"), ["LeNet-5 (ReLU)"]);
  assertEquals(names("shifts"), ["LeNet-5 (ReLU), shifts ±2"]);
  assertEquals(names("LeNet"), lenet.rows.map((r) => r.name));
  assertEquals(names(), lenet.rows.map((r) => r.name));
  assertEquals(names("no such row"), []);
});

Deno.test("a damaged finished cell is refused naming its file, not taken for a cell", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [text, why] of [["{not json", "not JSON"], ["{}", "no row, rule, seed"]]) {
      Deno.writeTextFileSync(`${dir}/cell.json`, text);
      const e = assertThrows(() => readDoneCell(dir), DataFormatError);
      assertMatch(e.message, new RegExp(`^Cannot read the finished cell ${dir}/cell.json: ${why}`));
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a file whose images are not MNIST's is refused when loaded, naming the field", () => {
  const path = `${Deno.makeTempDirSync()}/tiny.json`;
  try {
    Deno.writeTextFileSync(path, grid((o) => o.input = [1, 2, 2]));
    assertEquals(parseExperiment(Deno.readTextFileSync(path), path).input, [1, 2, 2]); // a library's
    const e = assertThrows(() => loadExperiment(path), ExperimentFileError);
    assertEquals(
      e.message,
      `Cannot read the experiment ${path}: input: must hold MNIST's 784 values an image ` +
        "([1, 28, 28]): [1,2,2]",
    );
    const dir = path.slice(0, path.lastIndexOf("/")), bad = `${dir}/bad.json`;
    assertThrows(() => loadExperiment(dir), ExperimentFileError, `${dir}: not a file`);
    Deno.writeFileSync(bad, Uint8Array.of(0xff));
    assertThrows(() => loadExperiment(bad), ExperimentFileError, `${bad}: not UTF-8 text`);
  } finally {
    Deno.removeSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  }
});
