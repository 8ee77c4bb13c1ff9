import { assert, assertEquals } from "@std/assert";
import { runDeno } from "../_tasks.ts";

const root = new URL("../../", import.meta.url);
const readme = Deno.readTextFileSync(new URL("README.md", root));
const lines = readme.split("\n");
/** The 1-based line of the first line that is exactly `text`. */
const lineOf = (text: string) => lines.indexOf(text) + 1;

Deno.test("the README is a front page: quick start by line 30, library example by line 150", () => {
  assert(lines.length <= 201, `README.md has ${lines.length - 1} lines`);
  const quickStart = lineOf("bash scripts/setup.sh && deno task pipeline");
  assert(quickStart > 0 && quickStart <= 30, `the quick start is at line ${quickStart}`);
  const example = lineOf("```ts");
  assert(example > 0 && example <= 150, `the library example is at line ${example}`);
});

Deno.test("CI runs exactly the README's test command", () => {
  const command = "bash scripts/setup.sh --dev && deno task test";
  assert(lineOf(command) > 0, "the README gives the test command");
  const ci = Deno.readTextFileSync(new URL(".ci/run", root)).trim().split("\n");
  assertEquals(ci.at(-1), command);
});

Deno.test("the README's library example type-checks against mod.ts", async () => {
  const start = lineOf("```ts");
  const end = lines.indexOf("```", start);
  const example = lines.slice(start, end).join("\n")
    .replaceAll('"./mod.ts"', JSON.stringify(new URL("mod.ts", root).href));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/example.ts`, example);
    const config = new URL("deno.json", root).pathname;
    const r = await runDeno(["check", "--quiet", "--config", config, `${dir}/example.ts`]);
    assertEquals(r.code, 0, r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
