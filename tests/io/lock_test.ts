import { assert, assertEquals, assertRejects } from "@std/assert";
import { lockDirectory } from "../../src/io/mod.ts";
import { lockCheckpoints } from "../../src/experiments/checkpoints.ts";
import { runWeakLearners, WEAK_LEARNER_DEFAULTS } from "../../src/stacking/mod.ts";

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test("the directory lock removes only the temporaries of the files its run writes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const stale = `${dir}/out.npz.partial-999-abc123`, foreign = `${dir}/data.npz.partial-1-x`;
    Deno.mkdirSync(`${dir}/parts/a`, { recursive: true });
    const part = `${dir}/parts/a/out.npz.partial-999-abc123`;
    for (const f of [stale, foreign, part]) Deno.writeTextFileSync(f, "half");
    const lock = lockDirectory(dir, (p) => p === "out.npz" || p === "parts/a/out.npz");
    assertEquals(lock.removedPartials, 2);
    assert(!exists(stale) && !exists(part));
    assert(exists(foreign), "another writer's file in flight was removed");
    lock.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint directory's lock leaves a weak-learners run below it and other files alone", async () => {
  // mnist --checkpoint-dir P while weak-learners writes into P/W: W's files in flight survive.
  const dir = await Deno.makeTempDir(), inner = `${dir}/W`;
  try {
    const held = lockDirectory(inner);
    const inFlight = `${inner}/train_linouts.npz.partial-${Deno.pid}-abc123`;
    const partsFile = `${inner}/parts/weak-learners-0a1b2c3d/learner-00001.npz.partial-1-x`;
    Deno.mkdirSync(partsFile.slice(0, partsFile.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(inFlight, "half");
    Deno.writeTextFileSync(partsFile, "half");
    const staleCheckpoint = `${dir}/dfa.npz.partial-999-abc123`;
    Deno.writeTextFileSync(staleCheckpoint, "half");
    // create-dataset writing beside the checkpoints (--checkpoint-dir data).
    const dataset = `${dir}/mnist.npz.partial-${Deno.pid}-abc123`;
    Deno.writeTextFileSync(dataset, "half");
    {
      using _lock = lockCheckpoints(dir);
    }
    assert(exists(inFlight) && exists(partsFile), "the checkpoint lock removed W's files");
    assert(exists(dataset), "the checkpoint lock removed another task's file in flight");
    assert(!exists(staleCheckpoint), "a killed run's checkpoint temporary stays");
    held.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a weak-learners run's lock leaves a checkpoint directory inside it alone", async () => {
  // weak-learners into P while mnist --checkpoint-dir P/ck saves its checkpoint.
  const dir = await Deno.makeTempDir();
  try {
    Deno.mkdirSync(`${dir}/ck`);
    const checkpoint = `${dir}/ck/dfa.npz.partial-${Deno.pid}-abc123`;
    const result = `${dir}/results.json.partial-${Deno.pid}-abc123`;
    const stale = `${dir}/train_linouts.npz.partial-999-abc123`;
    for (const f of [checkpoint, result, stale]) Deno.writeTextFileSync(f, "half");
    // The lock is taken (and cleans up) before the data are read; the missing data stop the run.
    await assertRejects(() =>
      runWeakLearners(
        { config: { ...WEAK_LEARNER_DEFAULTS, diff: false }, data: `${dir}/none.npz`, outDir: dir },
        1,
      )
    );
    assert(exists(checkpoint) && exists(result), "another run's file in flight was removed");
    assert(!exists(stale), "the killed run's own temporary stays");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
