import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { gzipSync } from "npm:fflate@0.8.3";
import { DataFormatError, loadMnistNpz, loadMnistSplits } from "../../mod.ts";
import { loadMnistIdx } from "../../src/data/mod.ts";
import { SHIPPED_IDX } from "../../src/data/shipped.ts";
import { decodeIdx, loadNpz, ndarray, saveNpz } from "../../src/io/mod.ts";
import { evalPython } from "../_numpy.ts";
import { runDeno } from "../_tasks.ts";
import { idxBytes } from "../_idx.ts";

const idx = idxBytes;

/** A tiny MNIST-shaped IDX directory: n train and m test images of 28×28, label = index % 10. */
function writeTinyIdx(dir: string, n: number, m: number, gzip = false): void {
  const put = (name: string, bytes: Uint8Array) =>
    Deno.writeFileSync(`${dir}/${name}${gzip ? ".gz" : ""}`, gzip ? gzipSync(bytes) : bytes);
  const images = (k: number) => Uint8Array.from({ length: k * 784 }, (_, i) => (i * 13) % 256);
  const labels = (k: number) => Uint8Array.from({ length: k }, (_, i) => i % 10);
  put("train-images-idx3-ubyte", idx(8, [n, 28, 28], images(n)));
  put("train-labels-idx1-ubyte", idx(8, [n], labels(n)));
  put("t10k-images-idx3-ubyte", idx(8, [m, 28, 28], images(m)));
  put("t10k-labels-idx1-ubyte", idx(8, [m], labels(m)));
}

function createDataset(args: string[], read = ".", write = "data") {
  return runDeno([
    "run",
    "--no-prompt",
    `--allow-read=${read}`,
    `--allow-write=${write}`,
    "scripts/create_dataset.ts",
    ...args,
  ]);
}

Deno.test("IDX files read the same raw and gzipped, big-endian types included", () => {
  const raw = idx(8, [2, 3], new Uint8Array([1, 2, 3, 4, 5, 6]));
  for (const bytes of [raw, gzipSync(raw)]) {
    const a = decodeIdx(bytes);
    assertEquals(a.shape, [2, 3]);
    assertEquals(Array.from(a.data as Uint8Array), [1, 2, 3, 4, 5, 6]);
  }
  const ints = decodeIdx(idx(0x0c, [2], new Uint8Array([0, 0, 1, 2, 255, 255, 255, 254])));
  assertEquals(Array.from(ints.data as Int32Array), [258, -2]);
});

Deno.test("bad IDX data is an error that says what is wrong", async (t) => {
  const raw = idx(8, [2, 3], new Uint8Array(6));
  const cases: [string, Uint8Array, string][] = [
    [
      "wrong magic",
      Uint8Array.from([1, 2, 3, 4, ...raw.subarray(4)]),
      "wrong magic number: 0x01020304",
    ],
    ["truncated", raw.subarray(0, raw.length - 1), "needs 6 bytes: 5"],
    ["truncated header", raw.subarray(0, 9), "truncated"],
    ["corrupt gzip", gzipSync(raw).subarray(0, 15), "Cannot gunzip"],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, () => {
      assertThrows(() => decodeIdx(bytes), DataFormatError, message);
    });
  }
  await t.step("image and label counts that differ", () => {
    const dir = Deno.makeTempDirSync();
    writeTinyIdx(dir, 5, 3);
    Deno.writeFileSync(`${dir}/train-labels-idx1-ubyte`, idx(8, [4], new Uint8Array(4)));
    assertThrows(() => loadMnistIdx(dir), DataFormatError, "5 train images but 4 labels");
    Deno.removeSync(dir, { recursive: true });
  });
});

