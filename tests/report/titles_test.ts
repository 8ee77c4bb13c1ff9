import { assertEquals, assertStringIncludes } from "@std/assert";
import { WEAK_LEARNER_DEFAULTS } from "../../src/stacking/mod.ts";
import { loadExperiment } from "../../src/experiments/mod.ts";
import { stackingTitle, tableTitle, trainedTitle } from "../../src/report/titles.ts";

Deno.test("a report's title names the network, the rules and the optimiser", () => {
  assertEquals(
    trainedTitle({
      task: "MNIST",
      network: "LeNet-5 (relu)",
      rules: ["dfa", "fa", "bp"],
      optimizer: "adam",
      lr: 1e-3,
    }),
    "MNIST: LeNet-5 (relu) trained by DFA, FA and BP with Adam, lr 0.001",
  );
  assertEquals(
    trainedTitle({
      task: "MNIST",
      network: "784–800–10 (tanh)",
      rules: ["dfa"],
      optimizer: "rmsprop",
    }),
    "MNIST: 784–800–10 (tanh) trained by DFA with RMSprop",
  );
  assertEquals(
    trainedTitle({
      task: "MNIST",
      network: "784–10",
      rules: ["bp"],
      optimizer: "momentum",
      lr: 0.1,
    }),
    "MNIST: 784–10 trained by BP with SGD with momentum, lr 0.1",
  );
});

Deno.test("the stacking title names the weak learners' net, rule and optimiser, and the stacking", () => {
  const title = stackingTitle(50, { ...WEAK_LEARNER_DEFAULTS, hidden: 400, seed: 7, diff: true });
  assertStringIncludes(
    title,
    "Stacking 50 weak learners: 784–400–10 (tanh) trained by DFA with SGD",
  );
  assertStringIncludes(title, "each its own initialisation");
  assertStringIncludes(title, "stacked by BP (seed 7)");
});

Deno.test("a table's title lists the rules of the cells shown, in the table's order, and its optimiser", () => {
  const table = loadExperiment("biotorch-lenet");
  assertEquals(
    tableTitle(table, [{ rule: "drtp" }, { rule: "bp" }]),
    `${table.title}; trained by BP and DRTP with Adam, lr ${table.recipe.lr}`,
  );
  assertStringIncludes(tableTitle(table), "trained by BP, FA, DFA, cDFA, uSF, brSF, frSF and DRTP");
});
