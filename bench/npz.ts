// Reading and writing data/mnist.npz (≈222 MB): dfa against NumPy's np.load / np.savez on the same
// machine in the same run, best of --reps; and the peak RSS of a process that only reads it.
// Run: deno task bench:npz (needs data/mnist.npz: deno task create-dataset)
import { parseArgs } from "@std/cli";
import { loadNpz, saveNpz } from "../src/io/mod.ts";

const args = parseArgs(Deno.args, {
  string: ["file", "reps"],
  default: { file: "data/mnist.npz", reps: "5" },
});
const file = args.file, reps = Number(args.reps);
const out = "data/bench-npz-out.npz";

function best(fn: () => void): number {
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t / 1000;
}

async function py(code: string): Promise<string> {
  const r = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", code, file, out, String(reps)],
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(r.stdout).trim();
}

// Resident memory now; right after loadNpz returns, the file's buffer is not yet collected, so this
// is the peak of the read (the file, and the arrays).
const rssNow = () => Deno.memoryUsage().rss;

if (args._[0] === "rss") {
  // Child mode: read once and report the peak resident memory and the arrays' bytes.
  const base = rssNow();
  const arrays = loadNpz(file);
  const bytes = Object.values(arrays).reduce((n, a) => n + a.data.byteLength, 0);
  Deno.stdout.writeSync(
    new TextEncoder().encode(JSON.stringify({ base, peak: rssNow(), bytes }) + "\n"),
  );
  Deno.exit(0);
}

const arrays = loadNpz(file);
const tsRead = best(() => loadNpz(file));
const tsWrite = best(() => saveNpz(out, arrays));
const [npRead, npWrite] = JSON.parse(
  await py(`
import sys, time, json, numpy as np
f, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
def best(fn):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); t = min(t, time.perf_counter() - t0)
    return t
def load():
    with np.load(f) as z: return {k: z[k] for k in z.files}
d = load()
print(json.dumps([best(load), best(lambda: np.savez(out, **d))]))`),
);
const child = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-read=.",
    import.meta.filename!,
    "rss",
    "--file",
    file,
  ],
  stdout: "piped",
  stderr: "inherit",
}).output();
const rss = JSON.parse(new TextDecoder().decode(child.stdout));
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
console.log(`file ${file}: ${mb(Deno.statSync(file).size)}, best of ${reps}`);
console.log(
  `read : dfa ${tsRead.toFixed(3)} s, numpy ${npRead.toFixed(3)} s, ratio ${
    (tsRead / npRead).toFixed(2)
  }`,
);
console.log(
  `write: dfa ${tsWrite.toFixed(3)} s, numpy ${npWrite.toFixed(3)} s, ratio ${
    (tsWrite / npWrite).toFixed(2)
  }`,
);
console.log(
  `peak RSS right after reading: ${mb(rss.peak)} (${mb(rss.peak - rss.base)} above the runtime's ${
    mb(rss.base)
  }) for ` +
    `${mb(rss.bytes)} of arrays: ${((rss.peak - rss.base) / rss.bytes).toFixed(2)}× the arrays`,
);
Deno.removeSync(out);
