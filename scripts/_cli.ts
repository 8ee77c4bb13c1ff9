// Shared command-line plumbing for the scripts: options with defaults and help, one-line user
// errors (exit 2), one-line runtime failures (exit 1). Only scripts print and exit.
import { parseArgs } from "@std/cli";
import { DataFormatError } from "../mod.ts";

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  name: string;
  kind: "string" | "boolean";
  default?: string | boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
}

export interface Parsed {
  positional: string[];
  get(name: string): string;
  optional(name: string): string | undefined;
  flag(name: string): boolean;
  int(name: string, min?: number): number;
  number(name: string, min?: number): number;
}

function helpText(spec: CommandSpec): string {
  const rows = spec.options.map((o) => {
    const arg = o.kind === "string" ? ` <${o.name.replace(/-/g, "_")}>` : "";
    const def = o.default === undefined || o.default === false
      ? ""
      : o.default === true
      ? ` (default: on; --no-${o.name} turns it off)`
      : ` (default: ${o.default})`;
    return `  --${o.name}${arg}`.padEnd(30) + ` ${o.help}${def}`;
  });
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nOptions:\n${rows.join("\n")}\n  --help`.padEnd(
    0,
  ) +
    "\n";
}

export function checkedInt(what: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${what} must be an integer ≥ ${min}: ${value}`);
  }
  return n;
}

export function checkedNumber(what: string, value: string, min = -Infinity): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min) {
    throw new UsageError(`${what} must be a number ≥ ${min}: ${value}`);
  }
  return n;
}

/** Parses `args`; prints help and returns undefined on --help. */
export function parse(spec: CommandSpec, args: string[]): Parsed | undefined {
  const strings = spec.options.filter((o) => o.kind === "string").map((o) => o.name);
  const booleans = ["help", ...spec.options.filter((o) => o.kind === "boolean").map((o) => o.name)];
  const defaults = Object.fromEntries(
    spec.options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default]),
  );
  // "--epochs -3" means the value -3, not a flag named 3.
  args = args.flatMap((a, i) =>
    /^-\d/.test(a) && i > 0 && strings.includes(args[i - 1].replace(/^--/, "")) ? [] : [
      strings.includes(a.replace(/^--/, "")) && /^-\d/.test(args[i + 1] ?? "")
        ? `${a}=${args[i + 1]}`
        : a,
    ]
  );
  const parsed = parseArgs(args, {
    string: strings,
    boolean: booleans,
    negatable: spec.options.filter((o) => o.kind === "boolean" && o.default === true).map((o) =>
      o.name
    ),
    default: defaults,
    unknown: (arg: string) => {
      if (arg.startsWith("-") && !/^-\d/.test(arg)) throw new UsageError(`unknown option: ${arg}`);
      return true;
    },
  });
  if (parsed.help) {
    console.log(helpText(spec));
    return undefined;
  }
  const get = (name: string): string => {
    const v = parsed[name];
    if (Array.isArray(v)) throw new UsageError(`--${name} given more than once`);
    if (typeof v !== "string") throw new UsageError(`--${name} needs a value`);
    return v;
  };
  return {
    positional: parsed._.map(String),
    get,
    optional: (name) => parsed[name] === undefined ? undefined : get(name),
    flag: (name) => parsed[name] === true,
    int: (name, min = 0) => checkedInt(`--${name}`, get(name), min),
    number: (name, min) => checkedNumber(`--${name}`, get(name), min),
  };
}

/**
 * Runs a command's body with the project's exit-code conventions: a usage error or a missing file
 * is one line and exit 2; a bad data file, a permission or another runtime failure, exit 1.
 */
export async function run(name: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || error instanceof Deno.errors.NotFound) {
      console.error(`${name}: ${message} (see --help)`);
      Deno.exit(2);
    }
    const known = error instanceof DataFormatError || error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied ||
      error instanceof RangeError;
    console.error(`${name}: ${known ? message : (error as Error)?.stack ?? message}`);
    Deno.exit(1);
  }
}

export function formatBytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
    ? `${(n / 1e6).toFixed(1)} MB`
    : `${(n / 1e3).toFixed(1)} kB`;
}
