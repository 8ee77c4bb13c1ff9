/**
 * The training rules, by name. A new rule: a file with its {@linkcode FeedbackRule}, and one line
 * here.
 *
 * @module
 */

import { BP } from "./bp.ts";
import { CDFA, DFA } from "./dfa.ts";
import { DRTP } from "./drtp.ts";
import { FA } from "./fa.ts";
import { BRSF, FRSF, USF } from "./sign_concordant.ts";
import type { FeedbackRule } from "./rule.ts";

/**
 * The registered rules.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FEEDBACK_RULES } from "../../../mod.ts";
 * assertEquals(FEEDBACK_RULES.bp.direct, false);
 * assertEquals(FEEDBACK_RULES.dfa.direct, true);
 * ```
 */
export const FEEDBACK_RULES = {
  bp: BP,
  fa: FA,
  dfa: DFA,
  cdfa: CDFA,
  usf: USF,
  brsf: BRSF,
  frsf: FRSF,
  drtp: DRTP,
} as const satisfies Record<string, FeedbackRule>;

/**
 * How the output error reaches the hidden layers: a registered rule's name.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network, type Rule } from "../../../mod.ts";
 * const rule: Rule = "fa";
 * assertEquals(Network.create({ sizes: [2, 3, 2], rule }).feedback[0].rows, 2);
 * ```
 */
export type Rule = keyof typeof FEEDBACK_RULES;

/**
 * The rules' names, for validating user input.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RULES } from "../../../mod.ts";
 * assertEquals(RULES, ["bp", "fa", "dfa", "cdfa", "usf", "brsf", "frsf", "drtp"]);
 * ```
 */
export const RULES: readonly Rule[] = Object.keys(FEEDBACK_RULES) as Rule[];

/**
 * Each rule's name as a reader sees it, in tables, reports and printed output: BP, FA, DFA, cDFA,
 * uSF, brSF, frSF, DRTP (the option values are the lower-case {@linkcode Rule} names).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RULE_NAMES, RULES } from "../../../mod.ts";
 * assertEquals(RULES.map((r) => RULE_NAMES[r]), ["BP", "FA", "DFA", "cDFA", "uSF", "brSF", "frSF", "DRTP"]);
 * ```
 */
export const RULE_NAMES: Readonly<Record<Rule, string>> = {
  bp: "BP",
  fa: "FA",
  dfa: "DFA",
  cdfa: "cDFA",
  usf: "uSF",
  brsf: "brSF",
  frsf: "frSF",
  drtp: "DRTP",
};
