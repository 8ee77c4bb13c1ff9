/**
 * The site's sbatch options a run takes (--partition, --time, --mem, --account, --qos, and more in
 * one space-separated string), checked against the forms sbatch accepts before anything is written
 * or submitted, and returned as the words of `#SBATCH` lines.
 *
 * @module
 */
import { UsageError } from "../cli/options.ts";
import { checkScriptText, shown } from "./quoting.ts";

/** The site options that have their own command-line option. */
export const SITE_OPTIONS = ["partition", "time", "mem", "account", "qos"] as const;

/** One of {@linkcode SITE_OPTIONS}. */
export type SiteOption = typeof SITE_OPTIONS[number];

const NAME = "[A-Za-z0-9_.+-]+";
const FORMS: Record<SiteOption, [RegExp, string]> = {
  partition: [
    new RegExp(`^${NAME}(,${NAME})*$`),
    "partition names (letters, digits, _ . + -), comma-separated",
  ],
  time: [
    /^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)$/i,
    "a Slurm time: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
  ],
  mem: [/^\d+[KMGT]?$/i, "a size: a whole number, in MB or with K, M, G or T"],
  account: [new RegExp(`^${NAME}$`), "an account name (letters, digits, _ . + -)"],
  qos: [new RegExp(`^${NAME}$`), "a QOS name (letters, digits, _ . + -)"],
};

/**
 * A site option as the word of its `#SBATCH` line, checked against the form sbatch accepts.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { siteOption } from "./sbatch_options.ts";
 * assertEquals(siteOption("time", "1-12:00:00"), "--time=1-12:00:00");
 * assertThrows(() => siteOption("time", "01:00:00\ntouch pwned"), Error, "--time must be");
 * ```
 *
 * @param name The option.
 * @param value Its value.
 * @returns `--name=value`.
 * @throws {UsageError} When the value is not of the option's form (the message names both).
 */
export function siteOption(name: SiteOption, value: string): string {
  const [form, what] = FORMS[name];
  if (!form.test(value)) throw new UsageError(`--${name} must be ${what}: ${shown(value)}`);
  return `--${name}=${value}`;
}

/** Options dfa sets itself: given in --sbatch-args they would break how it follows the run. */
const RESERVED = new Map([
  ["output", "o"],
  ["error", "e"],
  ["input", "i"],
  ["array", "a"],
  ["dependency", "d"],
  ["job-name", "J"],
  ["cpus-per-task", "c"],
  ["parsable", ""],
  ["wrap", ""],
  ["kill-on-invalid-dep", ""],
]);
const RESERVED_SHORT = new Map([...RESERVED].filter(([, s]) => s).map(([l, s]) => [s, l]));

/**
 * More sbatch options from one space-separated string, as the words of their `#SBATCH` lines:
 * `--opt=value`, `--opt value` (a value is a word that does not start with `-`), `--flag`,
 * `-X value` and `-Xvalue` (kept as `-Xvalue`). Values cannot hold spaces; the options dfa sets
 * itself (--output, --array, --dependency, …) are refused.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sbatchArgs } from "./sbatch_options.ts";
 * assertEquals(sbatchArgs("--constraint avx2 --exclusive"), ["--constraint=avx2", "--exclusive"]);
 * assertEquals(sbatchArgs("-C avx2 --gres=gpu:1"), ["-Cavx2", "--gres=gpu:1"]);
 * ```
 *
 * @param text The options, as `--sbatch-args` takes them.
 * @returns One word an option.
 * @throws {UsageError} When a word is not an option or its value, or names an option dfa sets.
 */
export function sbatchArgs(text: string): string[] {
  try {
    checkScriptText("--sbatch-args", text.replace(/[ \t]+/g, " "));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const words = text.split(/[ \t]+/).filter(Boolean), out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i],
      next = words[i + 1],
      takesNext = next !== undefined && !next.startsWith("-");
    const long = /^--([a-z][a-z0-9-]*)(=.*)?$/.exec(w), short = /^-([A-Za-z])(.*)$/.exec(w);
    if (long) {
      const reserved = RESERVED.has(long[1]);
      if (reserved) {
        throw new UsageError(`--sbatch-args cannot set --${long[1]} (dfa sets it): ${w}`);
      }
      out.push(long[2] !== undefined ? w : takesNext ? `${w}=${words[++i]}` : w);
    } else if (short) {
      const reserved = RESERVED_SHORT.get(short[1]);
      if (reserved) {
        throw new UsageError(`--sbatch-args cannot set --${reserved} (dfa sets it): ${w}`);
      }
      out.push(short[2] !== "" ? w : takesNext ? `${w}${words[++i]}` : w);
    } else {
      throw new UsageError(`--sbatch-args takes sbatch options (--opt=value, --opt value): ${w}`);
    }
  }
  return out;
}

/**
 * Command-line arguments with `--sbatch-args X` joined into `--sbatch-args=X`: X starts with a
 * dash, and an option parser would take it for an option of its own.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { joinSbatchArgs } from "./sbatch_options.ts";
 * assertEquals(joinSbatchArgs(["4", "--sbatch-args", "--exclusive", "--wait"]), [
 *   "4",
 *   "--sbatch-args=--exclusive",
 *   "--wait",
 * ]);
 * ```
 *
 * @param args The arguments.
 * @returns The arguments, `--sbatch-args` and its value as one.
 */
export function joinSbatchArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(
      args[i] === "--sbatch-args" && i + 1 < args.length ? `--sbatch-args=${args[++i]}` : args[i],
    );
  }
  return out;
}

/**
 * The `#SBATCH` words of a run's site options, each checked: the CPUs a task, the site options
 * given ({@linkcode siteOption}) and `--sbatch-args` ({@linkcode sbatchArgs}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sbatchOptions } from "./sbatch_options.ts";
 * assertEquals(sbatchOptions(2, { time: "1:00:00" }, "--constraint avx2"), [
 *   "--cpus-per-task=2",
 *   "--time=1:00:00",
 *   "--constraint=avx2",
 * ]);
 * ```
 *
 * @param cpusPerTask CPUs a task.
 * @param site The site options given.
 * @param extra `--sbatch-args`, if given.
 * @returns One word an option.
 * @throws {UsageError} When a value is not of its option's form.
 */
export function sbatchOptions(
  cpusPerTask: number,
  site: Partial<Record<SiteOption, string>>,
  extra?: string,
): string[] {
  return [
    `--cpus-per-task=${cpusPerTask}`,
    ...SITE_OPTIONS.flatMap((o) => site[o] === undefined ? [] : [siteOption(o, site[o]!)]),
    ...(extra === undefined ? [] : sbatchArgs(extra)),
  ];
}
