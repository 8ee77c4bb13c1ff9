// Seeded hostile inputs for the readers: valid base files of every format the project reads,
// then truncations at every structural boundary, byte flips, insertions and deletions, extreme
// values written over header fields, and crafted files (bombs with honest and lying sizes,
// hostile .npy headers). Deterministic: the same seed gives the same files.
import { gzipSync } from "npm:fflate@0.8.3";
import { Rng } from "../../src/tensor/mod.ts";
import { encodeNpy, encodeNpz, ndarray, npyBody, npyHeader, writeZip } from "../../src/io/mod.ts";
import { idxBytes } from "../_idx.ts";

/** Cases of each format, at least. */
export const PER_FORMAT = 500;

export type Format = "npy" | "npz" | "npz-deflated" | "zip64" | "idx" | "idx-gz";

export interface Case {
  format: Format;
  name: string;
  bytes: Uint8Array;
}

const idx = idxBytes;

/** Valid files of each format, with the offsets where their structures begin and end. */
export function bases(rng: Rng, zip64: Uint8Array): Record<Format, Uint8Array[]> {
  const f32 = ndarray("float32", [3, 4], Float32Array.from({ length: 12 }, () => rng.normal()));
  const i16 = ndarray("int16", [5], Int16Array.from({ length: 5 }, () => rng.int(65536) - 32768));
  const u8 = ndarray("uint8", [2, 2, 2], Uint8Array.from({ length: 8 }, () => rng.int(256)));
  const empty = ndarray("float64", [0, 3], new Float64Array(0));
  const arrays = { a: f32, b: i16, c: u8 };
  const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: 6 }, () => rng.int(10));
  const raw = [idx(8, [2, 3, 3], pixels), idx(8, [6], labels), idx(0x0b, [2], new Uint8Array(4))];
  return {
    npy: [f32, i16, u8, empty].map(encodeNpy),
    npz: [encodeNpz(arrays), encodeNpz({ e: empty })],
    "npz-deflated": [
      encodeNpz(arrays, { compress: true }),
      encodeNpz({ z: u8 }, { compress: true }),
    ],
    zip64: [zip64],
    idx: raw,
    "idx-gz": raw.map((b) => gzipSync(b)),
  };
}

/** Every mutation of `base`: truncations at each of `cuts`, then `random` random mutations. */
export function mutations(
  rng: Rng,
  base: Uint8Array,
  cuts: number[],
  random: number,
): Uint8Array[] {
  const out: Uint8Array[] = cuts.filter((c) => c >= 0 && c < base.length).map((c) =>
    base.slice(0, c)
  );
  const extremes = [0, 0xff, 0x7f, 0x80, 0x01];
  for (let i = 0; i < random; i++) {
    const b = base.slice();
    switch (rng.int(5)) {
      case 0: // flip 1 to 8 bytes
        for (let k = 1 + rng.int(8); k > 0; k--) b[rng.int(b.length)] ^= 1 + rng.int(255);
        out.push(b);
        break;
      case 1: { // an extreme value over 1 to 8 consecutive bytes (a length, a size, an offset)
        const at = rng.int(b.length), len = 1 + rng.int(8), v = extremes[rng.int(extremes.length)];
        b.fill(v, at, Math.min(b.length, at + len));
        out.push(b);
        break;
      }
      case 2: { // insert bytes
        const at = rng.int(base.length + 1),
          ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
        const c = new Uint8Array(base.length + ins.length);
        c.set(base.subarray(0, at));
        c.set(ins, at);
        c.set(base.subarray(at), at + ins.length);
        out.push(c);
        break;
      }
      case 3: { // delete bytes
        const at = rng.int(base.length), len = Math.min(1 + rng.int(16), base.length - at);
        const c = new Uint8Array(base.length - len);
        c.set(base.subarray(0, at));
        c.set(base.subarray(at + len), at);
        out.push(c);
        break;
      }
      default: // truncate anywhere
        out.push(base.slice(0, rng.int(base.length)));
    }
  }
  return out;
}

