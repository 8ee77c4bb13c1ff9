// Weak learners on a Slurm cluster: a job array (one task a shard) and a merge job that depends
// on the whole array, each job with least-privilege `deno run` flags scoped to the run; then
// following the run until it ends, and resubmitting only what is missing.
import { resolve } from "@std/path";
import { locateOpenBlas, OPENBLAS_FIX } from "../src/native/mod.ts";
import { checkedInt, cliArgs, CommandError, parse, UsageError } from "../src/cli/options.ts";
import { run } from "../src/cli/command.ts";
import { finishScript, runFiles, shardScript, type SlurmPlan } from "../src/cluster/jobs.ts";
import { type JobStatus, runStatus, submit } from "../src/cluster/queue.ts";
import { gridStatusCommand, reproduceOnSlurm } from "../src/cluster/grid_run.ts";

const TASKS = ["weak-learners", "diff-weak-learners", "pipeline"] as const;
const LEARNER_OPTIONS = ["seed", "epochs", "lr", "batch", "hidden", "tolerance"] as const;
const SAMPLE_OPTIONS = ["train-samples", "test-samples"] as const;
const SITE_OPTIONS = ["partition", "time", "mem", "account", "qos"] as const;

const spec = {
  name: "slurm",
  summary:
    "Runs weak learners on a Slurm cluster: writes OUT/slurm/shard.sh (a job array, one task per\n" +
    "shard, each training its shard in OUT/shards/K) and OUT/slurm/finish.sh (merge-linouts into\n" +
    "OUT, and for pipeline both stacked models), submits them with the merge depending on the whole\n" +
    "array (afterok, --kill-on-invalid-dep=yes), and prints the job ids and logs. Every job runs\n" +
    "with deno run flags scoped to the run (no -A). Running the same command again resubmits only\n" +
    "the shards whose files are missing. `status` reports a run; --wait follows it to the end and\n" +
    "exits 0 only when the merged files exist.",
  usage: "deno task slurm weak-learners|diff-weak-learners|pipeline N [options]\n" +
    "       deno task slurm reproduce FILE [--seeds 1,2,3] [--only TEXT] [--rules bp,dfa] [options]\n" +
    "       deno task slurm status [--out-dir OUT] [--wait]",
  options: [
    { name: "shards", kind: "integer", min: 1, default: 4, help: "array tasks (shards)" },
    { name: "out-dir", kind: "string", default: "data/slurm", help: "the run's directory" },
    { name: "data", kind: "string", default: "data/mnist.npz", help: "MNIST (create-dataset)" },
    { name: "cpus-per-task", kind: "integer", min: 1, default: 1, help: "CPUs (OpenBLAS threads)" },
    { name: "partition", kind: "string", help: "sbatch --partition" },
    { name: "time", kind: "string", help: "sbatch --time (a shard's limit)" },
    { name: "mem", kind: "string", help: "sbatch --mem" },
    { name: "account", kind: "string", help: "sbatch --account" },
    { name: "qos", kind: "string", help: "sbatch --qos" },
    { name: "sbatch-args", kind: "string", help: "more sbatch options, space-separated" },
    { name: "binary", kind: "string", help: "a runner from compile-runner instead of deno run" },
    { name: "openblas", kind: "string", help: "OpenBLAS on the nodes (default: the one here)" },
    { name: "wait", kind: "boolean", help: "follow the run until it ends" },
    { name: "poll", kind: "number", positive: true, default: 5, help: "seconds between checks" },
    { name: "seed", kind: "integer", help: "weak-learners --seed" },
    { name: "epochs", kind: "integer", min: 1, help: "weak-learners --epochs" },
    { name: "lr", kind: "number", positive: true, help: "weak-learners --lr" },
    { name: "batch", kind: "integer", min: 1, help: "weak-learners --batch" },
    { name: "hidden", kind: "integer", min: 1, help: "weak-learners --hidden" },
    { name: "tolerance", kind: "number", min: 0, help: "weak-learners --tolerance" },
    { name: "train-samples", kind: "integer", min: 1, help: "weak-learners --train-samples" },
    { name: "test-samples", kind: "integer", min: 1, help: "weak-learners --test-samples" },
    { name: "seeds", kind: "string", help: "reproduce --seeds" },
    { name: "only", kind: "string", help: "reproduce --only" },
    { name: "rules", kind: "string", help: "reproduce --rules" },
  ],
} as const;

interface Saved {
  plan: SlurmPlan;
  jobs: { array?: string; finish?: string };
}

