// Memory at scale: synthetic shard files of N learners (M shards, MNIST's 60000 + 10000 samples),
// then merge-linouts and both stacked models, each in its own process with its task's flags,
// under GNU time for the peak RSS; printed beside the size of the merged files.
// Run: deno run -A bench/scale.ts [--n 400] [--shards 8] [--epochs 2]   (needs /usr/bin/time)
import { parseArgs } from "@std/cli";
import { locateOpenBlas } from "../src/native/mod.ts";
import { writeShard } from "../src/stacking/mod.ts";
import { taskFlags } from "../src/cli/task_flags.ts";
import { TASKS } from "../src/cli/tasks.ts";

const args = parseArgs(Deno.args, {
  string: ["n", "shards", "epochs", "dir"],
  default: { n: "400", shards: "8", epochs: "2", dir: "data/bench-scale" },
});
const n = Number(args.n), m = Number(args.shards), dir = `${args.dir}/n${n}`;
const classes = 10, samples = [60000, 10000];
Deno.mkdirSync(dir, { recursive: true });

// Shard k holds learners [⌊(k−1)n/m⌋, ⌊kn/m⌋): values N(0, 1)-ish, whatever they are.
const files: string[] = [];
let seed = 1;
const fill = (a: Float32Array) => {
  for (let i = 0; i < a.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = (seed / 2 ** 32 - 0.5) * 3.4;
  }
  return a;
};
for (let k = 1; k <= m; k++) {
  const first = Math.floor((k - 1) * n / m), end = Math.floor(k * n / m), count = end - first;
  const path = `${dir}/linouts-shard-${k}-of-${m}.npz`;
  files.push(path);
  try {
    Deno.statSync(path);
    continue;
  } catch { /* write it */ }
  writeShard(path, {
    n,
    learners: Int32Array.from({ length: count }, (_, i) => first + i),
    errors: new Float64Array(count * 4),
    classes,
    train: fill(new Float32Array(classes * count * samples[0])),
    test: fill(new Float32Array(classes * count * samples[1])),
    identity: JSON.stringify({ synthetic: true, diff: false }),
  });
}

const library = locateOpenBlas() ?? "";
function peak(task: string, extra: string[]): number {
  const t = TASKS[task], taskArgs = [...(t.args ?? []), ...extra];
  const out = new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", "deno", "run", ...taskFlags(t, library, taskArgs), t.script, ...taskArgs],
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  if (out.code !== 0) throw new Error(`${task} failed: ${err.join(" | ")}`);
  return Number(err.at(-1)) * 1024;
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const merged = peak("merge-linouts", [...files, "--out-dir", dir]);
const size = ["train", "test"].reduce(
  (t, k) => t + Deno.statSync(`${dir}/${k}_linouts.npz`).size,
  0,
);
const rows: [string, number][] = [["merge-linouts", merged]];
for (const task of ["stacked-model", "rd-stacked-model"]) {
  rows.push([
    task,
    peak(task, [
      String(n),
      `${dir}/train_linouts.npz`,
      `${dir}/test_linouts.npz`,
      "--epochs",
      args.epochs,
      "--quiet",
    ]),
  ]);
}
console.log(`N = ${n} (${m} shards): the merged files are ${mb(size)}`);
for (const [task, rss] of rows) {
  console.log(
    `${task.padEnd(18)} peak RSS ${mb(rss).padStart(8)}  ${
      (rss / size).toFixed(2)
    }× the merged files`,
  );
}
