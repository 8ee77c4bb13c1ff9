// Step 2 of the workflow: N DFA nets that share an initialisation (or, with --diff, do not) but
// each have their own feedback matrix; their linear outputs stacked into two .npz files.
import {
  ndarray,
  saveNpz,
  shardRange,
  stackOutputs,
  WEAK_LEARNER_DEFAULTS,
  type WeakLearnerConfig,
} from "../mod.ts";
import { checkedInt, parse, type Parsed, run, UsageError } from "./_cli.ts";
import {
  type LearnerSummary,
  partsDir,
  prefixOf,
  readPart,
  type RunOptions,
  trainLearners,
  writeStacked,
} from "./_weak_learners_lib.ts";

export const spec = {
  name: "weak-learners",
  summary:
    "Trains N weak learners (784–800–10 tanh/sigmoid nets, DFA, plain SGD) that share one N(0, 1)\n" +
    "initialisation (--diff: each its own) and each draw their own feedback matrix, and writes their\n" +
    "linear outputs to DIR/train_linouts.npz (train_linear_outputs, (10·N, 60000)) and\n" +
    "DIR/test_linouts.npz (test_linear_outputs, (10·N, 10000)); diff- before the names with --diff.\n" +
    "Learners train in parallel and are saved as they finish: a killed run resumes where it stopped.",
  usage: "deno task weak-learners N [options]",
  options: [
    { name: "diff", kind: "boolean" as const, help: "each learner has its own initialisation" },
    {
      name: "epochs",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.epochs),
      help: "most epochs a learner",
    },
    {
      name: "lr",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.lr),
      help: "SGD learning rate",
    },
    {
      name: "batch",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.batch),
      help: "batch size",
    },
    {
      name: "tolerance",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.tolerance),
      help: "stop a learner when its training error changes less",
    },
    {
      name: "hidden",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.hidden),
      help: "hidden units",
    },
    {
      name: "seed",
      kind: "string" as const,
      default: String(WEAK_LEARNER_DEFAULTS.seed),
      help: "random seed",
    },
    {
      name: "workers",
      kind: "string" as const,
      default: "auto",
      help: "worker threads; auto: 1, as OpenBLAS already spreads each product over all cores",
    },
    {
      name: "shard",
      kind: "string" as const,
      help: "K/M: train only shard K of M (merge with merge-linouts)",
    },
    {
      name: "data",
      kind: "string" as const,
      default: "data/mnist.npz",
      help: "MNIST from create-dataset (else the shipped copy)",
    },
    { name: "out-dir", kind: "string" as const, default: "data", help: "where the outputs go" },
    {
      name: "train-samples",
      kind: "string" as const,
      help: "use only the first N training images",
    },
    { name: "test-samples", kind: "string" as const, help: "use only the first N test images" },
    {
      name: "keep-parts",
      kind: "boolean" as const,
      help: "keep the per-learner files after stacking",
    },
    { name: "json", kind: "boolean" as const, help: "print one JSON object as the last line" },
    { name: "quiet", kind: "boolean" as const, help: "only the summary" },
  ],
};

export interface WeakLearnersResult {
  n: number;
  learners: LearnerSummary[];
  mean_test_error: number;
  best_test_error: number;
  files: string[];
  seconds: number;
}

export function optionsFrom(args: Parsed): RunOptions {
  const opt = (name: string) => args.optional(name) === undefined ? undefined : args.int(name, 1);
  const config: WeakLearnerConfig = {
    seed: args.int("seed", 0),
    diff: args.flag("diff"),
    hidden: args.int("hidden", 1),
    epochs: args.int("epochs", 1),
    lr: args.number("lr", Number.MIN_VALUE),
    batch: args.int("batch", 1),
    tolerance: args.number("tolerance", 0),
  };
  return {
    config,
    data: args.get("data"),
    trainSamples: opt("train-samples"),
    testSamples: opt("test-samples"),
    outDir: args.get("out-dir"),
  };
}

export function positiveN(value: string | undefined): number {
  if (value === undefined) throw new UsageError("N, the number of weak learners, is missing");
  return checkedInt("N (the number of weak learners)", value, 1);
}

