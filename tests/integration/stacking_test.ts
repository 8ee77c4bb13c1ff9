import { assert, assertEquals, assertLess, assertStringIncludes } from "@std/assert";
import { learnerSeed, shardRange, stackOutputs } from "../../src/stacking/mod.ts";
import { runAll, runTask, tmpOut } from "../_tasks.ts";
import { taskFlags } from "../../src/cli/task_flags.ts";
import { TASKS } from "../../src/cli/tasks.ts";
import { locateOpenBlas } from "../../src/native/mod.ts";
import { evalPython } from "../_numpy.ts";

const root = new URL("../..", import.meta.url).pathname;
const SMALL = ["--train-samples", "3000", "--test-samples", "1000"];

const bytes = (path: string) => Deno.readFileSync(`${root}/${path}`);

Deno.test("shards split the learners and stacking puts learner i at rows 10i…10i+9", () => {
  assertEquals([1, 2, 3].map((k) => shardRange(50, k, 3)), [[0, 16], [16, 33], [33, 50]]);
  assertEquals(shardRange(2, 3, 3), [1, 2]);
  const s = stackOutputs([new Float32Array(20).fill(1), new Float32Array(20).fill(2)], 10);
  assertEquals(s.shape, [20, 2]);
  assertEquals([s.data[19], s.data[20]], [1, 2]);
  assert(
    learnerSeed(1, 0, 1) !== learnerSeed(1, 1, 1) && learnerSeed(1, 0, 1) !== learnerSeed(1, 0, 2),
  );
});

