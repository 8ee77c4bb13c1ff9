// The title of each report: what was trained (the network, the rule or rules, the optimiser), so
// that a report read on its own says what it shows.

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
 * assertEquals(trainedTitle(what), "MNIST: 784–800–10 (tanh) trained by dfa");
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

/** The rules as a list in words: "dfa", "dfa and bp", "dfa, fa and bp". */
function inWords(items: readonly string[]): string {
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
 *   "MNIST: LeNet-5 (relu) trained by dfa and bp with Adam, lr 0.001",
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
 * import { WEAK_LEARNER_DEFAULTS } from "../../mod.ts";
 * import { stackingTitle } from "./titles.ts";
 * assertEquals(
 *   stackingTitle(3, { ...WEAK_LEARNER_DEFAULTS, diff: false }),
 *   "Stacking 3 weak learners: 784–800–10 (tanh) trained by dfa with SGD, lr 0.001; stacked by bp (seed 1234)",
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
  }; stacked by bp (seed ${config.seed})`;
}

/**
 * A reproduced table's title: the table's own, the rules of the cells shown and their optimiser.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TABLES } from "../experiments/tables.ts";
 * import { tableTitle } from "./titles.ts";
 * const table = TABLES["biotorch-lenet"];
 * assertEquals(
 *   tableTitle(table, [{ rule: "dfa" }, { rule: "bp" }, { rule: "dfa" }]),
 *   `${table.title}; trained by bp and dfa with Adam, lr 0.001`,
 * );
 * ```
 *
 * @param table The table (one of `TABLES`).
 * @param cells The cells shown (default: every rule of the table).
 * @returns The title.
 */
export function tableTitle(
  table: { title: string; rules: readonly string[]; optimizer: string; lr: number },
  cells?: readonly { rule: string }[],
): string {
  const shown = new Set(cells?.map((c) => c.rule) ?? table.rules);
  const rules = table.rules.filter((r) => shown.has(r));
  return `${table.title}; trained by ${inWords(rules)} with ${
    OPTIMIZER_NAMES[table.optimizer] ?? table.optimizer
  }, lr ${table.lr}`;
}
