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
 * import { FEEDBACK_RULES } from "../../../mod.ts";
 * console.log(FEEDBACK_RULES.bp.direct, FEEDBACK_RULES.dfa.direct); // false true
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
 * import { Network, type Rule } from "../../../mod.ts";
 * const rule: Rule = "fa";
 * console.log(Network.create({ sizes: [2, 3, 2], rule }).feedback[0].rows); // 2
 * ```
 */
export type Rule = keyof typeof FEEDBACK_RULES;

/**
 * The rules' names, for validating user input.
 *
 * @example
 * ```ts
 * import { RULES } from "../../../mod.ts";
 * console.log(RULES); // ["bp", "fa", "dfa"]
 * ```
 */
export const RULES: readonly Rule[] = Object.keys(FEEDBACK_RULES) as Rule[];