function readSaved(outDir: string): Saved | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(runFiles({ outDir, diff: false, shards: 1 }).plan));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CommandError(`Cannot read ${outDir}/slurm/run.json: ${(error as Error).message}`);
  }
}

/** What makes two submissions the same run (site options may change between them). */
const identity = (p: SlurmPlan) =>
  JSON.stringify([p.task, p.n, p.shards, p.diff, p.data, p.learnerArgs]);

const counts = (s: JobStatus[]) =>
  (["done", "queued", "failed", "missing"] as const).map((k) => {
    const c = s.filter((x) => x.state === k).length;
    return c ? `${c} ${k === "queued" ? "queued or running" : k}` : "";
  }).filter(Boolean).join(", ");

const lastLine = (log: string) => {
  try {
    return Deno.readTextFileSync(log).trim().split("\n").at(-1) ?? "";
  } catch {
    return "(no log)";
  }
};

/** Reports a run, and with `wait` follows it to its end; throws when it failed. */
async function follow(saved: Saved, wait: boolean, poll: number): Promise<void> {
  const { plan, jobs } = saved;
  let last = "";
  for (;;) {
    const st = runStatus(plan, jobs);
    const line = `shards: ${counts(st.shards)}; merge: ${st.finish.detail}`;
    if (line !== last) console.log(line), last = line;
    const busy = st.shards.some((s) => s.state === "queued") || st.finish.state === "queued";
    if (wait && busy) {
      await new Promise((r) => setTimeout(r, poll * 1000));
      continue;
    }
    st.shards.forEach((s, i) => {
      if (s.state === "failed") {
        console.log(`shard ${i + 1} failed: ${s.detail}; log ${s.log}: ${lastLine(s.log)}`);
      }
    });
    const f = runFiles(plan);
    if (st.finish.state === "done") {
      console.log(`Done: ${f.merged.train} and ${f.merged.test}`);
      if (plan.task === "pipeline") console.log(`Results: ${f.results.dense}, ${f.results.rd}`);
      return;
    }
    if (st.finish.state === "failed" && !st.shards.some((s) => s.state === "failed")) {
      console.log(
        `the merge failed: ${st.finish.detail}; log ${f.finishLog}: ${lastLine(f.finishLog)}`,
      );
    }
    if (!busy || wait) {
      throw new CommandError(
        `the run in ${plan.outDir} did not finish; fix what failed and run the same command again ` +
          "(only the missing shards are resubmitted)",
      );
    }
    return; // still running
  }
}

