import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { DataFormatError } from "../../mod.ts";
import {
  decodeNpy,
  type DType,
  type DTypeArrays,
  encodeNpy,
  loadNpy,
  loadNpz,
  type NdArray,
  ndarray,
  saveNpy,
  saveNpz,
} from "../../src/io/mod.ts";
import { runPython } from "../_numpy.ts";

interface Expected {
  dtype: DType;
  shape: number[];
  values: number[];
}

const CTORS: { [D in DType]: new (n: number) => DTypeArrays[D] } = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

function fromValues(e: Expected): NdArray {
  const data = new CTORS[e.dtype](e.values.length);
  e.values.forEach((v, i) => {
    (data as unknown as (number | bigint)[])[i] = data instanceof BigInt64Array ||
        data instanceof BigUint64Array
      ? BigInt(v)
      : v;
  });
  return ndarray(e.dtype, e.shape, data);
}

function values(a: NdArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

Deno.test("arrays NumPy writes with np.save, np.savez and np.savez_compressed read back equal", async (t) => {
  const dir = await Deno.makeTempDir();
  await runPython(new URL("../numpy/write_arrays.py", import.meta.url), dir);
  const expected: Record<string, Expected> = JSON.parse(
    await Deno.readTextFile(`${dir}/expected.json`),
  );
  const stored = loadNpz(`${dir}/stored.npz`), deflated = loadNpz(`${dir}/deflated.npz`);
  assertEquals(Object.keys(stored).sort(), Object.keys(expected).sort());
  for (const [key, e] of Object.entries(expected)) {
    await t.step(key, () => {
      for (const a of [loadNpy(`${dir}/${key}.npy`), stored[key], deflated[key]]) {
        assertEquals(a.dtype, e.dtype);
        assertEquals(a.shape, e.shape);
        assertEquals(values(a), e.values);
      }
    });
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("arrays TypeScript writes load equal in NumPy", async () => {
  const dir = await Deno.makeTempDir();
  const expected: Record<string, Expected> = {};
  const dtypes = Object.keys(CTORS) as DType[];
  for (const dtype of dtypes) {
    for (const shape of [[5], [3, 4], [2, 3, 4], [0, 2], []]) {
      const n = shape.reduce((p, d) => p * d, 1);
      const vals = Array.from({ length: n }, (_, i) => {
        const v = (i * 5) % 9 - 2;
        if (dtype === "bool") return v > 0 ? 1 : 0;
        if (dtype.startsWith("uint")) return Math.abs(v);
        return dtype.startsWith("float") ? v * 0.25 + 0.5 : v;
      });
      expected[`${dtype}_${shape.join("x") || "scalar"}`] = { dtype, shape, values: vals };
    }
  }
  const arrays = Object.fromEntries(Object.entries(expected).map(([k, e]) => [k, fromValues(e)]));
  for (const [k, a] of Object.entries(arrays)) saveNpy(`${dir}/${k}.npy`, a);
  saveNpz(`${dir}/stored.npz`, arrays);
  saveNpz(`${dir}/deflated.npz`, arrays, { compress: true });
  await Deno.writeTextFile(`${dir}/expected.json`, JSON.stringify(expected));
  const out = await runPython(new URL("../numpy/check_arrays.py", import.meta.url), dir);
  assertEquals(out.trim(), "ok");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("corrupt or unsupported npy and npz data is an error that names the file", async (t) => {
  const dir = await Deno.makeTempDir();
  const good = encodeNpy(ndarray("float32", [4], new Float32Array([1, 2, 3, 4])));
  const cases: [string, Uint8Array, string][] = [
    ["bad magic", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), "magic"],
    ["truncated body", good.subarray(0, good.length - 3), "needs 16 bytes"],
    ["truncated header", good.subarray(0, 20), "truncated"],
    [
      "unsupported dtype",
      Uint8Array.from(
        String.fromCharCode(...good).replace("<f4", "<c8"),
        (c) => c.charCodeAt(0),
      ),
      "unsupported dtype: '<c8'",
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, () => {
      const path = `${dir}/${name.replaceAll(" ", "_")}.npy`;
      Deno.writeFileSync(path, bytes);
      const e = assertThrows(() => loadNpy(path), DataFormatError);
      assertStringIncludes(e.message, path);
      assertStringIncludes(e.message, message);
    });
  }
  await t.step("corrupt npz", () => {
    const path = `${dir}/corrupt.npz`;
    saveNpz(path, { a: ndarray("float32", [4], new Float32Array(4)) }, { compress: true });
    const bytes = Deno.readFileSync(path);
    Deno.writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    const e = assertThrows(() => loadNpz(path), DataFormatError);
    assertStringIncludes(e.message, path);
  });
  await t.step("a damaged byte in a stored member fails its CRC-32", () => {
    const path = `${dir}/flipped.npz`;
    saveNpz(path, { a: ndarray("float32", [64], new Float32Array(64).fill(1)) });
    const bytes = Deno.readFileSync(path);
    bytes[200] ^= 0xff;
    Deno.writeFileSync(path, bytes);
    const e = assertThrows(() => loadNpz(path), DataFormatError, "damaged");
    assertStringIncludes(e.message, path);
    assertStringIncludes(e.message, "a.npy");
  });
  await t.step("not a zip file", () => {
    const path = `${dir}/text.npz`;
    Deno.writeTextFileSync(path, "hello, this is not a zip archive at all");
    assertThrows(() => loadNpz(path), DataFormatError, "no end-of-directory record");
  });
  await t.step("a shape that disagrees with the data is a RangeError", () => {
    assertThrows(
      () => ndarray("float32", [2, 2], new Float32Array(3)),
      RangeError,
      "needs 4 elements",
    );
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a failed write leaves neither a partial file nor a changed old one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/a.npz`;
  saveNpz(path, { a: ndarray("float32", [1], new Float32Array([7])) });
  const bad = {
    a: { dtype: "float32", shape: [2], data: new Float32Array(2) } as NdArray,
    b: null as unknown as NdArray,
  };
  assertThrows(() => saveNpz(path, bad));
  assertEquals(loadNpz(path).a.data[0], 7);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["a.npz"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("decodeNpy views aligned data without a copy", () => {
  const bytes = encodeNpy(ndarray("float32", [2], new Float32Array([1, 2])));
  assertEquals(decodeNpy(bytes).data.buffer, bytes.buffer);
});
