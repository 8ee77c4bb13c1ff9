// The stacking study on one given set of learners' outputs, with the original program's own runs
// read from its logs and recorded beside ours.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { linoutPaths, writeLinouts } from "../../src/stacking/outputs.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { DataFormatError } from "../../mod.ts";
import { DEFAULT_MNIST, loadMnistLabels } from "../../src/data/shipped.ts";
import {
  runStackingStudy,
  type StudyCell,
  studyTable,
} from "../../src/experiments/stacking_study.ts";

/** Two learners' outputs on the first samples: their labels' one-hot rows plus noise. */
function writeTinyOutputs(dir: string): void {
  const labels = loadMnistLabels(DEFAULT_MNIST), classes = labels.classes, rng = new Rng(5);
  const learner = (y: Uint8Array, samples: number) => {
    const a = new Float32Array(classes * samples).map(() => rng.normal());
    for (let s = 0; s < samples; s++) a[y[s] * samples + s] += 2;
    return a;
  };
  const learners = (y: Uint8Array, samples: number) => [learner(y, samples), learner(y, samples)];
  writeLinouts(
    linoutPaths(dir, false),
    learners(labels.train, 400),
    learners(labels.test, 100),
    classes,
  );
}

/** What the original program prints: a training error an epoch, then the test error. */
const originalLog = (trainErrors: number[], testPercent: string) =>
  trainErrors.map((e, i) => `Loss at epoch ${i + 1} : 0.05\nTraining error: ${e}`).join("\n") +
  `\nTest error: ${testPercent} %\n`;

Deno.test("the study stacks one set of outputs for every seed and records the original program's logs beside", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeTinyOutputs(dir);
    const logs = `${dir}/logs`;
    Deno.mkdirSync(logs);
    Deno.writeTextFileSync(`${logs}/dense-1.log`, originalLog([0.3, 0.2, 0.125], "12.79"));
    Deno.writeTextFileSync(`${logs}/rd-1.log`, originalLog([0.4, 0.35], "13.5"));
    // Seed 2 has no logs: only our models run for it.
    const lines: string[] = [];
    const options = {
      n: 2,
      seeds: [1, 2],
      out: `${dir}/study.json`,
      only: "original" as const,
      existing: false,
      outputs: dir,
      originalLogs: logs,
    };
    const cells = await runStackingStudy(options, (line) => lines.push(line));
    const key = (c: StudyCell) => `${c.seed} ${c.kind} ${c.model} ${c.update}`;
    assertEquals(cells.map(key).sort(), [
      "1 same dense original",
      "1 same dense original-program",
      "1 same rd original",
      "1 same rd original-program",
      "2 same dense original",
      "2 same rd original",
    ]);
    const program = (model: string) =>
      cells.find((c) => c.seed === 1 && c.model === model && c.update === "original-program");
    assertEquals(program("dense"), {
      seed: 1,
      kind: "same",
      model: "dense",
      update: "original-program",
      testError: 0.1279,
      trainError: 0.125,
      epochs: 3,
      bestEpoch: 3,
    });
    assertEquals(program("rd")?.testError, 0.135);
    assertEquals(program("rd")?.epochs, 2);
    for (const c of cells.filter((c) => c.update === "original")) {
      // The original's recipes: dense 100 epochs; RD at most 200, fewer by its stopping rule.
      assert(c.model === "dense" ? c.epochs === 100 : c.epochs >= 1 && c.epochs <= 200, key(c));
      assert(c.seconds !== undefined && c.testError >= 0 && c.testError <= 1, key(c));
    }
    assertEquals(lines.length, cells.length);
    const saved = JSON.parse(Deno.readTextFileSync(options.out));
    assertEquals(saved.outputs, dir);
    assertEquals(saved.cells, cells);
    const table = studyTable(cells);
    assert(
      table.some((l) => /^dense original-program\s+12\.79 ± 0\.00 % \(1\)/.test(l)),
      table.join("\n"),
    );
    assert(table.some((l) => /^rd original-program\s+13\.50 ± 0\.00 % \(1\)/.test(l)));
    // A resumed study has nothing left to run.
    lines.length = 0;
    assertEquals(await runStackingStudy(options, (line) => lines.push(line)), cells);
    assertEquals(lines, []);
    // The diff-init files were never written: refused, naming the file.
    await assertRejects(
      () =>
        runStackingStudy(
          { ...options, out: `${dir}/diff.json`, diff: true, originalLogs: undefined },
          () => {},
        ),
      Deno.errors.NotFound,
      `${dir}/diff-test_linouts.npz`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the study runs only the models asked and refuses a damaged results file, writing nothing over it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeTinyOutputs(dir);
    const options = {
      n: 2,
      seeds: [1],
      out: `${dir}/study.json`,
      only: "original" as const,
      existing: false,
      outputs: dir,
      models: ["dense"] as const,
    };
    const cells = await runStackingStudy(options, () => {});
    assertEquals(cells.map((c) => `${c.model} ${c.update}`), ["dense original"]);
    for (const damaged of ['{"n": 2, "cells": [', '{"n": 2}']) {
      Deno.writeTextFileSync(options.out, damaged);
      await assertRejects(
        () => runStackingStudy(options, () => {}),
        DataFormatError,
        `Cannot read the study's results file ${options.out}: `,
      );
      assertEquals(Deno.readTextFileSync(options.out), damaged);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("two studies writing one results file keep each other's cells", async () => {
  const dir = await Deno.makeTempDir();
  try {
    writeTinyOutputs(dir);
    const out = `${dir}/study.json`;
    // After this study's first cell, another adds its own cell to the file, as a second study
    // running beside it would: the next save keeps it.
    const foreign = {
      seed: 99,
      kind: "same",
      model: "dense",
      update: "original",
      testError: 0.5,
      trainError: 0.5,
      epochs: 1,
      bestEpoch: 1,
    };
    let first = true;
    const cells = await runStackingStudy({
      n: 2,
      seeds: [1, 2],
      out,
      only: "original",
      existing: false,
      outputs: dir,
      models: ["dense"],
    }, () => {
      if (!first) return;
      first = false;
      const file = JSON.parse(Deno.readTextFileSync(out));
      file.cells.push(foreign);
      Deno.writeTextFileSync(out, JSON.stringify(file));
    });
    const saved: StudyCell[] = JSON.parse(Deno.readTextFileSync(out)).cells;
    assertEquals(saved.map((c) => c.seed).sort((a, b) => a - b), [1, 2, 99]);
    assertEquals(cells.length, 3);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
