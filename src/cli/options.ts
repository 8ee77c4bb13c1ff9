// Shared command-line parsing for the scripts: typed options (integer, number, choice, string,
// boolean) with their defaults and ranges declared once, the shared --json/--quiet options, help
// text, and the errors a command reports (command.ts turns them into exit codes).
import { parseArgs } from "npm:deno-std@1.4.0/cli/parse_args.js";

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** A failure the command reports as one line and exit 1 (not a bug: e.g. a cluster job failed). */
export class CommandError extends Error {}

/** --help was given: the message is the help text, which the command prints before it stops. */
export class HelpRequested extends Error {}

interface Base {
  name: string;
  help: string;
}
export type OptionSpec =
  | Base & { kind: "boolean"; default?: boolean }
  | Base & { kind: "string"; default?: string }
  | Base & { kind: "integer"; default?: number; min?: number; max?: number }
  | Base & { kind: "number"; default?: number; min?: number; max?: number; positive?: boolean }
  | Base & { kind: "choice"; choices: readonly string[]; default?: string };

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
}

/** --json and --quiet, as every command that reports a result takes them. */
export const OUTPUT_OPTIONS: OptionSpec[] = [
  { name: "json", kind: "boolean", help: "print one JSON object as the last line" },
  { name: "quiet", kind: "boolean", help: "no progress, only the result" },
];

/**
 * --flush-subnormals, for the commands that train: the launcher grants the C maths library to a
 * task given it, and the command loads OpenBLAS with `getBlas({ flushSubnormals })` before training.
 */
export const FLUSH_SUBNORMALS_OPTION: OptionSpec = {
  name: "flush-subnormals",
  kind: "boolean",
  help: "flush subnormal floats to zero in BLAS calls and training steps (x86-64 Linux): deep " +
    "nets whose signal fades (100×240 FA) train many times faster; values below 1.2e-38 become 0",
};

export interface Parsed {
  positional: string[];
  /** A string or choice option's value (its default when not given). */
  get(name: string): string;
  /** Like get, but undefined when the option was not given and has no default. */
  optional(name: string): string | undefined;
  flag(name: string): boolean;
  /** An integer option, checked against its declared range. */
  int(name: string): number;
  /** Like int, but undefined when not given and without a default. */
  optionalInt(name: string): number | undefined;
  /** A number option, checked against its declared range. */
  number(name: string): number;
  /** Like number, but undefined when not given and without a default. */
  optionalNumber(name: string): number | undefined;
  /** A choice option's value, typed as one of the choices. */
  choice<T extends string>(name: string): T;
  /** A string option's comma-separated integers (at least `min`), none of them empty. */
  ints(name: string, min?: number): number[];
}

function range(o: OptionSpec): string {
  if (o.kind === "choice") return `: ${o.choices.join(", ")}`;
  if (o.kind !== "integer" && o.kind !== "number") return "";
  const lo = o.kind === "number" && o.positive ? "> 0" : o.min !== undefined ? `≥ ${o.min}` : "";
  const hi = o.max !== undefined ? `≤ ${o.max}` : "";
  return lo || hi ? ` (${[lo, hi].filter(Boolean).join(", ")})` : "";
}

