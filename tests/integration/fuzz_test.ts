// The readers under attack: at least 500 hostile files of each format (.npy; .npz stored, deflated
// and Zip64; IDX raw and gzipped), seeded and deterministic. Every file is either read with the
// very data NumPy (or, for IDX, Python's gzip and struct) reads from it, or refused with a
// DataFormatError that names it; none takes more than a couple of seconds.
import { assert, assertEquals } from "@std/assert";
import { DataFormatError } from "../../mod.ts";
import type { NdArray } from "../../src/io/mod.ts";
import { gzipSync } from "npm:fflate@0.8.3";
import { loadIdx, loadNpy, loadNpz, npyHeader } from "../../src/io/mod.ts";
import { runDeno } from "../_tasks.ts";
import { idxBytes } from "../_idx.ts";
import { allCases, type Format, PER_FORMAT, zipBytes } from "../fuzz/cases.ts";
import { evalPython } from "../_numpy.ts";

const ext = (
  f: Format,
) => (f === "npy" ? "npy" : f.startsWith("idx") ? (f === "idx-gz" ? "gz" : "idx") : "npz");

function read(format: Format, path: string): Record<string, NdArray> {
  if (format === "npy") return { "": loadNpy(path) };
  if (format.startsWith("idx")) return { "": loadIdx(path) };
  return loadNpz(path);
}

/** A digest of an array as NumPy would see it: dtype, shape, little-endian C-order bytes. */
async function digest(a: NdArray): Promise<string> {
  const d = a.data as ArrayBufferView;
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return `${a.dtype} (${a.shape.join(",")}) ${
    Array.from(h.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

const PYTHON = `import sys, json, gzip, struct, hashlib, numpy as np
def dig(a):
    a = np.ascontiguousarray(a)
    a = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    name = "bool" if a.dtype == np.bool_ else str(a.dtype)
    return f"{name} ({','.join(map(str, a.shape))}) {hashlib.sha256(a.tobytes()).hexdigest()[:16]}"
def idx(path):
    b = open(path, "rb").read()
    if b[:2] == b"\\x1f\\x8b": b = gzip.decompress(b)
    t, n = b[2], b[3]
    dims = struct.unpack(">" + "I" * n, b[4:4 + 4 * n])
    dt = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}[t]
    body = b[4 + 4 * n:]
    a = np.frombuffer(body, dtype=dt).reshape(dims)
    assert len(body) == a.nbytes
    return {"": dig(a)}
out = {}
for path in json.load(open(sys.argv[1])):
    try:
        if path.endswith(".npy"): out[path] = {"": dig(np.load(path))}
        elif path.endswith(".npz"):
            with np.load(path) as z: out[path] = {k: dig(z[k]) for k in z.files}
        else: out[path] = idx(path)
    except Exception as e:
        out[path] = "refused: " + type(e).__name__ + ": " + str(e)[:100]
print(json.dumps(out))
`;

Deno.test("fuzz: every hostile file is read as NumPy reads it, or refused with a DataFormatError naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfa-fuzz-" });
  try {
    const cases = allCases(),
      counts: Record<string, number> = {},
      accepted: Record<string, Record<string, string>> = {};
    const problems: string[] = [];
    let slowest = 0;
    for (const [i, c] of cases.entries()) {
      counts[c.format] = (counts[c.format] ?? 0) + 1;
      const path = `${dir}/${c.format}-${i}.${ext(c.format)}`;
      Deno.writeFileSync(path, c.bytes);
      const t0 = performance.now();
      try {
        const arrays = read(c.format, path);
        accepted[path] = {};
        for (const [k, a] of Object.entries(arrays)) accepted[path][k] = await digest(a);
      } catch (error) {
        if (!(error instanceof DataFormatError) || !error.message.includes(path)) {
          problems.push(
            `${c.format} ${c.name}: ${(error as Error)?.name}: ${(error as Error)?.message}`,
          );
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    for (const f of ["npy", "npz", "npz-deflated", "zip64", "idx", "idx-gz"]) {
      assert(counts[f] >= PER_FORMAT, `${f}: ${counts[f]} cases`);
    }
    assertEquals(problems, [], "errors other than a DataFormatError naming the file");
    assert(slowest < 2000, `the slowest file took ${slowest.toFixed(0)} ms`);
    // What was accepted, NumPy (or Python, for IDX) reads alike.
    const list = `${dir}/accepted.json`;
    Deno.writeTextFileSync(list, JSON.stringify(Object.keys(accepted)));
    const theirs = JSON.parse(await evalPython(PYTHON, list));
    const differ = Object.keys(accepted).filter((p) =>
      JSON.stringify(accepted[p]) !== JSON.stringify(theirs[p])
    ).map((p) => `${p}: ours ${JSON.stringify(accepted[p])}, theirs ${JSON.stringify(theirs[p])}`);
    assertEquals(differ, []);
    assert(Object.keys(accepted).length >= 12, "the unmutated files at least are read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A zip archive of one member, as writeZip makes it. */
const zipOf = (name: string, parts: Uint8Array[], compress: boolean) =>
  zipBytes([{ name, parts }], compress);

/** Overwrites every 32-bit size field of an archive's one member (local and central) with `size`. */
function lieAboutSize(zip: Uint8Array, size: number): Uint8Array {
  const v = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    if (v.getUint32(i, true) === 0x04034b50) v.setUint32(i + 22, size, true);
    if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 24, size, true);
  }
  return zip;
}

Deno.test("decompression bombs: honest ones read within twice their size, lying ones refused at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfa-bombs-" });
  const MB = 1 << 20, size = 64 * MB;
  const zeros = new Uint8Array(size);
  const header = (shape: number) =>
    npyHeader({ dtype: "uint8", shape: [shape], data: new Uint8Array(0) } as unknown as NdArray);
  const gzIdx = (n: number) => gzipSync(idxBytes(8, [n], zeros)); // declares n bytes, holds 64 MB
  const bombs: [string, Uint8Array, "read" | "refused"][] = [
    ["honest.npz", zipOf("z.npy", [header(size), zeros], true), "read"],
    // The .npy header and the zip sizes agree on 1 GB; the stream inflates to 64 MB.
    [
      "lying.npz",
      lieAboutSize(zipOf("z.npy", [header(2 ** 30), zeros], true), 2 ** 30 + 128),
      "refused",
    ],
    ["honest-idx.gz", gzIdx(size), "read"],
    ["lying-idx.gz", gzIdx(2 ** 31), "refused"],
  ];
  try {
    for (const [name, bytes, expected] of bombs) {
      const path = `${dir}/${name}`;
      Deno.writeFileSync(path, bytes);
      // -A: Deno lets only a fully trusted process read its own /proc/self/status (VmHWM).
      const r = await runDeno(["run", "-A", "tests/fuzz/read_bomb.ts", path]);
      assertEquals(r.code, 0, r.stderr);
      const { outcome, seconds, extraRss } = JSON.parse(r.stdout);
      assert(outcome.startsWith(expected), `${name} (${bytes.length} bytes): ${outcome}`);
      assert(seconds < 5, `${name}: ${seconds} s`);
      // Twice the declared arrays plus a small constant; nothing for a refused one.
      const bound = (expected === "read" ? 2 * size : 0) + 32 * MB;
      assert(
        extraRss < bound,
        `${name}: ${(extraRss / MB).toFixed(0)} MB more, bound ${bound / MB} MB`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
