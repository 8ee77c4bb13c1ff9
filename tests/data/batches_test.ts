import { assert, assertEquals, assertThrows } from "@std/assert";
import { type Dataset, Matrix, Network, rowArgmax, train } from "../../mod.ts";
import { BatchSource } from "../../src/data/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { Arena } from "../../src/kernels/arena.ts";
import { encodeBytes, gatherBytes, gatherRows } from "../../src/kernels/byte_codecs.ts";

/** n samples of f 8-bit pixels (k/255), one-hot targets of c classes. */
function pixels(n: number, f: number, c: number, seed: number): Dataset {
  const rng = new Rng(seed), x = new Matrix(n, f), y = new Matrix(n, c);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.int(256) / 255;
  for (let i = 0; i < n; i++) y.data[i * c + rng.int(c)] = 1;
  return { x, y, labels: rowArgmax(y) };
}

/** Bit patterns, so that −0 and NaN payloads count. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const row = (m: Matrix, i: number) => m.data.subarray(i * m.cols, (i + 1) * m.cols);

/** The next float32 above v. */
function nextFloat(v: number): number {
  const a = new Float32Array([v]);
  new Uint32Array(a.buffer)[0]++;
  return a[0];
}

function workspace(B: number, f: number, c: number) {
  return { x: new Float32Array(B * f), y: new Float32Array(B * c), labels: new Uint8Array(B) };
}

Deno.test("8-bit inputs are held as bytes and decode to the same floats, bit for bit", async (t) => {
  // 784 = 49 × 16 (SIMD only); 37 = 2 × 16 + 5 (SIMD and a scalar tail in every row).
  for (const f of [784, 37, 3]) {
    await t.step(`${f} features`, () => {
      const data = pixels(5000, f, 10, f);
      const bytes = new BatchSource(data, 64), floats = new BatchSource(data, 64, { bytes: false });
      assert(bytes.bytes);
      assert(!floats.bytes);
      const order = new Rng(1).permutation(5000);
      bytes.order.set(order);
      floats.order.set(order);
      for (const [start, B] of [[0, 64], [4990, 10], [123, 1]]) {
        const a = workspace(64, f, 10), b = workspace(64, f, 10);
        const xa = bytes.fill(start, B, a), xb = floats.fill(start, B, b);
        assertEquals(bits(xa.subarray(0, B * f)), bits(xb.subarray(0, B * f)));
        for (let r = 0; r < B; r++) {
          const s = order[start + r];
          assertEquals(bits(xa.subarray(r * f, (r + 1) * f)), bits(row(data.x, s)));
        }
        assertEquals(a.y, b.y);
        assertEquals(a.labels, b.labels);
      }
    });
  }
  await t.step("5 × 3 inputs, a size not a multiple of the arena's padding", () => {
    const data = pixels(5, 3, 2, 11);
    const order = new Rng(12).permutation(5);
    const [a, b] = [new BatchSource(data, 5), new BatchSource(data, 5, { bytes: false })];
    a.order.set(order);
    b.order.set(order);
    const xa = a.fill(0, 5, workspace(5, 3, 2)), xb = b.fill(0, 5, workspace(5, 3, 2));
    assertEquals(bits(xa.subarray(0, 15)), bits(xb.subarray(0, 15)));
    for (let r = 0; r < 5; r++) {
      assertEquals(bits(xb.subarray(r * 3, r * 3 + 3)), bits(row(data.x, order[r])));
    }
  });
  await t.step("every byte value", () => {
    const x = new Matrix(1, 256), y = Matrix.from([[1]]);
    for (let k = 0; k < 256; k++) x.data[k] = k / 255;
    const source = new BatchSource({ x, y, labels: rowArgmax(y) }, 1);
    assert(source.bytes);
    assertEquals(bits(source.fill(0, 1, workspace(1, 256, 1))), bits(x.data));
  });
});

Deno.test("inputs that are not all k/255 are gathered as floats", async (t) => {
  // Where the odd value sits: in the first look (index 7), or only in the full pass: in a SIMD
  // block (5000) or the scalar tail of the last 16 (n·f − 3).
  const n = 300, f = 20;
  const odd: [string, number][] = [
    ["a value between two bytes", 0.5],
    ["−0", -0],
    ["NaN", NaN],
    ["above 1", 256 / 255],
    ["below 0", -1 / 255],
    ["the float next to 100/255", nextFloat(100 / 255)],
  ];
  for (const [name, value] of odd) {
    for (const at of [7, 5000, n * f - 3]) {
      await t.step(`${name} at ${at}`, () => {
        const data = pixels(n, f, 3, 2);
        data.x.data[at] = value;
        const source = new BatchSource(data, 16);
        assert(!source.bytes);
        source.order.set(new Rng(3).permutation(n));
        const ws = workspace(16, f, 3), x = source.fill(0, 16, ws);
        const r = Array.from(source.order.subarray(0, 16)).indexOf(Math.floor(at / f));
        if (r >= 0) {
          assertEquals(bits(x.subarray(r * f, (r + 1) * f)), bits(row(data.x, Math.floor(at / f))));
        }
      });
    }
  }
});

