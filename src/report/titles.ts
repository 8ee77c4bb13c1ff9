// The title of each report: what was trained (the network, the rule or rules, the optimiser), so
// that a report read on its own says what it shows.
import { RULE_NAMES } from "../model/rules/registry.ts";

/** Each optimiser as a reader knows it. */
const OPTIMIZER_NAMES: Record<string, string> = {
  sgd: "SGD",
  momentum: "SGD with momentum",
  rmsprop: "RMSprop",
  adam: "Adam",
};

/**
 * What a report's runs trained.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Trained, trainedTitle } from "./titles.ts";
 * const what: Trained = { task: "MNIST", network: "784–800–10 (tanh)", rules: ["dfa"] };
 * assertEquals(trainedTitle(what), "MNIST: 784–800–10 (tanh) trained by DFA");
 * ```
 */
export interface Trained {
  /** The task or data ("MNIST"). */
  task: string;
  /** The network, as {@linkcode describeNetwork} gives it. */
  network: string;
  /** The training rules, in the order the runs were made. */
  rules: readonly string[];
  /** The optimiser's name (sgd, momentum, rmsprop, adam). */
  optimizer?: string;
  /** Its learning rate. */
  lr?: number;
}

/** The rules as a list in words, by their display names: "DFA", "DFA and BP", "DFA, FA and BP". */
function inWords(rules: readonly string[]): string {
  const items = rules.map((r) => (RULE_NAMES as Record<string, string>)[r] ?? r);
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * A report's title: the task, the network, the rules and the optimiser.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { trainedTitle } from "./titles.ts";
 * assertEquals(
 *   trainedTitle({ task: "MNIST", network: "LeNet-5 (relu)", rules: ["dfa", "bp"], optimizer: "adam", lr: 0.001 }),
 *   "MNIST: LeNet-5 (relu) trained by DFA and BP with Adam, lr 0.001",
 * );
 * ```
 *
 * @param t What was trained.
 * @returns The title.
 */
export function trainedTitle(t: Trained): string {
  const opt = t.optimizer === undefined
    ? ""
    : ` with ${OPTIMIZER_NAMES[t.optimizer] ?? t.optimizer}${
      t.lr === undefined ? "" : `, lr ${t.lr}`
    }`;
  return `${t.task}: ${t.network} trained by ${inWords(t.rules)}${opt}`;
}

/**
 * The stacking pipeline's title: the weak learners (their network, DFA, SGD) and the stacked models
 * trained on their outputs by backprop.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { WEAK_LEARNER_DEFAULTS } from "../stacking/mod.ts";
 * import { stackingTitle } from "./titles.ts";
 * assertEquals(
 *   stackingTitle(3, { ...WEAK_LEARNER_DEFAULTS, diff: false }),
 *   "Stacking 3 weak learners: 784–800–10 (tanh) trained by DFA with SGD, lr 0.001; stacked by BP (seed 1234)",
 * );
 * ```
 *
 * @param n The weak learners.
 * @param config How each was trained (a `WeakLearnerConfig`).
 * @returns The title.
 */
export function stackingTitle(
  n: number,
  config: { hidden: number; lr: number; seed: number; diff: boolean },
): string {
  const learners = trainedTitle({
    task: `Stacking ${n} weak learners`,
    network: `784–${config.hidden}–10 (tanh)`,
    rules: ["dfa"],
    optimizer: "sgd",
    lr: config.lr,
  });
  return `${learners}${
    config.diff ? ", each its own initialisation" : ""
  }; stacked by BP (seed ${config.seed})`;
}

/**
 * A reproduced table's title: the table's own, the rules of the cells shown and their optimiser.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadExperiment } from "../experiments/mod.ts";
 * import { tableTitle } from "./titles.ts";
 * const table = loadExperiment("biotorch-lenet");
 * assertEquals(
 *   tableTitle(table, [{ rule: "dfa" }, { rule: "bp" }, { rule: "dfa" }]),
 *   `${table.title}; trained by BP and DFA with Adam, lr 0.001`,
 * );
 * ```
 *
 * @param table The experiment (see `loadExperiment`).
 * @param cells The cells shown (default: every rule of the table).
 * @returns The title.
 */
export function tableTitle(
  table: { title: string; rules: readonly string[]; recipe: { optimizer: string; lr: number } },
  cells?: readonly { rule: string }[],
): string {
  const shown = new Set(cells?.map((c) => c.rule) ?? table.rules);
  const rules = table.rules.filter((r) => shown.has(r));
  const { optimizer, lr } = table.recipe;
  return `${table.title}; trained by ${inWords(rules)} with ${
    OPTIMIZER_NAMES[optimizer] ?? optimizer
  }, lr ${lr}`;
}
