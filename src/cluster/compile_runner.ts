// The runner (scripts/runner.ts: weak-learners, merge-linouts, stacked-model) compiled into one
// self-contained executable by `deno compile`, its permissions baked in, for cluster nodes that
// have no Deno.
import { CommandError, UsageError } from "../cli/options.ts";
import { denoFlags } from "./job_flags.ts";

/** What the compiled runner may touch, and where it goes. */
export interface RunnerBuild {
  /** Absolute paths it may read (the data, the run directories). */
  read: string[];
  /** Absolute paths it may write (the run directories; read too). */
  write: string[];
  /** The OpenBLAS library the nodes load. */
  library: string;
  /** The executable's path. */
  out: string;
}

/**
 * The `deno compile` flags that bake in the runner's permissions.
 *
 * @throws {UsageError} When a path is empty or holds a comma (it would widen the scope).
 */
export function runnerFlags(b: RunnerBuild): string[] {
  try {
    return denoFlags([...new Set([...b.read, ...b.write])], b.write, b.library);
  } catch (error) {
    throw new UsageError((error as Error).message); // e.g. a comma in --openblas would widen FFI
  }
}

/**
 * Compiles the runner with `deno compile`.
 *
 * @throws {CommandError} When deno compile fails: its own message and the deepest cause it lists.
 */
export async function compileRunner(b: RunnerBuild): Promise<void> {
  const r = await new Deno.Command("deno", {
    args: ["compile", ...runnerFlags(b), "--output", b.out, "scripts/runner.ts"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (r.code === 0) return;
  // deno-lint-ignore no-control-regex
  const err = new TextDecoder().decode(r.stderr).replace(/\x1b\[[0-9;]*m/g, "").trim();
  // deno's own message, and the deepest cause it lists ("    1: error sending request …").
  const lines = err.split("\n").map((l) => l.trim());
  const head = lines.find((l) => l.startsWith("error")) ?? lines.at(-1);
  const cause = lines.filter((l) => /^\d+: /.test(l)).map((l) => l.replace(/^\d+: /, ""));
  const why = [head, cause.find((c) => /request|download|denort/i.test(c)) ?? cause.at(-1)]
    .filter(Boolean).join(": ");
  throw new CommandError(
    `Cannot compile the runner: ${why}` +
      (/dns|lookup|download|connect/i.test(err)
        ? " (deno compile fetches its runtime, denort, from dl.deno.land: allow that, or set " +
          "DENORT_BIN to the denort of this deno's version)"
        : ""),
  );
}
