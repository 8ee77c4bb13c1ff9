// The Markdown a task prints (headings, paragraphs, pipe tables, `code`) as HTML for its report,
// so that a results table reads as a table there too.

/**
 * Escapes text for HTML.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { escapeHtml } from "./markdown_html.ts";
 * assertEquals(escapeHtml('a < "b"'), "a &lt; &quot;b&quot;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

function inline(s: string): string {
  return escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function cells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
}

/**
 * The HTML of a Markdown text of headings, paragraphs and pipe tables (the first row the header,
 * the `| --- |` row dropped); other Markdown stays as text.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { markdownToHtml } from "./markdown_html.ts";
 * assertEquals(
 *   markdownToHtml("## Errors\n\n| rule | error |\n| --- | --- |\n| dfa | 1.9 |"),
 *   "<h2>Errors</h2>\n<table><tr><th>rule</th><th>error</th></tr>\n<tr><td>dfa</td><td>1.9</td></tr></table>",
 * );
 * ```
 *
 * @param md The Markdown.
 * @returns The HTML.
 */
export function markdownToHtml(md: string): string {
  const blocks = md.trim().split(/\n\s*\n/);
  return blocks.map((block) => {
    const lines = block.split("\n");
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
    if (heading && lines.length === 1) {
      const h = heading[1].length;
      return `<h${h}>${inline(heading[2])}</h${h}>`;
    }
    if (lines.every((l) => l.trim().startsWith("|"))) {
      const rows = lines.filter((l) => !/^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(l)).map(cells);
      const [head, ...body] = rows;
      return `<table><tr>${head.map((c) => `<th>${inline(c)}</th>`).join("")}</tr>\n${
        body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("\n")
      }</table>`;
    }
    return `<p>${inline(lines.join(" "))}</p>`;
  }).join("\n");
}