await run(spec.name, async () => {
  const args = parse({ ...spec, options: [...spec.options] }, cliArgs());
  if (!args) return;
  const [what, nText] = args.positional, outDir = resolve(args.get("out-dir"));
  const wait = args.flag("wait"), poll = args.number("poll");
  if (what === "status") {
    if (args.positional.length > 1) throw new UsageError(`unexpected argument: ${nText}`);
    const saved = readSaved(outDir);
    if (!saved && await gridStatusCommand(outDir, wait, poll, console.log)) return;
    if (!saved) throw new UsageError(`no Slurm run in ${outDir} (no slurm/run.json)`);
    return await follow(saved, wait, poll);
  }
  if (what === "reproduce") {
    // An experiment file: one array task per cell × seed, then the merge (src/cluster/grid_run.ts).
    if (nText === undefined) throw new UsageError("FILE, the experiment, is missing");
    if (args.positional.length > 2) {
      throw new UsageError(`unexpected argument: ${args.positional[2]}`);
    }
    const library = args.optional("openblas") ?? locateOpenBlas();
    if (!library) {
      throw new CommandError(`Cannot find OpenBLAS here; give --openblas. ${OPENBLAS_FIX}`);
    }
    const sbatch = [
      `--cpus-per-task=${args.int("cpus-per-task")}`,
      ...SITE_OPTIONS.flatMap((o) =>
        args.optional(o) === undefined ? [] : [`--${o}=${args.optional(o)}`]
      ),
      ...(args.optional("sbatch-args")?.split(/\s+/).filter(Boolean) ?? []),
    ];
    const [only, rules, seeds] = ["only", "rules", "seeds"].map((o) => args.optional(o));
    return await reproduceOnSlurm(
      {
        file: nText,
        project: resolve("."),
        data: resolve(args.get("data")),
        outDir,
        library,
        sbatch,
        only,
        rules,
        seeds,
        epochs: args.optionalInt("epochs"),
        trainSamples: args.optionalInt("train-samples"),
      },
      wait,
      poll,
      console.log,
    );
  }
  if (!TASKS.includes(what as typeof TASKS[number])) {
    throw new UsageError(
      `the task must be one of ${TASKS.join(", ")}, reproduce or status: ${what ?? "(none)"}`,
    );
  }
  if (nText === undefined) throw new UsageError("N, the number of weak learners, is missing");
  if (args.positional.length > 2) {
    throw new UsageError(`unexpected argument: ${args.positional[2]}`);
  }
  const n = checkedInt("N (the number of weak learners)", nText, 1);
  const data = resolve(args.get("data"));
  try {
    Deno.statSync(data);
  } catch {
    throw new UsageError(`cannot find ${data}: run deno task create-dataset, or give --data`);
  }
  const library = args.optional("openblas") ?? locateOpenBlas();
  if (!library) {
    throw new CommandError(`Cannot find OpenBLAS here; give --openblas. ${OPENBLAS_FIX}`);
  }
  const binary = args.optional("binary");
  const plan: SlurmPlan = {
    task: what as SlurmPlan["task"],
    n,
    shards: args.int("shards"),
    diff: what === "diff-weak-learners",
    project: resolve("."),
    data,
    outDir,
    library,
    learnerArgs: [...LEARNER_OPTIONS, ...SAMPLE_OPTIONS].flatMap((o) => {
      const v = args.optional(o);
      return v === undefined ? [] : [`--${o}`, v];
    }),
    sbatch: [
      `--cpus-per-task=${args.int("cpus-per-task")}`,
      ...SITE_OPTIONS.flatMap((o) => {
        const v = args.optional(o);
        return v === undefined ? [] : [`--${o}=${v}`];
      }),
      ...(args.optional("sbatch-args")?.split(/\s+/).filter(Boolean) ?? []),
    ],
    binary: binary ? resolve(binary) : "",
  };
  const saved = readSaved(outDir);
  if (saved && identity(saved.plan) !== identity(plan)) {
    throw new UsageError(
      `${outDir} holds another run (${saved.plan.task} ${saved.plan.n} --shards ${saved.plan.shards}` +
        `${
          saved.plan.learnerArgs.length ? ` ${saved.plan.learnerArgs.join(" ")}` : ""
        }): give another --out-dir`,
    );
  }
  if (saved) {
    const st = runStatus(saved.plan, saved.jobs);
    if (st.shards.some((s) => s.state === "queued") || st.finish.state === "queued") {
      throw new CommandError(
        `Cannot submit: this run is still in the queue (jobs ${
          Object.values(saved.jobs).join(", ")
        }); follow it with deno task slurm status --out-dir ${outDir} --wait`,
      );
    }
  }
  const f = runFiles(plan), st = runStatus(plan, {});
  if (st.finish.state === "done") {
    console.log(`Already done: ${f.merged.train} and ${f.merged.test}`);
    return;
  }
  const missing = st.shards.flatMap((s, i) => (s.state === "done" ? [] : [i + 1]));
  Deno.mkdirSync(`${f.slurm}/logs`, { recursive: true });
  Deno.writeTextFileSync(f.shardScript, shardScript(plan), { mode: 0o755 });
  Deno.writeTextFileSync(f.finishScript, finishScript(plan), { mode: 0o755 });
  for (const stale of [...missing.map(f.shardExit), f.finishExit]) {
    try {
      Deno.removeSync(stale);
    } catch { /* none */ }
  }
  const jobs: Saved["jobs"] = {};
  if (missing.length) jobs.array = submit(f.shardScript, [`--array=${missing.join(",")}`]);
  jobs.finish = submit(
    f.finishScript,
    jobs.array ? [`--dependency=afterok:${jobs.array}`, "--kill-on-invalid-dep=yes"] : [],
  );
  Deno.writeTextFileSync(f.plan, JSON.stringify({ plan, jobs }, null, 1) + "\n");
  if (jobs.array) {
    console.log(
      `Submitted job array ${jobs.array} (shards ${missing.join(", ")} of ${plan.shards}; ${
        plan.shards - missing.length
      } already done); logs ${f.shardLog("K")}`,
    );
  }
  console.log(
    `Submitted job ${jobs.finish} (merge${
      plan.task === "pipeline" ? " and stacked models" : ""
    }), after the array; log ${f.finishLog}`,
  );
  console.log(`Follow it: deno task slurm status --out-dir ${outDir} --wait`);
  if (wait) await follow({ plan, jobs }, true, poll);
});
