import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  fillBlocks,
  layoutFree,
  markedBlocks,
  staleBlocks,
} from "../../src/experiments/docs_blocks.ts";
import { markdownTable, seedSummary } from "../../src/experiments/docs_format.ts";
import { DOC_TABLES, docTables, resultsMarkdown } from "../../src/experiments/docs_tables.ts";

const root = new URL("../../", import.meta.url);
const text = (path: string) => Deno.readTextFileSync(new URL(path, root));
const read = (file: string) => JSON.parse(text(`results/${file}`));
const docs = [
  "README.md",
  ...[...Deno.readDirSync(new URL("docs/", root))].filter((e) => e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`),
].sort();
const tables = docTables(read);

Deno.test("every results table in README.md and docs/ is what results/*.json write", () => {
  for (const doc of docs) assertEquals(staleBlocks(text(doc), tables), [], `${doc} is stale`);
  const used = new Set(docs.flatMap((doc) => markedBlocks(text(doc)).map((b) => b.name)));
  assertEquals(Object.keys(DOC_TABLES).filter((name) => !used.has(name)), []);
  assert(markedBlocks(text("README.md")).some((b) => b.name === "headline"));
});

Deno.test("results/TABLE.md is what reproduce writes from results/TABLE.json", () => {
  for (const [file, md] of Object.entries(resultsMarkdown(read))) {
    assertEquals(text(`results/${file}`), md, `results/${file} is stale`);
  }
});

Deno.test("a figure edited by hand inside a block makes that block stale", () => {
  const readme = text("README.md");
  const [block] = markedBlocks(readme).filter((b) => b.name === "headline");
  const figure = block.content.match(/\d+\.\d\d %/)![0];
  const edited = readme.replace(figure, "0.01 %");
  assertEquals(staleBlocks(edited, tables), ["headline"]);
  // Writing the blocks again restores the figure, and leaves current blocks as they were.
  const filled = fillBlocks(edited, tables);
  assertEquals(staleBlocks(filled, tables), []);
  assertStringIncludes(filled, figure);
  assertEquals(fillBlocks(readme, tables), readme);
});

Deno.test("a table realigned or a paragraph rewrapped by deno fmt stays current", () => {
  const table = markdownTable(["rule", "error"], [["DFA", "1.68 %"], ["BP", "1.56 %"]]);
  const squeezed = "| rule | error |\n| --- | --- |\n| DFA | 1.68 % |\n| BP | 1.56 % |";
  assertEquals(layoutFree(table), layoutFree(squeezed));
  assertEquals(layoutFree("a long\nparagraph"), layoutFree("a long paragraph"));
  assert(layoutFree(table) !== layoutFree(squeezed.replace("1.56", "1.57")));
});

Deno.test("a block closed by another name, left open or of no table is refused", () => {
  const block = (open: string, close: string) =>
    `<!-- results:${open} -->\n| a |\n<!-- /results:${close} -->\n`;
  assertThrows(() => markedBlocks(block("mnist", "lenet")), SyntaxError, "closed by lenet");
  assertThrows(() => markedBlocks("<!-- results:mnist -->\n| a |\n"), SyntaxError, "1 opened");
  const names = Object.keys(DOC_TABLES);
  assertThrows(() => markedBlocks(block("nothing", "nothing"), names), RangeError, "nothing");
  assertEquals(markedBlocks(block("mnist", "mnist")), [{ name: "mnist", content: "| a |\n" }]);
});

Deno.test("a single seed shows as (1 seed), several as mean ± std", () => {
  assertEquals(seedSummary([3.64]), "3.64 % (1 seed)");
  assertEquals(seedSummary([1, 3]), "2.00 ± 1.41 % (2 seeds)");
  for (const md of [...Object.values(tables), ...Object.values(resultsMarkdown(read))]) {
    assert(!/± 0\.00 %? ?\(1\)/.test(md), md);
  }
});