Deno.test("weak learners: files NumPy opens, parallel = sequential, shards merged = one run", async () => {
  const a = await tmpOut(), b = await tmpOut(), c = await tmpOut();
  try {
    let r = await runTask("weak-learners", [
      "3",
      ...SMALL,
      "--out-dir",
      a,
      "--workers",
      "2",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assertEquals(summary.learners.length, 3);
    const shapes = JSON.parse(
      await evalPython(
        `import sys, json, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print(json.dumps([a.files, list(a["train_linear_outputs"].shape), b.files, list(b["test_linear_outputs"].shape), str(a["train_linear_outputs"].dtype)]))`,
        `${root}/${a}/train_linouts.npz`,
        `${root}/${a}/test_linouts.npz`,
      ),
    );
    assertEquals(shapes, [
      ["train_linear_outputs"],
      [30, 3000],
      ["test_linear_outputs"],
      [30, 1000],
      "float32",
    ]);

    r = await runTask("weak-learners", ["3", ...SMALL, "--out-dir", b, "--workers", "1"]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(
      bytes(`${b}/train_linouts.npz`),
      bytes(`${a}/train_linouts.npz`),
      "parallel = sequential",
    );
    assertEquals(bytes(`${b}/test_linouts.npz`), bytes(`${a}/test_linouts.npz`));

    for (const k of [1, 2]) {
      r = await runTask("weak-learners", ["3", ...SMALL, "--out-dir", c, "--shard", `${k}/2`]);
      assertEquals(r.code, 0, r.stderr);
    }
    r = await runTask("merge-linouts", [
      `${c}/linouts-shard-2-of-2.npz`,
      `${c}/linouts-shard-1-of-2.npz`,
      "--out-dir",
      c,
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(
      bytes(`${c}/train_linouts.npz`),
      bytes(`${a}/train_linouts.npz`),
      "shards merged = one run",
    );
    assertEquals(bytes(`${c}/test_linouts.npz`), bytes(`${a}/test_linouts.npz`));

    r = await runTask("merge-linouts", [`${c}/linouts-shard-1-of-2.npz`, "--out-dir", c]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, "in no shard");

    // The stacked models run on those files (Adam on batch means needs a few more epochs than the
    // original's SGD on batch sums took on these 3 000 images).
    r = await runTask("stacked-model", [
      "3",
      `${a}/train_linouts.npz`,
      `${a}/test_linouts.npz`,
      "--epochs",
      "20",
      "--quiet",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "Test error: ");
    assertLess(JSON.parse(r.stdout.trim().split("\n").at(-1)!).testError, 0.9);
    r = await runTask("rd-stacked-model", [
      "3",
      `${a}/train_linouts.npz`,
      `${a}/test_linouts.npz`,
      "--epochs",
      "3",
      "--quiet",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    // d1 (30), d2 (10) and, in the default RD model, a bias (10).
    assertEquals(JSON.parse(r.stdout.trim().split("\n").at(-1)!).parameters, 50);
  } finally {
    for (const d of [a, b, c]) await Deno.remove(`${root}/${d}`, { recursive: true });
  }
});

Deno.test("a killed weak-learner run resumes to the same files as an uninterrupted one", async () => {
  const a = await tmpOut(), b = await tmpOut();
  try {
    let r = await runTask("weak-learners", ["4", ...SMALL, "--out-dir", a, "--workers", "1"]);
    assertEquals(r.code, 0, r.stderr);
    // Start the same run elsewhere, as the task's launcher starts it (the same flags), and kill it
    // once some learners are saved.
    const task = TASKS["weak-learners"], flags = taskFlags(task, locateOpenBlas()!);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, task.script, "4", ...SMALL, "--out-dir", b, "--workers", "1"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const parts = () => {
      try {
        return [...Deno.readDirSync(`${root}/${b}/parts`)].flatMap((d) =>
          [...Deno.readDirSync(`${root}/${b}/parts/${d.name}`)].filter((f) =>
            /^learner-\d+\.npz$/.test(f.name)
          )
        ).length;
      } catch {
        return 0;
      }
    };
    const t0 = Date.now();
    while (parts() < 2 && Date.now() - t0 < 60_000) await new Promise((res) => setTimeout(res, 20));
    child.kill("SIGKILL");
    await child.output();
    const done = parts();
    assert(done >= 2 && done < 4, `killed after ${done} of 4 learners`);
    r = await runTask("weak-learners", ["4", ...SMALL, "--out-dir", b, "--workers", "1"]);
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "(already done)");
    assertEquals(bytes(`${b}/train_linouts.npz`), bytes(`${a}/train_linouts.npz`));
    assertEquals(bytes(`${b}/test_linouts.npz`), bytes(`${a}/test_linouts.npz`));
  } finally {
    for (const d of [a, b]) await Deno.remove(`${root}/${d}`, { recursive: true });
  }
});

Deno.test("bad stacking arguments are one line and a non-zero exit", async (t) => {
  const out = await tmpOut();
  await Deno.writeTextFile(`${root}/${out}/junk.npz`, "not a zip");
  try {
    const cases: [string, string[], number, string][] = [
      ["weak-learners", ["0"], 2, "N (the number of weak learners) must be an integer ≥ 1: 0"],
      ["weak-learners", ["many"], 2, "must be an integer"],
      ["weak-learners", [], 2, "N, the number of weak learners, is missing"],
      ["weak-learners", ["2", "--shard", "3/2"], 2, "Cannot take shard 3 of 2"],
      ["stacked-model", ["5", `${out}/nope.npz`, `${out}/nope.npz`], 2, "nope.npz"],
      ["stacked-model", ["5", `${out}/junk.npz`, `${out}/junk.npz`], 1, "junk.npz"],
      ["stacked-model", ["2"], 2, "expected N TRAIN TEST"],
    ];
    const runs = await runAll(cases.map(([task, args]) => () => runTask(task, args)));
    for (const [i, [task, args, code, message]] of cases.entries()) {
      await t.step(`${task} ${args.join(" ")}`, () => {
        const r = runs[i];
        assertEquals(r.code, code, r.stderr);
        assertStringIncludes(r.stderr, message);
        assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
      });
    }
    await t.step("N that disagrees with the file's rows", async () => {
      const r = await runTask("weak-learners", ["2", ...SMALL, "--out-dir", out, "--quiet"]);
      assertEquals(r.code, 0, r.stderr);
      const s = await runTask("stacked-model", [
        "3",
        `${out}/train_linouts.npz`,
        `${out}/test_linouts.npz`,
      ]);
      assertEquals(s.code, 2);
      assertStringIncludes(s.stderr, "N = 3 needs 30 rows");
    });
  } finally {
    await Deno.remove(`${root}/${out}`, { recursive: true });
  }
});

Deno.test("the original's commands work verbatim: bare file names are found in data/", async (t) => {
  const dir = await tmpOut(), name = `bare-${crypto.randomUUID().slice(0, 8)}`;
  try {
    let r = await runTask("weak-learners", ["2", ...SMALL, "--out-dir", dir]);
    assertEquals(r.code, 0, r.stderr);
    // As `python stacked-model.py 2 train_linouts.npz test_linouts.npz` would be typed.
    Deno.renameSync(`${root}/${dir}/train_linouts.npz`, `${root}/data/${name}-train.npz`);
    Deno.renameSync(`${root}/${dir}/test_linouts.npz`, `${root}/data/${name}-test.npz`);
    await t.step("found in data/", async () => {
      r = await runTask("rd-stacked-model", [
        "2",
        `${name}-train.npz`,
        `${name}-test.npz`,
        "--epochs",
        "2",
        "--quiet",
      ]);
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, "Test error:");
    });
    await t.step("found nowhere: one line naming both places", async () => {
      r = await runTask("stacked-model", ["2", `${name}-missing.npz`, `${name}-test.npz`]);
      assertEquals(r.code, 2);
      assertStringIncludes(
        r.stderr,
        `looked for ./${name}-missing.npz and data/${name}-missing.npz`,
      );
      assertEquals(r.stderr.trim().split("\n").length, 1);
    });
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true });
    for (const f of ["train", "test"]) {
      await Deno.remove(`${root}/data/${name}-${f}.npz`).catch(() => {});
    }
  }
});
