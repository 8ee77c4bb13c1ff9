/**
 * Why a rule other than BP, DFA and cDFA refuses RD layers, naming the rules that train them.
 *
 * @module
 */

/**
 * A rule's refusal of RD layers, or undefined when `kinds` has none: an RD layer's D1 learns from
 * the signal sent through R, which only BP, DFA and cDFA define.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { refuseRd } from "./rd_refusal.ts";
 * assertEquals(refuseRd("an FA network")(["dense"]), undefined);
 * assertEquals(
 *   refuseRd("an FA network")(["dense", "rd"]),
 *   "Cannot build an FA network with RD layers: train them with bp, dfa or cdfa",
 * );
 * ```
 *
 * @param network The network, as the message names it ("an FA network").
 * @param why What keeps the rule from training them, when worth saying.
 * @returns The rule's `refuse`.
 */
export function refuseRd(
  network: string,
  why?: string,
): (kinds: readonly string[]) => string | undefined {
  return (kinds) =>
    kinds.includes("rd")
      ? `Cannot build ${network} with RD layers: ${why ? `${why}; ` : ""}train them with bp, ` +
        "dfa or cdfa"
      : undefined;
}
