import { assertEquals, assertStringIncludes } from "@std/assert";
import { markdownToHtml } from "../../src/report/markdown_html.ts";
import { writeReport } from "../../src/report/report.ts";

const md = `## Table 1 <MNIST>

1 epoch a cell (\`Blas.core\`: Haswell).

| network | DFA ours | published |
| --- | --- | --- |
| 1×800 | 2.10 ± 0.05 (3) | 1.9 |
| 2×800 | 1.9 (1 seed) | – |`;

Deno.test("a results table in Markdown becomes an HTML table, its text escaped", () => {
  assertEquals(
    markdownToHtml(md),
    "<h2>Table 1 &lt;MNIST&gt;</h2>\n" +
      "<p>1 epoch a cell (<code>Blas.core</code>: Haswell).</p>\n" +
      "<table><tr><th>network</th><th>DFA ours</th><th>published</th></tr>\n" +
      "<tr><td>1×800</td><td>2.10 ± 0.05 (3)</td><td>1.9</td></tr>\n" +
      "<tr><td>2×800</td><td>1.9 (1 seed)</td><td>–</td></tr></table>",
  );
});

Deno.test("a report shows its Markdown as HTML under the title, not as one list item", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const html = Deno.readTextFileSync(await writeReport(dir, "Table 1", [], [], md));
    assertStringIncludes(html, "<h1>Table 1</h1>\n<h2>Table 1 &lt;MNIST&gt;</h2>");
    assertStringIncludes(html, "<td>2.10 ± 0.05 (3)</td>");
    assertEquals(html.includes("<li>"), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