export async function weakLearners(
  o: RunOptions,
  n: number,
  { workers = "auto", shard, quiet = false, keepParts = false }: {
    workers?: string;
    shard?: string;
    quiet?: boolean;
    keepParts?: boolean;
  } = {},
): Promise<WeakLearnersResult> {
  const t0 = performance.now();
  let range: [number, number] = [0, n], shardKM: [number, number] | undefined;
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard);
    if (!m) throw new UsageError(`--shard must be K/M: ${shard}`);
    shardKM = [Number(m[1]), Number(m[2])];
    try {
      range = shardRange(n, shardKM[0], shardKM[1]);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  // OpenBLAS threads already use every core, and worker threads calling it at once measured slower
  // here (4 learners: 1 worker 7.7 s, 2 workers 12.8 s), so auto is one; --shard spreads processes.
  const w = workers === "auto" ? 1 : checkedInt("--workers", workers, 1);
  const summaries = new Map<number, LearnerSummary>();
  const todo: number[] = [];
  for (let i = range[0]; i < range[1]; i++) {
    const p = readPart(o, i);
    if (p) summaries.set(i, p);
    else todo.push(i);
  }
  const line = (s: LearnerSummary, note = "") =>
    !quiet && console.log(
      `learner ${String(s.index + 1).padStart(String(n).length)}/${n}: train error ${
        (100 * s.trainError).toFixed(2)
      } %, ` +
        `test error ${(100 * s.testError).toFixed(2)} %, ${s.epochs} epoch${
          s.epochs === 1 ? "" : "s"
        }, ${s.seconds.toFixed(1)} s${note}`,
    );
  for (const s of summaries.values()) line(s, " (already done)");
  await trainLearners(o, todo, Math.min(w, Math.max(1, todo.length)), (s) => {
    summaries.set(s.index, s);
    line(s);
  });
  const learners = [...summaries.values()].sort((a, b) => a.index - b.index);
  const prefix = prefixOf(o.config), files: string[] = [];
  Deno.mkdirSync(o.outDir, { recursive: true });
  if (shardKM) {
    // One file with this shard's learners; merge-linouts joins the shards.
    const path = `${o.outDir}/${prefix}linouts-shard-${shardKM[0]}-of-${shardKM[1]}.npz`;
    const parts = learners.map((s) => readPart(o, s.index)!.arrays);
    const rows = (k: string) => parts.map((p) => p[k].data as Float32Array);
    saveNpz(path, {
      learners: ndarray("int32", [learners.length], Int32Array.from(learners, (s) => s.index)),
      n: ndarray("int32", [1], Int32Array.of(n)),
      errors: ndarray(
        "float64",
        [learners.length, 4],
        Float64Array.from(
          learners.flatMap((s) => [s.trainError, s.testError, s.epochs, s.seconds]),
        ),
      ),
      train_linear_outputs: stackOutputs(rows("train_linear_outputs"), 10),
      test_linear_outputs: stackOutputs(rows("test_linear_outputs"), 10),
      identity: parts[0]?.identity ?? ndarray("uint8", [0], new Uint8Array()),
    });
    files.push(path);
  } else {
    const trainPath = `${o.outDir}/${prefix}train_linouts.npz`,
      testPath = `${o.outDir}/${prefix}test_linouts.npz`;
    writeStacked(o, n, trainPath, testPath);
    files.push(trainPath, testPath);
    if (!keepParts) Deno.removeSync(partsDir(o), { recursive: true });
  }
  const errs = learners.map((s) => s.testError);
  return {
    n,
    learners,
    mean_test_error: errs.reduce((a, b) => a + b, 0) / errs.length,
    best_test_error: Math.min(...errs),
    files,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.main) {
  await run(spec.name, async () => {
    const args = parse(spec, Deno.args);
    if (!args) return;
    if (args.positional.length > 1) {
      throw new UsageError(`unexpected argument: ${args.positional[1]}`);
    }
    const n = positiveN(args.positional[0]);
    const o = optionsFrom(args);
    const quiet = args.flag("quiet");
    const r = await weakLearners(o, n, {
      workers: args.get("workers"),
      shard: args.optional("shard"),
      quiet,
      keepParts: args.flag("keep-parts"),
    });
    console.log(
      `${r.learners.length} weak learners: mean test error ${
        (100 * r.mean_test_error).toFixed(2)
      } %, best ${(100 * r.best_test_error).toFixed(2)} %; wrote ${r.files.join(" and ")} in ${
        r.seconds.toFixed(1)
      } s`,
    );
    if (args.flag("json")) console.log(JSON.stringify(r));
  });
}
