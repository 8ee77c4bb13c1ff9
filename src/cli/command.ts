// How a task's command ends: its body run with the project's exit-code conventions (a usage error
// is one line and exit 2; a runtime failure one line and exit 1), and for a permission denied, the
// command that grants it from the launcher's task table. The one place in src/ that writes to
// stderr and exits: the scripts' edge.
import { DataFormatError, getBlas, TrainingDivergedError } from "../../mod.ts";
import { cliArgs, CommandError, HelpRequested, UsageError } from "./options.ts";
import { taskFlags } from "./task_flags.ts";
import { TASKS } from "./tasks.ts";
import { oneLine } from "./one_line.ts";

/**
 * For a task denied a file outside its scopes, the command that runs it with that access: the
 * task's own flags (scripts/launch.ts) plus the path.
 */
function permissionAdvice(name: string, error: Error): string | undefined {
  const m = /Requires (read|write) access to "([^"]+)"/.exec(error.message), task = TASKS[name];
  if (!m || !task) return undefined;
  const [, kind, path] = m, scoped = { ...task };
  scoped[kind as "read" | "write"] = [...(task[kind as "read" | "write"] ?? []), path];
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const library = task.ffi ? loadedOpenBlas() : "";
  const flags = taskFlags(scoped, library, cliArgs()).filter((f) => f !== "--no-prompt");
  return `cannot ${kind} ${path}: the task may ${kind} only ${
    (task[kind as "read" | "write"] ?? ["nothing"]).join(", ")
  }; to allow it, run: deno run ${flags.join(" ")} ${task.script} ${
    cliArgs().map(quote).join(" ")
  }`;
}

/** The OpenBLAS this task loads (it may not look for one: its reads stop at the project). */
function loadedOpenBlas(): string {
  try {
    return getBlas().path || "<path of libopenblas>";
  } catch {
    return "<path of libopenblas>";
  }
}

/**
 * Runs a command's body with the project's exit-code conventions: a usage error or a missing file
 * is one line and exit 2; anything else that goes wrong (a bad data file, a permission, a full
 * disk, a diverged training) one line and exit 1. No stack traces: an error that is not one of
 * those is a bug, and its line says so. On --help, prints the help text.
 */
export async function run(name: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    if (e instanceof HelpRequested) return console.log(e.message);
    if (e instanceof UsageError || e instanceof Deno.errors.NotFound) {
      console.error(`${name}: ${oneLine(e.message)} (see --help)`);
      Deno.exit(2);
    }
    const advice = e instanceof Deno.errors.NotCapable ? permissionAdvice(name, e) : undefined;
    const expected = e instanceof CommandError || e instanceof DataFormatError ||
      e instanceof TrainingDivergedError ||
      e instanceof RangeError || Object.values(Deno.errors).some((k) => e instanceof k) ||
      "code" in e; // system errors such as ENOSPC
    const line = advice ?? (expected ? e.message : `${e.name}: ${e.message} (a bug in dfa)`);
    console.error(`${name}: ${oneLine(line)}`);
    Deno.exit(1);
  }
}