Deno.test("the SIMD and scalar gather kernels agree", () => {
  const k = new Arena(2048), n = 1000;
  const src = k.alloc(n);
  const rng = new Rng(4);
  for (let i = 0; i < n; i++) src[i] = rng.int(256) / 255;
  const raw = k.alloc(256), inArena = new Uint8Array(raw.buffer, raw.byteOffset, n);
  const plain = new Uint8Array(n);
  assert(encodeBytes(k, src, inArena, n)); // SIMD
  assert(encodeBytes(k, new Float32Array(src), plain, n)); // scalar
  assertEquals(inArena, plain);
  const order = new Uint32Array([3, 0, 4]), out = new Float32Array(3 * 200);
  gatherBytes(k, plain, 200, order, 0, 3, out); // scalar
  for (let r = 0; r < 3; r++) {
    assertEquals(
      bits(out.subarray(r * 200, (r + 1) * 200)),
      bits(src.subarray(order[r] * 200, order[r] * 200 + 200)),
    );
  }
  // Float rows: one bulk copy a row in the arena, set() outside it.
  const rowsOut = k.alloc(600), plainOut = new Float32Array(600);
  gatherRows(k, src, 200, order, 0, 3, rowsOut);
  gatherRows(k, new Float32Array(src), 200, new Uint32Array(order), 0, 3, plainOut);
  assertEquals(bits(rowsOut), bits(out));
  assertEquals(bits(plainOut), bits(out));
  src[999] = 0.3;
  assert(!encodeBytes(k, src, inArena, n));
  assert(!encodeBytes(k, new Float32Array(src), plain, n));
});

Deno.test("training on bytes or floats gives bit-identical weights", () => {
  const data = pixels(600, 64, 10, 5);
  const run = (source: BatchSource) => {
    const net = Network.create({ sizes: [64, 32, 10], rule: "dfa", init: "xavier", seed: 6 });
    const r = train(net, source, {
      epochs: 2,
      batchSize: 50,
      optimizer: { name: "sgd", lr: 1e-3 },
      seed: 7,
    });
    return { w: net.params.map((p) => bits(p.value)), loss: r.epochs.map((e) => e.loss) };
  };
  const bytes = new BatchSource(data, 50);
  assert(bytes.bytes);
  const a = run(bytes), b = run(new BatchSource(data, 50, { bytes: false }));
  assertEquals(a, b);
  // A plain dataset trains exactly as a source made beforehand.
  const net = Network.create({ sizes: [64, 32, 10], rule: "dfa", init: "xavier", seed: 6 });
  train(net, data, { epochs: 2, batchSize: 50, optimizer: { name: "sgd", lr: 1e-3 }, seed: 7 });
  assertEquals(net.params.map((p) => bits(p.value)), a.w);
  // A source is reused: a second training on it starts from the same order.
  assertEquals(run(bytes), a);
});

Deno.test("batches that do not fit are RangeErrors", () => {
  const data = pixels(100, 16, 2, 8), source = new BatchSource(data, 10);
  assertThrows(() => source.fill(0, 11, workspace(11, 16, 2)), RangeError, "at most 10");
  assertThrows(() => source.fill(95, 10, workspace(10, 16, 2)), RangeError, "Cannot fill");
  assertThrows(() => new BatchSource(data, 0), RangeError, "positive integer: 0");
  const net = Network.create({ sizes: [16, 2] });
  assertThrows(
    () => train(net, source, { epochs: 1, batchSize: 20, optimizer: { name: "sgd", lr: 0.1 } }),
    RangeError,
    "holds at most 10",
  );
  const k = new Arena(64);
  assertThrows(
    () => gatherBytes(k, new Uint8Array(32), 16, new Uint32Array([2]), 0, 1, new Float32Array(16)),
    RangeError,
    "Cannot gather row 2: there are 2 rows",
  );
  assertThrows(
    () =>
      gatherRows(k, new Float32Array(32), 16, new Uint32Array([0, 1]), 1, 2, new Float32Array(32)),
    RangeError,
    "sizes disagree",
  );
});

Deno.test("one-hot targets are written from the labels, others copied", () => {
  const data = pixels(50, 4, 3, 9);
  const soft = { ...data, y: new Matrix(50, 3, data.y.data.map((v) => v * 0.9 + 0.05)) };
  const negZero = { ...data, y: new Matrix(50, 3, data.y.data.map((v) => v === 0 ? -0 : v)) };
  const sources = [data, soft, negZero].map((d) => new BatchSource(d, 8));
  assertEquals(sources.map((s) => s.oneHot), [true, false, false]);
  for (const [i, s] of sources.entries()) {
    s.order.set(new Rng(10).permutation(50));
    const ws = workspace(8, 4, 3);
    s.fill(40, 8, ws);
    const d = [data, soft, negZero][i];
    for (let r = 0; r < 8; r++) {
      const want = row(d.y, s.order[40 + r]);
      assertEquals(bits(ws.y.subarray(r * 3, r * 3 + 3)), bits(want));
      assertEquals(ws.labels[r], d.labels[s.order[40 + r]]);
    }
  }
});
