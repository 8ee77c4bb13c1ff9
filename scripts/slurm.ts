// Weak learners on a Slurm cluster: a job array (one task a shard) and a merge job that depends
// on the whole array, each job with least-privilege `deno run` flags scoped to the run; then
// following the run until it ends, and resubmitting only what is missing.
import { resolve } from "@std/path";
import { cliArgs, CommandError, parse, UsageError } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { joinSbatchArgs, sbatchOptions } from "../src/cluster/sbatch_options.ts";
import { followRun, planRun, readSavedRun, submitRun } from "../src/cluster/submit.ts";
import { LEARNER_OPTIONS, learnerArgs, siteOptions } from "../src/cli/slurm_options.ts";
import { gridStatusCommand, reproduceOnSlurm } from "../src/cluster/grid_run.ts";
import { locateOpenBlas, OPENBLAS_FIX } from "../src/native/mod.ts";

const spec = {
  name: "slurm",
  summary:
    "Runs weak learners on a Slurm cluster: writes OUT/slurm/shard.sh (a job array, one task per\n" +
    "shard, each training its shard in OUT/shards/K) and OUT/slurm/finish.sh (merge-linouts into\n" +
    "OUT, and for pipeline both stacked models), submits them with the merge depending on the whole\n" +
    "array (afterok, --kill-on-invalid-dep=yes), and prints the job ids and logs. Every job runs\n" +
    "with deno run flags scoped to the run (no -A). Running the same command again resubmits only\n" +
    "the shards whose files are missing. `status` reports a run; --wait follows it to the end and\n" +
    "exits 0 only when the merged files exist. Every option is checked before anything is written.",
  usage: "deno task slurm weak-learners|diff-weak-learners|pipeline N [options]\n" +
    "       deno task slurm reproduce FILE [--seeds 1,2,3] [--only TEXT] [--rules bp,dfa] [options]\n" +
    "       deno task slurm status [--out-dir OUT] [--wait]",
  options: [
    { name: "shards", kind: "integer", min: 1, default: 4, help: "array tasks (shards)" },
    { name: "out-dir", kind: "string", default: "data/slurm", help: "the run's directory" },
    { name: "data", kind: "string", default: "data/mnist.npz", help: "MNIST (create-dataset)" },
    { name: "cpus-per-task", kind: "integer", min: 1, default: 1, help: "CPUs (OpenBLAS threads)" },
    { name: "partition", kind: "string", help: "sbatch --partition (names, comma-separated)" },
    { name: "time", kind: "string", help: "sbatch --time (a shard's limit: D-HH:MM:SS, …)" },
    { name: "mem", kind: "string", help: "sbatch --mem (MB, or with K, M, G, T)" },
    { name: "account", kind: "string", help: "sbatch --account" },
    { name: "qos", kind: "string", help: "sbatch --qos" },
    {
      name: "sbatch-args",
      kind: "string",
      help: "more sbatch options, space-separated (--opt=value or --opt value)",
    },
    { name: "binary", kind: "string", help: "a runner from compile-runner instead of deno run" },
    { name: "openblas", kind: "string", help: "OpenBLAS on the nodes (default: the one here)" },
    { name: "wait", kind: "boolean", help: "follow the run until it ends" },
    { name: "poll", kind: "number", positive: true, default: 5, help: "seconds between checks" },
    ...LEARNER_OPTIONS,
    { name: "seeds", kind: "string", help: "reproduce --seeds" },
    { name: "only", kind: "string", help: "reproduce --only" },
    { name: "rules", kind: "string", help: "reproduce --rules" },
  ],
} as const;

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, joinSbatchArgs(cliArgs()));
  const [what, nText] = args.positional, outDir = resolve(args.get("out-dir"));
  if (args.positional.length > 2) {
    throw new UsageError(`unexpected argument: ${args.positional[2]}`);
  }
  const follow = { wait: args.flag("wait"), poll: args.number("poll"), print: console.log };
  if (what === "status") {
    if (args.positional.length > 1) throw new UsageError(`unexpected argument: ${nText}`);
    const saved = readSavedRun(outDir);
    if (!saved && await gridStatusCommand(outDir, follow.wait, follow.poll, console.log)) return;
    if (!saved) throw new UsageError(`no Slurm run in ${outDir} (no slurm/run.json)`);
    return await followRun(saved, follow);
  }
  const site = siteOptions(args);
  if (what === "reproduce") {
    // An experiment file: one array task per cell × seed, then the merge (src/cluster/grid_run.ts).
    if (nText === undefined) throw new UsageError("FILE, the experiment, is missing");
    const library = args.optional("openblas") ?? locateOpenBlas();
    if (!library) {
      throw new CommandError(`Cannot find OpenBLAS here; give --openblas. ${OPENBLAS_FIX}`);
    }
    const [only, rules, seeds] = ["only", "rules", "seeds"].map((o) => args.optional(o));
    const sbatch = sbatchOptions(args.int("cpus-per-task"), site, args.optional("sbatch-args"));
    const request = { file: nText, project: resolve("."), data: resolve(args.get("data")), outDir };
    const more = {
      epochs: args.optionalInt("epochs"),
      trainSamples: args.optionalInt("train-samples"),
    };
    return await reproduceOnSlurm(
      { ...request, library, sbatch, only, rules, seeds, ...more },
      follow.wait,
      follow.poll,
      console.log,
    );
  }
  if (what === undefined) throw new UsageError("the task is missing: weak-learners, … or status");
  if (nText === undefined) throw new UsageError("N, the number of weak learners, is missing");
  const binary = args.optional("binary");
  const saved = submitRun(
    planRun({
      task: what,
      n: nText,
      shards: args.int("shards"),
      cpusPerTask: args.int("cpus-per-task"),
      project: resolve("."),
      data: resolve(args.get("data")),
      outDir,
      site,
      sbatchArgs: args.optional("sbatch-args"),
      binary: binary === undefined ? undefined : resolve(binary),
      openblas: args.optional("openblas"),
      learnerArgs: learnerArgs(args), // each by weak-learners' own rules
    }),
    console.log,
  );
  if (saved && follow.wait) await followRun(saved, follow);
});
