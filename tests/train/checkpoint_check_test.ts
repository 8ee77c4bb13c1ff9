// A checkpoint file whose saved state was edited or damaged is refused, naming the field, before
// anything resumes: never a run of the wrong number of epochs, never a crash.
import { assertEquals, assertThrows } from "@std/assert";
import {
  DataFormatError,
  Matrix,
  Network,
  rowArgmax,
  train,
  type TrainOptions,
} from "../../mod.ts";
import {
  checkpointHistory,
  loadCheckpoint,
  saveCheckpoint,
  type TrainCheckpoint,
} from "../../src/train/mod.ts";
import { loadNpz, ndarray, saveNpz } from "../../src/io/mod.ts";

const y = Matrix.from([[1, 0], [0, 1], [1, 0], [0, 1]]);
const data = { x: Matrix.from([[1, 0], [0, 1], [1, 1], [0, 0]]), y, labels: rowArgmax(y) };
const net = () => Network.create({ sizes: [2, 3, 2], rule: "dfa", seed: 1 });
const options: TrainOptions = { epochs: 4, batchSize: 2, optimizer: { name: "adam", lr: 0.01 } };

/** A checkpoint file after 2 of 4 epochs, its saved state changed by `edit`. */
function edited(path: string, edit: (state: Record<string, unknown>) => unknown): void {
  const n = net();
  train(n, data, {
    ...options,
    epochs: 2,
    onCheckpoint: (c) => saveCheckpoint(path, n, c),
  });
  const arrays = loadNpz(path);
  const state = JSON.parse(new TextDecoder().decode(arrays.checkpoint.data as Uint8Array));
  const changed = edit(state);
  const text = typeof changed === "string" ? changed : JSON.stringify(state);
  const bytes = new TextEncoder().encode(text);
  saveNpz(path, { ...arrays, checkpoint: ndarray("uint8", [bytes.length], bytes) });
}

Deno.test("a checkpoint whose saved state was edited is refused, naming the field", async (t) => {
  const dir = await Deno.makeTempDir();
  const cases: [string, (s: Record<string, unknown>) => unknown, string][] = [
    ["a negative epoch", (s) => void (s.epoch = -1), "'epoch'"],
    ["a non-numeric epoch", (s) => void (s.epoch = "2"), "'epoch'"],
    ["the epoch set to the run's budget", (s) => void (s.epoch = 4), "'history' must list the 4"],
    ["an epoch behind its history", (s) => void (s.epoch = 1), "'history' must list the 1"],
    ["a history that is not a list", (s) => void (s.history = { a: 1 }), "'history'"],
    ["a history with another epoch's statistics", (s) => {
      (s.history as { epoch: number }[])[1].epoch = 7;
    }, "'history' entry 2"],
    ["a running mean out of range", (s) => void (s.errorMean = 3), "'errorMean'"],
    ["a generator of zeros", (s) => void (s.shuffle = { words: [0, 0, 0, 0] }), "'shuffle'"],
    ["generators that are not a list", (s) => void (s.generators = 3), "'generators'"],
    ["a negative step count", (s) => void ((s.steps as number[])[0] = -1), "steps and slots"],
    ["a state that is not JSON", () => "{epoch: 2", "not JSON"],
    ["a state that is a list", () => "[1, 2]", "not an object"],
  ];
  try {
    for (const [name, edit, text] of cases) {
      await t.step(name, () => {
        const path = `${dir}/run.npz`;
        edited(path, edit);
        assertThrows(() => loadCheckpoint(path, net()), DataFormatError, text);
      });
    }
    await t.step("reading only its history", () => {
      const path = `${dir}/history.npz`;
      edited(path, (s) => void (s.history = "x"));
      assertThrows(() => checkpointHistory(path), DataFormatError, "'history'");
    });
    await t.step("an unedited file still resumes", () => {
      const path = `${dir}/whole.npz`;
      edited(path, () => undefined);
      const n = net(), r = train(n, data, { ...options, resume: loadCheckpoint(path, n) });
      assertEquals(r.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train() refuses a resume checkpoint whose state is not whole", async (t) => {
  let last: TrainCheckpoint | undefined;
  const n = net();
  train(n, data, { ...options, epochs: 2, onCheckpoint: (c) => last = structuredClone(c) });
  const cases: [string, Partial<TrainCheckpoint> | Record<string, unknown>, string][] = [
    ["epoch", { epoch: -2 }, "resume 'epoch'"],
    ["epoch past its history", { epoch: 3 }, "resume 'history' must list the 3"],
    ["history", { history: "none" }, "resume 'history'"],
    ["optimizer", { optimizer: [{ steps: 1, slots: [[1, 2]] }] }, "resume 'optimizer'"],
  ];
  for (const [name, change, text] of cases) {
    await t.step(name, () => {
      const resume = { ...last!, ...change } as TrainCheckpoint;
      assertThrows(() => train(net(), data, { ...options, resume }), RangeError, text);
    });
  }
});