/** Offsets where a format's structures begin or end: where truncation is most telling. */
export function boundaries(format: Format, bytes: Uint8Array): number[] {
  const cuts = new Set<number>([0, 1, 2, 4, 6, 8, 9, 10, 12, bytes.length - 1]);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === "npy") {
    const len = bytes[6] === 1 ? v.getUint16(8, true) + 10 : v.getUint32(8, true) + 12;
    for (const c of [len - 1, len, len + 1, len + 4]) cuts.add(c);
  } else if (format.startsWith("npz") || format === "zip64") {
    // Every zip record signature (local, central, end, Zip64 end and locator) and the byte after.
    for (let i = 0; i + 4 <= bytes.length; i++) {
      const sig = v.getUint32(i, true);
      if ([0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50].includes(sig)) {
        for (const c of [i, i + 4, i + 30, i + 46]) cuts.add(c);
      }
    }
  } else if (format === "idx") {
    for (let i = 0; i <= 4 + 4 * bytes[3]; i += 4) cuts.add(i);
  } else {
    for (const c of [3, 10, 11, bytes.length - 8, bytes.length - 4]) cuts.add(c);
  }
  return [...cuts].filter((c) => c >= 0 && c < bytes.length).sort((a, b) => a - b);
}

/** A .npy file whose header says `header` and whose body is `body`. */
function npyWith(header: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  let text = header;
  while ((10 + text.length + 1) % 64) text += " ";
  text += "\n";
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(new TextEncoder().encode(text), 10);
  out.set(body, 10 + text.length);
  return out;
}

/** Hand-made hostile files: headers that lie or repeat themselves. */
export function crafted(): Case[] {
  const hdr = (h: string, body?: Uint8Array) => npyWith(h, body);
  return [
    [
      "duplicate descr",
      hdr(
        "{'descr': '<f4', 'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
        new Uint8Array(4),
      ),
    ],
    ["negative dim", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")],
    [
      "huge dims",
      hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
    ],
    [
      "2^53 elements",
      hdr("{'descr': '|u1', 'fortran_order': False, 'shape': (9007199254740993,), }"),
    ],
    [
      "object dtype",
      hdr("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
    ],
    [
      "complex dtype",
      hdr("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
    ],
    ["no shape", hdr("{'descr': '<f4', 'fortran_order': False, }")],
    [
      "header length past the end",
      (() => {
        const b = hdr(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
          new Uint8Array(4),
        );
        new DataView(b.buffer).setUint16(8, 65535, true);
        return b;
      })(),
    ],
    [
      "version 9",
      (() => {
        const b = hdr(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
          new Uint8Array(4),
        );
        b[6] = 9;
        return b;
      })(),
    ],
    [
      "short body",
      hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }", new Uint8Array(8)),
    ],
  ].map(([name, bytes]) => ({
    format: "npy" as Format,
    name: name as string,
    bytes: bytes as Uint8Array,
  }));
}

/** A Zip64 archive throughout (local and central extra fields, the Zip64 end records). */
export function zip64Base(rng: Rng): Uint8Array {
  const arrays = {
    a: ndarray("float32", [2, 3], Float32Array.from({ length: 6 }, () => rng.normal())),
    b: ndarray("int32", [4], Int32Array.from({ length: 4 }, () => rng.int(1000))),
  };
  const members = Object.entries(arrays).map(([k, a]) => ({
    name: `${k}.npy`,
    parts: [npyHeader(a), npyBody(a)],
  }));
  return zipBytes(members, false, 0);
}

/** A zip archive's bytes as `writeZip` streams them (`zip64From` 0: Zip64 records throughout). */
export function zipBytes(
  members: { name: string; parts: Uint8Array[] }[],
  compress: boolean,
  zip64From?: number,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  writeZip(members, compress, (c) => chunks.push(c), zip64From);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((o, c) => (out.set(c, o), o + c.length), 0);
  return out;
}

export function allCases(): Case[] {
  const rng = new Rng(2026), cases: Case[] = [];
  for (
    const [format, files] of Object.entries(bases(rng, zip64Base(rng))) as [Format, Uint8Array[]][]
  ) {
    const random = Math.ceil(PER_FORMAT / files.length);
    files.forEach((base, b) => {
      cases.push({ format, name: `base ${b}`, bytes: base });
      mutations(rng, base, boundaries(format, base), random).forEach((bytes, i) =>
        cases.push({ format, name: `base ${b} mutation ${i}`, bytes })
      );
    });
  }
  return [...cases, ...crafted()];
}
