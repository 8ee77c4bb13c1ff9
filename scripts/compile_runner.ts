// Compiles scripts/runner.ts into one self-contained executable (`deno compile`) with its
// permissions baked in, for cluster nodes that have no Deno: `deno task slurm … --binary PATH`.
import { resolve } from "@std/path";
import { locateOpenBlas, OPENBLAS_FIX } from "../src/native/mod.ts";
import { cliArgs, CommandError, noMoreArguments, parse } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { compileRunner } from "../src/cluster/compile_runner.ts";

const spec = {
  name: "compile-runner",
  summary:
    "Compiles the runner (weak-learners, merge-linouts, stacked-model in one executable) with deno\n" +
    "compile, its permissions baked in: read the data and the run directories you name, write the\n" +
    "run directories, FFI only the OpenBLAS library the nodes use, the env vars it reads. The nodes\n" +
    "then need only the executable, the data and OpenBLAS. deno compile fetches its runtime\n" +
    "(denort) from dl.deno.land once, or takes it from DENORT_BIN.",
  usage: "deno task compile-runner --read DIRS --write DIRS [--out FILE] [--openblas PATH]",
  options: [
    { name: "out", kind: "string", default: "data/dfa-runner", help: "the executable" },
    { name: "read", kind: "string", help: "paths it may read, comma-separated (data, run dirs)" },
    { name: "write", kind: "string", help: "paths it may write, comma-separated (run dirs)" },
    { name: "openblas", kind: "string", help: "OpenBLAS on the nodes (default: the one here)" },
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  noMoreArguments(args);
  const list = (o: string) =>
    (args.optional(o) ?? "").split(",").filter(Boolean).map((p) => resolve(p));
  const read = list("read"), write = list("write");
  if (!read.length || !write.length) {
    throw new CommandError("name what the runner may read and write: --read DIRS --write DIRS");
  }
  const library = args.optional("openblas") ?? locateOpenBlas();
  if (!library) throw new CommandError(`Cannot find OpenBLAS; give --openblas. ${OPENBLAS_FIX}`);
  const out = resolve(args.get("out"));
  await compileRunner({ read, write, library, out });
  console.log(`Wrote ${out}: run it as ${out} weak-learners|merge-linouts|stacked-model ARGS…`);
  console.log(`It may read ${read.join(", ")}, write ${write.join(", ")}, and load ${library}`);
});
