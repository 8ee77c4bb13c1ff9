// The marked blocks of a Markdown document: a results table sits between a line
// `<!-- results:NAME -->` and a line `<!-- /results:NAME -->`, and is written again from the
// results when what lies between differs from them (layout aside).

/** One marked block of a document: its name and what lies between its markers. */
export interface MarkedBlock {
  name: string;
  content: string;
}

// A marker is a line of its own, so prose may name one in backticks.
const MARKER = /^<!-- results:([\w-]+) -->\n([\s\S]*?)^<!-- \/results:([\w-]+) -->$/gm;

/**
 * The marked blocks of a document, in order. Throws a SyntaxError for a block whose closing
 * marker names another table or is missing, and a RangeError for a name not in `names` (if given).
 */
export function markedBlocks(text: string, names?: readonly string[]): MarkedBlock[] {
  const blocks = [...text.matchAll(MARKER)].map((m) => {
    if (m[1] !== m[3]) {
      throw new SyntaxError(`Cannot read the results block ${m[1]}: it is closed by ${m[3]}`);
    }
    if (names && !names.includes(m[1])) {
      throw new RangeError(`Cannot write the results block: no table is named ${m[1]}`);
    }
    return { name: m[1], content: m[2] };
  });
  const opened = text.match(/^<!-- results:[\w-]+ -->$/gm)?.length ?? 0;
  if (opened !== blocks.length) {
    throw new SyntaxError(
      `Cannot read the results blocks: ${opened} opened, ${blocks.length} closed`,
    );
  }
  return blocks;
}

/**
 * A block's text with its layout taken out (spaces, line breaks, the width of table rules), so
 * that `deno fmt` rewrapping a paragraph or realigning a table leaves it the same.
 */
export function layoutFree(text: string): string {
  return text.replace(/:?-{3,}:?/g, "---").replace(/\s+/g, " ").replace(/ ?\| ?/g, "|").trim();
}

/** The names of the blocks whose content differs from what the results write. */
export function staleBlocks(text: string, tables: Record<string, string>): string[] {
  return markedBlocks(text, Object.keys(tables)).filter((b) =>
    layoutFree(b.content) !== layoutFree(tables[b.name])
  )
    .map((b) => b.name);
}

/** The document with every stale block rewritten from `tables` (current blocks left as they are). */
export function fillBlocks(text: string, tables: Record<string, string>): string {
  markedBlocks(text, Object.keys(tables));
  return text.replace(
    MARKER,
    (whole, name: string, content: string) =>
      layoutFree(content) === layoutFree(tables[name])
        ? whole
        : `<!-- results:${name} -->\n\n${tables[name].trim()}\n\n<!-- /results:${name} -->`,
  );
}
