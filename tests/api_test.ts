// The shape of the public API: a small core, every entry point linted, every doc example asserting,
// every rule and layer kind reachable by name, by constant and by display name.
import { assert, assertEquals } from "@std/assert";
import { FEEDBACK_RULES, LAYER_KINDS, RULE_NAMES, RULES } from "../mod.ts";
import * as model from "../src/model/mod.ts";

const root = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));
const config = JSON.parse(read("deno.json"));

/** The names `export { … } from` and `export type { … } from` lists in a module's text. */
function exportedNames(text: string): string[] {
  const lists = [...text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].map((m) => m[1]);
  return lists.flatMap((list) =>
    list.split(",").map((s) => s.trim().replace(/^type /, "").split(" as ").at(-1)!.trim())
      .filter(Boolean)
  );
}

/** Every `.ts` file under a directory of the project. */
function* tsFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(new URL(dir, root))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* tsFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The code blocks of a file's JSDoc comments, their `*` prefixes removed. */
function docExamples(text: string): { fence: string; code: string }[] {
  const blocks: { fence: string; code: string }[] = [];
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = comment.split("\n").map((l) => l.replace(/^\s*\*? ?/, ""));
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("```")) continue;
      const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
      blocks.push({ fence: lines[i], code: lines.slice(i + 1, end).join("\n") });
      i = end;
    }
  }
  return blocks;
}

Deno.test("mod.ts exports at most 40 names, and docs/api.md lists each of them", () => {
  const names = exportedNames(read("mod.ts"));
  assert(names.length > 0 && names.length <= 40, `mod.ts exports ${names.length} names`);
  const page = read("docs/api.md");
  assert(page.includes(`a core of ${names.length} names`), "docs/api.md counts the core otherwise");
  const missing = names.filter((n) => !page.includes(`\`${n}\``));
  assertEquals(missing, [], "core names missing from docs/api.md");
});

Deno.test("the test task lints every entry point, and docs/api.md names each", () => {
  const entries = Object.entries(config.exports as Record<string, string>);
  const lint = (config.tasks.test as string).match(/deno doc --lint ([^&]*)/)![1].split(/\s+/);
  const page = read("docs/api.md");
  for (const [name, file] of entries) {
    assert(lint.includes(file.replace(/^\.\//, "")), `${file} is not in the test task's doc lint`);
    assert(page.includes(`\`${name}\``), `docs/api.md does not name ${name}`);
  }
});

Deno.test("every doc example runs and asserts, none prints", () => {
  const files = ["mod.ts", ...tsFiles("src"), ...tsFiles("ffi")];
  const bad: string[] = [];
  let count = 0;
  for (const file of files) {
    for (const { fence, code } of docExamples(read(file))) {
      if (!/^```(ts|typescript)\b/.test(fence)) continue;
      count++;
      const first = code.split("\n")[0];
      if (fence.includes("ignore")) bad.push(`${file}: an example that does not run: ${first}`);
      if (!/\bassert\w*\(/.test(code)) {
        bad.push(`${file}: an example that asserts nothing: ${first}`);
      }
      if (/console\.log\(/.test(code)) bad.push(`${file}: an example that prints: ${first}`);
    }
  }
  assert(count > 200, `only ${count} examples found`);
  assertEquals(bad, []);
});

Deno.test("every rule and layer kind has its constant in ./model, and every rule its display name", () => {
  const constants = model as unknown as Record<string, unknown>;
  assertEquals(RULES, Object.keys(FEEDBACK_RULES));
  assertEquals(Object.keys(RULE_NAMES), [...RULES]);
  for (const rule of RULES) {
    assertEquals(constants[rule.toUpperCase()], FEEDBACK_RULES[rule], rule);
    assertEquals(RULE_NAMES[rule].toLowerCase(), rule);
  }
  for (const [kind, factory] of Object.entries(LAYER_KINDS)) {
    assertEquals(constants[kind.toUpperCase()], factory, kind);
  }
});
