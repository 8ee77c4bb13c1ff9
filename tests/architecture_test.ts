// The shape of the code, held by tests: thin scripts over a library that neither prints nor exits,
// and an engine that asks its layers and rules instead of branching on their names (so that a new
// kind or rule is a file and a registry line).
import { assert, assertEquals } from "@std/assert";
import { FEEDBACK_RULES, LAYER_KINDS, type LayerSpec, Network, RULES } from "../mod.ts";
import { FEEDBACK_POINTS, networkFromArrays, networkToArrays } from "../src/model/mod.ts";
import { Optimizer, trainStep } from "../src/train/mod.ts";

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

Deno.test("scripts are thin entry points: no library modules (_*.ts), none over 120 lines", () => {
  for (const path of sources("scripts")) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    assert(!name.startsWith("_"), `${path}: library code belongs in src/`);
    const lines = Deno.readTextFileSync(`${root}/${path}`).trimEnd().split("\n").length;
    assert(lines <= 120, `${path}: ${lines} lines`);
  }
});

Deno.test("no test imports a script module: tests import the library", () => {
  for (const path of sources("tests")) {
    for (const [, spec] of code(path).matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      assert(!/(^|\/)scripts\//.test(spec), `${path} imports ${spec}`);
    }
  }
});

Deno.test("library code neither prints nor exits, but for the commands' edge (src/cli/command.ts)", () => {
  for (const path of [...sources("src"), ...sources("ffi"), "mod.ts"]) {
    if (path === "src/cli/command.ts") continue;
    const found = code(path).match(/\bconsole\.\w+|Deno\.exit\b|Deno\.std(out|err)\b/);
    assert(!found, `${path}: ${found?.[0]}`);
  }
});

Deno.test("the option parser does not depend on the launcher", () => {
  const imports = [...code("src/cli/options.ts").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
  assert(imports.every((i) => !/tasks\.ts|launch\.ts|command\.ts/.test(i)), imports.join(", "));
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

Deno.test("layers share their helpers through the kernels: one layer file imports another only for RD's affine map", () => {
  for (const path of sources("src/model/layers")) {
    if (path.endsWith("/registry.ts")) continue; // the registry imports every kind
    const imports = [
      ...code(path).matchAll(
        /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"\.\/(\w+)\.ts"/g,
      ),
    ].filter(([, , file]) => file !== "layer").map(([, names, file]) => `${file}: ${names.trim()}`);
    assertEquals(imports, path.endsWith("/rd.ts") ? ["dense: affineForward"] : [], path);
  }
});

Deno.test("every registered layer kind and rule builds, trains a step and round-trips", async (t) => {
  // dense (8) → KIND → dense (3), the input an image of (2, 2, 2) for the spatial kinds.
  const specs: Record<string, LayerSpec | undefined> = {
    conv: { in: [2, 2, 2], out: [3, 2, 2], kernel: 1 },
    maxpool: { in: [2, 2, 2], out: [2, 1, 1], kernel: 2 },
    avgpool: { in: [2, 2, 2], out: [2, 1, 1], kernel: 2 },
    dropout: { in: [2, 2, 2], out: [2, 2, 2], rate: 0.5 },
  };
  for (const kind of Object.keys(LAYER_KINDS) as (keyof typeof LAYER_KINDS)[]) {
    for (
      const [rule, feedbackAt] of RULES.flatMap((r) =>
        FEEDBACK_RULES[r].direct
          ? FEEDBACK_POINTS.map((at) => [r, at] as const)
          : [[r, "layer"] as const]
      )
    ) {
      const refusal = FEEDBACK_RULES[rule].refuse(["dense", kind, "dense"]);
      const name = `${kind} under ${rule}${feedbackAt === "block" ? ", feedback at blocks" : ""}`;
      await t.step(name, () => {
        if (refusal) return; // refused by the rule, as its registry entry says
        const spec = specs[kind], out = spec ? spec.out[0] * spec.out[1] * spec.out[2] : 4;
        const net = Network.create({
          sizes: [8, 8, out, 3],
          layers: ["dense", kind, "dense"],
          specs: [undefined, spec, undefined],
          hidden: ["tanh", spec ? "linear" : "tanh"],
          rule,
          init: "uniform",
          seed: 1,
          feedbackAt,
        });
        assertEquals(net.layers.map((l) => l.kind), ["dense", kind, "dense"]);
        assert(net.params.every((p) => p.value.length === p.grad.length));
        const ws = net.workspace(2);
        ws.x.set(Array.from({ length: 16 }, (_, i) => Math.sin(i)));
        ws.y.set([1, 0, 0, 0, 0, 1]);
        const before = net.params.map((p) => p.value.slice());
        trainStep(net, ws, 2, new Optimizer({ name: "sgd", lr: 0.1 }));
        assert(net.params.some((p, i) => p.value.some((v, j) => v !== before[i][j])), "a step");
        const copy = networkFromArrays(networkToArrays(net)), ws2 = copy.workspace(2);
        ws2.x.set(ws.x.subarray(0, 16));
        assertEquals(copy.forward(ws2, 2).slice(0, 6), net.forward(ws, 2).slice(0, 6));
      });
    }
  }
});

Deno.test("the library's core is layered: a folder imports only the folders below it, never the root module", () => {
  // Top to bottom, as docs/architecture.md lists them; a folder may import those after it.
  const core = ["stacking", "train", "model", "data", "io", "kernels", "tensor", "native"];
  const below = (dir: string) => ["ffi", ...core.slice(core.indexOf(dir) + 1)];
  for (const dir of core) {
    for (const path of sources(`src/${dir}`)) {
      const from = path.slice(0, path.lastIndexOf("/"));
      for (const [, spec] of code(path).matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
        const target = new URL(spec, `file:///${from}/`).pathname.slice(1);
        const folder = target.startsWith("src/") ? target.split("/")[1] : target.split("/")[0];
        const ok = target.startsWith(`src/${dir}/`) || below(dir).includes(folder);
        assert(ok, `${path} imports ${spec}`);
      }
    }
  }
});
