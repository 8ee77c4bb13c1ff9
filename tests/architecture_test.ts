// The shape of the code, held by tests: short files, and an engine that asks its layers and rules
// instead of branching on their names (so that a new kind or rule is a file and a registry line).
import { assert, assertEquals } from "@std/assert";
import { FEEDBACK_RULES, LAYER_KINDS, Network, RULES } from "../mod.ts";

const root = new URL("..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return [...Deno.readDirSync(`${root}/${dir}`)].flatMap((e) =>
    e.isDirectory ? sources(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []
  );
}

/** The code of a file without its comments. */
const code = (path: string) =>
  Deno.readTextFileSync(`${root}/${path}`).replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /\/\/.*$/gm,
    "",
  );

Deno.test("no library or script file is over 300 lines", () => {
  for (const path of [...sources("src"), ...sources("ffi"), ...sources("scripts")]) {
    if (path.endsWith("kernels_wasm.ts")) continue; // generated
    const lines = Deno.readTextFileSync(`${root}/${path}`).split("\n").length;
    assert(lines <= 300, `${path}: ${lines} lines`);
  }
});

Deno.test("the engine names no layer kind and no rule: it asks the registries", () => {
  const engine = [
    "src/model/network.ts",
    "src/model/network_factory.ts",
    "src/model/serialize.ts",
    "src/train/step.ts",
    "src/train/train.ts",
    "src/train/alignment.ts",
  ];
  const names = [...Object.keys(LAYER_KINDS), ...RULES.filter((r) => r !== "bp")];
  for (const path of engine) {
    for (const name of names) {
      assert(!code(path).includes(`"${name}"`), `${path} names "${name}"`);
    }
  }
});

Deno.test("every registered layer kind and rule builds, trains a step and round-trips", async (t) => {
  for (const kind of Object.keys(LAYER_KINDS) as (keyof typeof LAYER_KINDS)[]) {
    for (const rule of RULES) {
      const refusal = FEEDBACK_RULES[rule].refuse(["dense", kind]);
      await t.step(`${kind} under ${rule}`, () => {
        if (refusal) return; // refused by the rule, as its registry entry says
        const net = Network.create({ sizes: [5, 4, 3], layers: ["dense", kind], rule, seed: 1 });
        assertEquals(net.layers.map((l) => l.kind), ["dense", kind]);
        assert(net.params.every((p) => p.value.length === p.grad.length));
      });
    }
  }
});
