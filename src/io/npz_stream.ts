/**
 * `.npz` files too large to hold twice: written from pieces loaded one at a time, and read a
 * block of rows at a time (CRC-32 checked as the blocks go by). Merging 400 learners' outputs
 * (960 MB) or loading them for a stacked model then needs the data once, not twice or three times.
 *
 * @module
 */

import { crc32 } from "node:zlib";
import { DataFormatError, type DType, dtypeSize, type NdArray } from "./ndarray.ts";
import { npyFromBody, npyHeader, readNpyHeader } from "./npy.ts";
import { writeAll, writeFileAtomic } from "./files.ts";
import { type ByteSource, fileSource } from "./byte_source.ts";
import { dataOffset, listZip, type ZipEntry } from "./zip.ts";
import { loadNpz } from "./npz.ts";
import { writeZip } from "./zip_write.ts";

/**
 * An array given as its dtype, its shape and its bytes in pieces (C order), which may be loaded
 * lazily: {@linkcode saveNpzPieces} iterates `pieces` twice (for the CRC-32, then to write).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { PiecewiseArray } from "./mod.ts";
 * const a: PiecewiseArray = { dtype: "uint8", shape: [2], pieces: [new Uint8Array([1]), new Uint8Array([2])] };
 * assertEquals(a.shape, [2]);
 * ```
 */
export interface PiecewiseArray {
  /** The element type. */
  dtype: DType;
  /** The shape. */
  shape: readonly number[];
  /** The raw little-endian bytes, in order, in pieces of any size. */
  pieces: Iterable<Uint8Array>;
}

/** The header, then the pieces, checked to add up to the array's size. */
function* withHeader(key: string, a: PiecewiseArray, bytes: number): Iterable<Uint8Array> {
  yield npyHeader({ dtype: a.dtype, shape: [...a.shape] });
  let seen = 0;
  for (const piece of a.pieces) {
    seen += piece.length;
    if (seen > bytes) break;
    yield piece;
  }
  if (seen !== bytes) {
    throw new RangeError(
      `Cannot write '${key}': a (${a.shape.join(", ")}) ${a.dtype} array is ${bytes} bytes: ${
        seen > bytes ? "more" : seen
      } given`,
    );
  }
}

/**
 * Writes an uncompressed `.npz` file atomically from arrays given in pieces, byte for byte the
 * file {@linkcode saveNpz} writes for the joined arrays, holding one piece at a time.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz, saveNpzPieces } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npz`;
 * const rows = function* () { for (let i = 0; i < 3; i++) yield new Uint8Array(new Float32Array([i, i]).buffer); };
 * saveNpzPieces(path, { x: { dtype: "float32", shape: [3, 2], pieces: { [Symbol.iterator]: rows } } });
 * assertEquals(loadNpz(path).x.data, new Float32Array([0, 0, 1, 1, 2, 2]));
 * ```
 *
 * @param path The file.
 * @param arrays The arrays by name.
 * @throws {RangeError} When a shape is not whole numbers or the pieces do not add up to it.
 */
export function saveNpzPieces(path: string, arrays: Record<string, PiecewiseArray>): void {
  const members = Object.entries(arrays).map(([key, a]) => {
    if (!a.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new RangeError(`Cannot write '${key}': its shape is not whole numbers: (${a.shape})`);
    }
    const bytes = a.shape.reduce((p, d) => p * d, 1) * dtypeSize(a.dtype);
    return {
      name: `${key}.npy`,
      parts: { [Symbol.iterator]: () => withHeader(key, a, bytes)[Symbol.iterator]() },
    };
  });
  writeFileAtomic(path, (file) => writeZip(members, false, (c) => writeAll(file, c)));
}

/** Runs `read`, naming `path` in a format error that does not name it yet (as loadNpz does). */
function naming<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DataFormatError && !error.message.includes(path)) {
      throw new DataFormatError(
        `Cannot read ${path}: ${error.message.replace(/^Cannot read /, "")}`,
      );
    }
    throw error;
  }
}

/** Opens an archive to read, refusing a directory by name (as {@linkcode loadNpz} does). */
function openArchive(path: string): Deno.FsFile {
  if (Deno.statSync(path).isDirectory) {
    throw new DataFormatError(`Cannot read ${path}: it is a directory`);
  }
  return Deno.openSync(path);
}

/** The `.npy` header of a stored member, and the bytes it was read from. */
function storedHeader(path: string, src: ByteSource, entry: ZipEntry) {
  const start = dataOffset(src, entry);
  let head = new Uint8Array(Math.min(entry.size, 128));
  src.readAt(start, head);
  let header = readNpyHeader(head);
  if (typeof header === "number") {
    head = new Uint8Array(Math.min(header, entry.size));
    src.readAt(start, head);
    header = readNpyHeader(head);
  }
  if (typeof header === "number" || header.dataOffset + header.dataBytes !== entry.size) {
    throw new DataFormatError(`Cannot read ${path}: member '${entry.name}' has a damaged header`);
  }
  return { start, head, header };
}