Deno.test("create-dataset turns the shipped MNIST into the original mnist.npz that NumPy opens", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/mnist.npz`;
  const r = await createDataset(["--out", out], `.,${dir}`, dir);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "X_train  float32 (784, 60000)");
  const report = await evalPython(
    `import sys, json, numpy as np
z = np.load(sys.argv[1])
print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), float(z[k].min()), float(z[k].max()), float(z[k].sum())] for k in sorted(z.files)} | {"first": int(z["y_train"][:, 0].argmax())}))`,
    out,
  );
  const got = JSON.parse(report);
  assertEquals(got.X_train.slice(0, 4), ["float32", [784, 60000], 0, 1]);
  assertEquals(got.y_train.slice(0, 4), ["float32", [10, 60000], 0, 1]);
  assertEquals(got.X_test.slice(0, 4), ["float32", [784, 10000], 0, 1]);
  assertEquals(got.y_test.slice(0, 4), ["float32", [10, 10000], 0, 1]);
  assertEquals(got.y_train[4], 60000, "one-hot: one 1 a column");
  assertEquals(got.first, 5);
  // Our own loader agrees, in batch-major layout.
  const { train, test } = loadMnistNpz(out);
  assertEquals([train.x.rows, train.x.cols, test.x.rows, train.y.cols], [60000, 784, 10000, 10]);
  assertEquals(train.labels[0], 5);
  // Where no mnist.npz exists the tasks read the shipped IDX files: the same sets, bit for bit.
  const shipped = loadMnistSplits(`${dir}/absent.npz`, SHIPPED_IDX);
  for (
    const [name, ours, npz] of [["train", shipped.train, train], [
      "test",
      shipped.test,
      test,
    ]] as const
  ) {
    for (const k of ["x", "y"] as const) {
      assertEquals([ours[k].rows, ours[k].cols], [npz[k].rows, npz[k].cols], `${name} ${k}`);
      assert(sameBits(ours[k].data, npz[k].data), `${name} ${k}: the same bits`);
    }
    assertEquals(ours.labels, npz.labels, `${name} labels`);
  }
  await Deno.remove(dir, { recursive: true });
});

/** Whether two arrays of floats hold the same bits. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const v = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return u.length === v.length && u.every((x, i) => x === v[i]);
}

Deno.test("create-dataset reads gzipped IDX directories and Keras-style npz files", async () => {
  const dir = await Deno.makeTempDir();
  writeTinyIdx(dir, 20, 10, true);
  let r = await createDataset(["--idx-dir", dir, "--out", `${dir}/a.npz`, "--compress"], dir, dir);
  assertEquals(r.code, 0, r.stderr);
  const a = loadNpz(`${dir}/a.npz`);
  assertEquals(a.X_train.shape, [784, 20]);
  assertEquals(Array.from(a.y_train.data as Float32Array).slice(20 * 3, 20 * 3 + 4), [0, 0, 0, 1]);
  assertEquals((a.X_train.data as Float32Array)[1 * 20 + 0], Math.fround(13 / 255));
  const px = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
  saveNpz(`${dir}/keras.npz`, {
    x_train: ndarray("uint8", [3, 28, 28], px),
    y_train: ndarray("uint8", [3], new Uint8Array([7, 1, 0])),
    x_test: ndarray("uint8", [3, 28, 28], px),
    y_test: ndarray("uint8", [3], new Uint8Array([2, 2, 9])),
  });
  r = await createDataset(["--keras-npz", `${dir}/keras.npz`, "--out", `${dir}/b.npz`], dir, dir);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(loadMnistNpz(`${dir}/b.npz`).test.labels, new Uint8Array([2, 2, 9]));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("create-dataset fails on bad input with one line, a non-zero exit and no output file", async (t) => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/out.npz`;
  const cases: [string, () => string[], number, string][] = [
    [
      "missing directory",
      () => ["--idx-dir", `${dir}/nope`],
      2,
      "Cannot find train-images-idx3-ubyte",
    ],
    [
      "corrupt gzip",
      () => {
        writeTinyIdx(dir, 4, 2, true);
        const f = `${dir}/t10k-images-idx3-ubyte.gz`;
        Deno.writeFileSync(f, Deno.readFileSync(f).subarray(0, 30));
        return ["--idx-dir", dir];
      },
      1,
      "t10k-images-idx3-ubyte.gz",
    ],
    [
      "missing key",
      () => {
        saveNpz(`${dir}/k.npz`, { x_train: ndarray("uint8", [1, 28, 28], new Uint8Array(784)) });
        return ["--keras-npz", `${dir}/k.npz`];
      },
      1,
      "has no 'y_train'",
    ],
    ["bad option", () => ["--frobnicate"], 2, "unknown option: --frobnicate"],
    ["both sources", () => ["--idx-dir", dir, "--keras-npz", "x"], 2, "not both"],
  ];
  for (const [name, setup, code, message] of cases) {
    await t.step(name, async () => {
      const r = await createDataset([...setup(), "--out", out], dir, dir);
      assertEquals(r.code, code, r.stderr);
      assertStringIncludes(r.stderr, message);
      assertEquals(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
      assert(!r.stderr.includes("    at "), "no stack trace");
      assertEquals([...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("out")), []);
    });
  }
  await Deno.remove(dir, { recursive: true });
});
