// Writes every results table of README.md and docs/*.md (the blocks between
// `<!-- results:NAME -->` and `<!-- /results:NAME -->`) and results/TABLE.md from results/*.json,
// then formats what it changed. `--check`: changes nothing, exits 1 naming each stale table.
import { fillBlocks, staleBlocks } from "../src/experiments/docs_blocks.ts";
import { docTables, resultsMarkdown } from "../src/experiments/docs_tables.ts";

const check = Deno.args.includes("--check");
const unknown = Deno.args.filter((a) => a !== "--check");
if (unknown.length) {
  console.error(`docs: unknown argument ${unknown[0]} (usage: deno task docs [--check])`);
  Deno.exit(2);
}

const read = (file: string) => JSON.parse(Deno.readTextFileSync(`results/${file}`));
const tables = docTables(read);
const docs = ["README.md", ...[...Deno.readDirSync("docs")].map((e) => `docs/${e.name}`)]
  .filter((f) => f.endsWith(".md")).sort();

/** The stale blocks of a document; a malformed one ends the run with one line naming the file. */
function staleIn(file: string, text: string): string[] {
  try {
    return staleBlocks(text, tables);
  } catch (error) {
    console.error(`docs: ${file}: ${(error as Error).message}`);
    Deno.exit(1);
  }
}

const stale: string[] = [], changed: string[] = [];
for (const file of docs) {
  const text = Deno.readTextFileSync(file);
  const names = staleIn(file, text);
  stale.push(...names.map((n) => `${file}: ${n}`));
  if (names.length && !check) {
    Deno.writeTextFileSync(file, fillBlocks(text, tables));
    changed.push(file);
  }
}
for (const [file, md] of Object.entries(resultsMarkdown(read))) {
  const path = `results/${file}`;
  if (Deno.readTextFileSync(path) === md) continue;
  stale.push(path);
  if (!check) Deno.writeTextFileSync(path, md);
}

if (check) {
  for (const s of stale) console.error(`docs: stale: ${s}`);
  if (stale.length) {
    console.error("docs: run `deno task docs` to write them from results/*.json");
    Deno.exit(1);
  }
  console.log(`docs: every results table is current (${docs.length} documents)`);
} else {
  if (changed.length) {
    const fmt = await new Deno.Command("deno", { args: ["fmt", "--quiet", ...changed] }).output();
    if (!fmt.success) console.error(`docs: deno fmt failed on ${changed.join(", ")}`);
  }
  console.log(stale.length ? `docs: wrote ${stale.join(", ")}` : "docs: nothing to write");
}