/**
 * The dtype and shape of every array in an `.npz` file, without reading the arrays (but those of
 * deflated members, which are inflated to find out).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, readNpzShapes, saveNpz } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npz`;
 * saveNpz(path, { x: ndarray("int16", [2, 5], new Int16Array(10)) });
 * assertEquals(readNpzShapes(path), { x: { dtype: "int16", shape: [2, 5] } });
 * ```
 *
 * @param path The file.
 * @returns Each array's dtype and shape, by name.
 * @throws {DataFormatError} When the file or a member's header is damaged.
 */
export function readNpzShapes(path: string): Record<string, { dtype: DType; shape: number[] }> {
  return naming(path, () => shapesOf(path));
}

function shapesOf(path: string): Record<string, { dtype: DType; shape: number[] }> {
  using file = openArchive(path);
  const src = fileSource(file), out: Record<string, { dtype: DType; shape: number[] }> = {};
  for (const entry of listZip(src)) {
    const key = entry.name.endsWith(".npy") ? entry.name.slice(0, -4) : entry.name;
    const { dtype, shape } = entry.method === 0
      ? storedHeader(path, src, entry).header
      : loadNpz(path, [key])[key];
    out[key] = { dtype, shape: [...shape] };
  }
  return out;
}

/**
 * Reads one array of an `.npz` file a block of whole rows (first axis) at a time, checking the
 * member's CRC-32 at the end; a deflated member is read whole and given as one block.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, readNpzRows, saveNpz } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npz`;
 * saveNpz(path, { x: ndarray("int32", [4, 3], Int32Array.from({ length: 12 }, (_, i) => i)) });
 * const firsts: number[] = [];
 * const shape = readNpzRows(path, "x", (first, rows) => firsts.push(first, Number(rows.data[0])), 24);
 * assertEquals(shape, [4, 3]);
 * assertEquals(firsts, [0, 0, 2, 6]); // 24 bytes are two rows
 * ```
 *
 * @param path The file.
 * @param key The array's name.
 * @param onRows Gets the index of each block's first row and the block, (rows, …rest of shape).
 *   The block's memory is reused for the next one: copy what you keep.
 * @param blockBytes About how many bytes a block holds (at least one row). Default 64 MiB.
 * @returns The array's shape.
 * @throws {DataFormatError} When the file, the member or its data are damaged, or the key is
 *   not in the file.
 */
export function readNpzRows(
  path: string,
  key: string,
  onRows: (first: number, rows: NdArray) => void,
  blockBytes = 64 << 20,
): number[] {
  const blocks = npzRowBlocks(path, key, blockBytes);
  for (let b = blocks.next();; b = blocks.next()) {
    if (b.done) return b.value;
    onRows(b.value.first, b.value.rows);
  }
}

/**
 * The blocks of {@linkcode readNpzRows} as a generator, which returns the array's shape; the
 * CRC-32 is checked after the last block (a damaged member throws then).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, npzRowBlocks, saveNpz } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npz`;
 * saveNpz(path, { x: ndarray("uint8", [3, 2], new Uint8Array(6)) });
 * assertEquals([...npzRowBlocks(path, "x", 2)].map((b) => b.first), [0, 1, 2]);
 * ```
 *
 * @param path The file.
 * @param key The array's name.
 * @param blockBytes About how many bytes a block holds (at least one row). Default 64 MiB.
 * @returns Blocks of rows, each with the index of its first row; one buffer reused throughout.
 * @throws {DataFormatError} As {@linkcode readNpzRows}.
 */
export function* npzRowBlocks(
  path: string,
  key: string,
  blockBytes = 64 << 20,
): Generator<{ first: number; rows: NdArray }, number[]> {
  using file = openArchive(path);
  const src = fileSource(file);
  const entry = naming(path, () => listZip(src)).find((e) => e.name === `${key}.npy`);
  if (!entry) throw new DataFormatError(`Cannot read ${path}: it has no '${key}'`);
  if (entry.method !== 0) {
    const a = loadNpz(path, [key])[key];
    yield { first: 0, rows: a };
    return [...a.shape];
  }
  const { start, head, header } = naming(path, () => storedHeader(path, src, entry));
  const { shape, dataOffset: at, dataBytes } = header;
  if (shape.length === 0 || header.fortran) {
    throw new DataFormatError(`Cannot read ${path}: '${key}' is not a C-order array with rows`);
  }
  const rowBytes = shape[0] ? dataBytes / shape[0] : 0;
  const per = Math.max(1, Math.floor(blockBytes / Math.max(1, rowBytes)));
  const buffer = new Uint8Array(Math.min(shape[0], per) * rowBytes);
  let crc = crc32(head.subarray(0, at));
  for (let r = 0; r < shape[0]; r += per) {
    const rows = Math.min(per, shape[0] - r), bytes = buffer.subarray(0, rows * rowBytes);
    src.readAt(start + at + r * rowBytes, bytes);
    crc = crc32(bytes, crc);
    const block = { ...header, shape: [rows, ...shape.slice(1)], dataBytes: bytes.length };
    yield { first: r, rows: npyFromBody(block, bytes) };
  }
  if (crc >>> 0 !== entry.crc) {
    throw new DataFormatError(
      `Cannot read ${path}: member '${entry.name}' is damaged (CRC-32 does not match)`,
    );
  }
  return [...shape];
}
