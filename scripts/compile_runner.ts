// Compiles scripts/runner.ts into one self-contained executable (`deno compile`) with its
// permissions baked in, for cluster nodes that have no Deno: `deno task slurm … --binary PATH`.
import { resolve } from "@std/path";
import { locateOpenBlas, OPENBLAS_FIX } from "../src/native/mod.ts";
import { cliArgs, CommandError, noMoreArguments, parse, run } from "../src/cli/options.ts";
import { JOB_ENV } from "../src/cluster/jobs.ts";

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
  if (!args) return;
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
  const flags = [
    "--no-prompt",
    `--allow-read=${[...new Set([...read, ...write])].join(",")}`,
    `--allow-write=${write.join(",")}`,
    `--allow-ffi=${library}`,
    `--allow-env=${JOB_ENV.join(",")}`,
  ];
  const r = await new Deno.Command("deno", {
    args: ["compile", ...flags, "--output", out, "scripts/runner.ts"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (r.code !== 0) {
    // deno-lint-ignore no-control-regex
    const err = new TextDecoder().decode(r.stderr).replace(/\x1b\[[0-9;]*m/g, "").trim();
    // deno's own message, and the deepest cause it lists ("    1: error sending request …").
    const lines = err.split("\n").map((l) => l.trim());
    const head = lines.find((l) => l.startsWith("error")) ?? lines.at(-1);
    const cause = lines.filter((l) => /^\d+: /.test(l)).map((l) => l.replace(/^\d+: /, ""));
    const why = [head, cause.find((c) => /request|download|denort/i.test(c)) ?? cause.at(-1)]
      .filter(Boolean).join(": ");
    throw new CommandError(
      `Cannot compile the runner: ${why}` +
        (/dns|lookup|download|connect/i.test(err)
          ? " (deno compile fetches its runtime, denort, from dl.deno.land: allow that, or set " +
            "DENORT_BIN to the denort of this deno's version)"
          : ""),
    );
  }
  console.log(`Wrote ${out}: run it as ${out} weak-learners|merge-linouts|stacked-model ARGS…`);
  console.log(`It may read ${read.join(", ")}, write ${write.join(", ")}, and load ${library}`);
});