function helpText(spec: CommandSpec): string {
  const rows = spec.options.map((o) => {
    const arg = o.kind === "boolean" ? "" : ` <${o.name.replace(/-/g, "_")}>`;
    const def = o.default === undefined || o.default === false
      ? ""
      : o.default === true
      ? ` (default: on; --no-${o.name} turns it off)`
      : ` (default: ${o.default})`;
    return `  --${o.name}${arg}`.padEnd(30) + ` ${o.help}${range(o)}${def}`;
  });
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nOptions:\n${rows.join("\n")}\n  --help\n`;
}

/**
 * An integer from text, at least `min` and at most `max`.
 *
 * @throws {UsageError} When it is not.
 */
export function checkedInt(what: string, value: string, min = 0, max = Infinity): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min || n > max) {
    const bound = Number.isSafeInteger(n) && n > max ? `≤ ${max}` : `≥ ${min}`;
    throw new UsageError(`${what} must be an integer ${bound}: ${value}`);
  }
  return n;
}

function checkedNumber(what: string, value: string, o: OptionSpec & { kind: "number" }): number {
  const n = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(n) && (!o.positive || n > 0) &&
    n >= (o.min ?? -Infinity) && n <= (o.max ?? Infinity);
  if (!ok) throw new UsageError(`${what} must be a number${range(o)}: ${value}`);
  return n;
}

/**
 * Parses `args` by `spec`.
 *
 * @throws {HelpRequested} On --help, with the help text (the command prints it and stops).
 */
export function parse(spec: CommandSpec, args: string[]): Parsed {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const valued = spec.options.filter((o) => o.kind !== "boolean").map((o) => o.name);
  const booleans = ["help", ...spec.options.filter((o) => o.kind === "boolean").map((o) => o.name)];
  // "--epochs -3" means the value -3, not a flag named 3; "--arch ''" an empty value (refused).
  const joined = (next: string | undefined) =>
    next !== undefined && (next === "" || /^-\d/.test(next));
  args = args.flatMap((a, i) =>
    joined(a) && i > 0 && valued.includes(args[i - 1].replace(/^--/, "")) ? [] : [
      valued.includes(a.replace(/^--/, "")) && joined(args[i + 1]) ? `${a}=${args[i + 1]}` : a,
    ]
  );
  const parsed = parseArgs(args, {
    string: valued,
    boolean: booleans,
    collect: valued,
    default: Object.fromEntries(
      spec.options.filter((o) => o.kind === "boolean" && o.default).map((o) => [o.name, true]),
    ),
    negatable: spec.options.filter((o) => o.kind === "boolean" && o.default === true).map((o) =>
      o.name
    ),
    unknown: (arg: string) => {
      if (arg.startsWith("-") && !/^-\d/.test(arg)) throw new UsageError(`unknown option: ${arg}`);
      return true;
    },
  });
  if (parsed.help) throw new HelpRequested(helpText(spec));
  const spec_ = (name: string) => {
    const o = byName.get(name);
    if (!o) throw new Error(`the script asks for an undeclared option --${name}`);
    return o;
  };
  const optional = (name: string): string | undefined => {
    const o = spec_(name), v = parsed[name] as unknown;
    if (Array.isArray(v) && v.length > 1) throw new UsageError(`--${name} given more than once`);
    const given = Array.isArray(v) ? v[0] : v;
    if (given === undefined || given === false) {
      return o.default === undefined ? undefined : String(o.default);
    }
    if (typeof given !== "string") throw new UsageError(`--${name} needs a value`);
    if (given.trim() === "") throw new UsageError(`--${name} needs a value: '${given}'`);
    if (o.kind === "choice" && !o.choices.includes(given)) {
      throw new UsageError(`--${name} must be one of ${o.choices.join(", ")}: ${given}`);
    }
    return given;
  };
  const required = <T>(name: string, v: T | undefined): T => {
    if (v === undefined) throw new UsageError(`--${name} needs a value`);
    return v;
  };
  const get = (name: string): string => required(name, optional(name));
  const optionalInt = (name: string) => {
    const o = spec_(name), v = optional(name);
    if (o.kind !== "integer") throw new Error(`--${name} is not an integer option`);
    return v === undefined ? undefined : checkedInt(`--${name}`, v, o.min ?? 0, o.max);
  };
  const optionalNumber = (name: string) => {
    const o = spec_(name), v = optional(name);
    if (o.kind !== "number") throw new Error(`--${name} is not a number option`);
    return v === undefined ? undefined : checkedNumber(`--${name}`, v, o);
  };
  return {
    positional: parsed._.map(String),
    get,
    optional,
    flag: (name) => spec_(name) && parsed[name] === true,
    int: (name) => required(name, optionalInt(name)),
    optionalInt,
    number: (name) => required(name, optionalNumber(name)),
    optionalNumber,
    choice: <T extends string>(name: string) => get(name) as T,
    ints: (name, min = -Number.MAX_SAFE_INTEGER) => {
      const text = get(name), items = text.split(",").map((v) => v.trim());
      if (items.some((v) => !Number.isSafeInteger(Number(v)) || v === "" || Number(v) < min)) {
        const bound = min === -Number.MAX_SAFE_INTEGER ? "" : ` ≥ ${min}`;
        throw new UsageError(`--${name} must be integers${bound}, comma-separated: ${text}`);
      }
      return items.map(Number);
    },
  };
}

let argsOverride: string[] | undefined;

/** The command's arguments: Deno.args, or those the runner (compile-runner's entry) passed on. */
export function cliArgs(): string[] {
  return argsOverride ?? Deno.args;
}

/** Sets the arguments {@linkcode cliArgs} returns (for scripts/runner.ts). */
export function setCliArgs(args: string[]): void {
  argsOverride = args;
}

/** Fails with a usage error when there are positional arguments beyond the first `count`. */
export function noMoreArguments(args: Parsed, count = 0): void {
  if (args.positional.length > count) {
    throw new UsageError(`unexpected argument: ${args.positional[count]}`);
  }
}
