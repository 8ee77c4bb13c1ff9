// The slurm task's options that come from elsewhere: weak-learners' own options (with their
// rules) that it passes on to its shards, and the site options it writes into #SBATCH lines.
import type { OptionSpec, Parsed } from "./options.ts";
import { WEAK_LEARNERS_SPEC } from "./weak_learners_spec.ts";
import { SITE_OPTIONS, type SiteOption } from "../cluster/sbatch_options.ts";

const LEARNER = ["seed", "epochs", "lr", "batch", "hidden", "tolerance"];

/**
 * The weak-learner options `slurm` passes on to its shards: weak-learners' own, with their rules
 * (kinds and ranges), without their defaults (an option not given is not passed on).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LEARNER_OPTIONS } from "./slurm_options.ts";
 * assertEquals(LEARNER_OPTIONS.find((o) => o.name === "epochs"), {
 *   name: "epochs",
 *   kind: "integer",
 *   min: 1,
 *   default: undefined,
 *   help: "weak-learners --epochs",
 * });
 * ```
 */
export const LEARNER_OPTIONS: OptionSpec[] = (WEAK_LEARNERS_SPEC.options as readonly OptionSpec[])
  .filter((o) => LEARNER.includes(o.name) || o.name.endsWith("-samples"))
  .map((o) => ({ ...o, default: undefined, help: `weak-learners --${o.name}` }) as OptionSpec);

/**
 * The weak-learner options given, each checked by weak-learners' own rules, as the words to pass
 * on (as typed).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parse, UsageError } from "./options.ts";
 * import { LEARNER_OPTIONS, learnerArgs } from "./slurm_options.ts";
 * const spec = { name: "slurm", summary: "", usage: "", options: LEARNER_OPTIONS };
 * assertEquals(learnerArgs(parse(spec, ["--epochs", "3"])), ["--epochs", "3"]);
 * assertEquals(learnerArgs(parse(spec, [])), []);
 * assertThrows(() => learnerArgs(parse(spec, ["--epochs", "0"])), UsageError, "--epochs");
 * ```
 *
 * @param args Options parsed with {@linkcode LEARNER_OPTIONS} among them.
 * @returns `--name value` words.
 * @throws {UsageError} When a value breaks its rule; the message names the option.
 */
export function learnerArgs(args: Parsed): string[] {
  return LEARNER_OPTIONS.flatMap((o) => {
    if (o.kind === "integer") args.optionalInt(o.name);
    else args.optionalNumber(o.name);
    const v = args.optional(o.name);
    return v === undefined ? [] : [`--${o.name}`, v];
  });
}

/**
 * The site options given ({@linkcode SITE_OPTIONS}), by name.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type OptionSpec, parse } from "./options.ts";
 * import { siteOptions } from "./slurm_options.ts";
 * const options: OptionSpec[] = ["partition", "time", "mem", "account", "qos"].map((name) => ({ name, kind: "string", help: "" }));
 * const spec = { name: "slurm", summary: "", usage: "", options };
 * assertEquals(siteOptions(parse(spec, ["--time", "1:00:00"])), { time: "1:00:00" });
 * ```
 *
 * @param args Options parsed with the site options among them.
 * @returns The values given.
 */
export function siteOptions(args: Parsed): Partial<Record<SiteOption, string>> {
  return Object.fromEntries(
    SITE_OPTIONS.flatMap((o) => args.optional(o) === undefined ? [] : [[o, args.optional(o)]]),
  );
}
