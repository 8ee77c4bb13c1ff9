/**
 * Writing values into a Slurm job script so that each stays one literal word: bash words for the
 * script's commands, `#SBATCH` words for its directives, Slurm file name patterns for its logs,
 * and the check that refuses what neither can hold (control characters: a newline would end the
 * line and start a command).
 *
 * @module
 */

/**
 * The array task's index inside a word given to {@linkcode sh}: written as `$K`, the one shell
 * variable a job script's word may hold (a `$K` in a path stays literal text).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sh, TASK_INDEX } from "./quoting.ts";
 * assertEquals(sh(`/runs/$K/shards/${TASK_INDEX}`), `"/runs/\\$K/shards/$K"`);
 * ```
 */
export const TASK_INDEX = "\u0000K\u0000";

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A value as an error message shows it: as is, or as a JSON string when it holds control
 * characters (so that a newline shows as `\n` and the message stays one line).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shown } from "./quoting.ts";
 * assertEquals(shown("1:00:00\ntouch x"), '"1:00:00\\ntouch x"');
 * assertEquals(shown("short"), "short");
 * ```
 *
 * @param value The value.
 * @returns The text to show.
 */
export function shown(value: string): string {
  return CONTROL.test(value) || value.trim() !== value || value === ""
    ? JSON.stringify(value)
    : value;
}

/**
 * Checks that a value can be written into a job script: no control characters (a newline or a
 * carriage return would end the `#SBATCH` line or the command it is in).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { checkScriptText } from "./quoting.ts";
 * assertEquals(checkScriptText("--out-dir", "/runs/a b"), "/runs/a b");
 * assertThrows(() => checkScriptText("--time", "1:00:00\ntouch x"), TypeError, "--time");
 * ```
 *
 * @param what The option or setting it comes from, for the message.
 * @param value The value.
 * @returns The value.
 * @throws {TypeError} When it holds a control character.
 */
export function checkScriptText(what: string, value: string): string {
  if (CONTROL.test(value)) {
    throw new TypeError(
      `Cannot write ${what} into a job script: it holds a control character: ${shown(value)}`,
    );
  }
  return value;
}

/**
 * Quotes a word for bash: left bare when it holds only characters bash takes literally, else in
 * single quotes; a word with {@linkcode TASK_INDEX} goes in double quotes, `$`, backquotes, `"`
 * and `\` escaped, the index written as `$K`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sh, TASK_INDEX } from "./quoting.ts";
 * assertEquals(sh("/runs/a"), "/runs/a");
 * assertEquals(sh("/runs/$(id) `id` it's"), "'/runs/$(id) `id` it'\\''s'");
 * assertEquals(sh(`${TASK_INDEX}/4`), '"$K/4"');
 * ```
 *
 * @param word The word.
 * @returns The word as bash reads it back.
 */
export function sh(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (!word.includes(TASK_INDEX)) return `'${word.replaceAll("'", "'\\''")}'`;
  const escape = (part: string) => part.replace(/[$`"\\]/g, "\\$&");
  return `"${word.split(TASK_INDEX).map(escape).join("$K")}"`;
}

/**
 * Quotes a word for an `#SBATCH` line as sbatch reads one: bare when it is plain, else in double
 * quotes with `"` and `\` escaped (unquoted, a space would split it and a `#` would end the line).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sbatchWord } from "./quoting.ts";
 * assertEquals(sbatchWord("--partition=short"), "--partition=short");
 * assertEquals(sbatchWord('--output=/runs/a "b" #1/log'), '"--output=/runs/a \\"b\\" #1/log"');
 * ```
 *
 * @param word The word, without control characters ({@linkcode checkScriptText}).
 * @returns The word as sbatch reads it back.
 * @throws {TypeError} When it holds a control character.
 */
export function sbatchWord(word: string): string {
  checkScriptText("an #SBATCH option", word);
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * A path as a Slurm file name pattern (`--output`) that names exactly it: each `%` doubled, so
 * that Slurm's replacements (`%j`, `%a`, …) apply only to what is added after it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { slurmFilename } from "./quoting.ts";
 * assertEquals(slurmFilename("/runs/100%") + "/shard-%a.log", "/runs/100%%/shard-%a.log");
 * ```
 *
 * @param path The path, without a backslash (which Slurm's --output reads as an escape).
 * @returns The pattern.
 * @throws {TypeError} When it holds a backslash or a control character.
 */
export function slurmFilename(path: string): string {
  checkScriptText("a Slurm log's path", path);
  if (path.includes("\\")) {
    throw new TypeError(
      `Cannot name a Slurm log under ${path}: Slurm's --output reads a backslash as an escape, ` +
        "and the jobs would write no log",
    );
  }
  return path.replaceAll("%", "%%");
}
