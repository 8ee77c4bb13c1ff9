import { assertEquals, assertThrows } from "@std/assert";
import {
  checkScriptText,
  sbatchWord,
  sh,
  slurmFilename,
  TASK_INDEX,
} from "../../src/cluster/quoting.ts";

const words = [
  "/runs/a b",
  "/runs/$(touch pwned)",
  "/runs/`touch pwned`",
  "/runs/it's",
  '/runs/"d"',
  "/runs/$K",
  "/runs/100%",
  "/runs/#SBATCH --exclusive",
  "/runs/a\\b",
  "/runs/!x;y&z|w>v<u*?[",
  "",
];

/** The words bash makes of a command line (K=2), NUL-separated by printf. */
function bashWords(line: string): string[] {
  const r = new Deno.Command("bash", {
    args: ["-c", `K=2; set -- ${line}; printf '%s\\0' "$@"`],
  }).outputSync();
  return new TextDecoder().decode(r.stdout).split("\0").slice(0, -1);
}

Deno.test("bash reads each quoted word back as exactly itself, the array index as $K", () => {
  for (const w of words) {
    assertEquals(bashWords(sh(w)), [w]);
    assertEquals(bashWords(sh(`${w}/shards/${TASK_INDEX}`)), [`${w}/shards/2`]);
  }
  assertEquals(bashWords(words.map(sh).join(" ")), words);
});

/**
 * The words sbatch makes of an `#SBATCH` line: its directive parser (Slurm 22.05's
 * `_get_argument`): quotes group, a backslash escapes, an unquoted `#` ends the line.
 */
function sbatchWords(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let w = "", quote = "", comment = false;
    for (; i < line.length && (quote || !/\s/.test(line[i])); i++) {
      const c = line[i];
      if (c === "\\") w += line[++i];
      else if (quote && c === quote) quote = "";
      else if (!quote && (c === '"' || c === "'")) quote = c;
      else if (!quote && c === "#") {
        comment = true;
        break;
      } else w += c;
    }
    if (w) out.push(w);
    if (comment) break;
  }
  return out;
}

Deno.test("an #SBATCH word stays one word however it is made", () => {
  for (const w of words.filter(Boolean)) {
    assertEquals(sbatchWords(sbatchWord(`--output=${w}`)), [`--output=${w}`]);
  }
  assertThrows(() => sbatchWord("--time=1:00\ntouch pwned"), TypeError, "control character");
});

Deno.test("a log's path keeps a % of its own, and refuses what Slurm's --output cannot name", () => {
  assertEquals(slurmFilename("/runs/100% a"), "/runs/100%% a");
  assertThrows(() => slurmFilename("/runs/a\\b"), TypeError, "backslash");
  assertThrows(() => slurmFilename("/runs/a\nb"), TypeError, "control character");
  assertThrows(() => checkScriptText("--out-dir", "/runs/a\rb"), TypeError, "--out-dir");
});
