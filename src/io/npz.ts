/**
 * NumPy's `.npz` archives (what `np.savez` and `np.savez_compressed` write) and `.npy` files on
 * disk. Members are stored or deflated; stored members are read and written without extra copies.
 *
 * @module
 */

import { DataFormatError, type NdArray, ndarray } from "./ndarray.ts";
import { decodeNpy, npyBody, npyFromBody, npyHeader, readNpyHeader } from "./npy.ts";
import { writeAll, writeFileAtomic } from "./files.ts";
import { bufferSource, type ByteSource, fileSource } from "./byte_source.ts";
import { checkCrc, dataOffset, listZip, readMember, type ZipEntry } from "./zip.ts";
import { writeZip } from "./zip_write.ts";

/**
 * Options for writing an `.npz` archive.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray } from "./mod.ts";
 * import { encodeNpz, type NpzWriteOptions } from "./mod.ts";
 * const options: NpzWriteOptions = { compress: true };
 * assertEquals(encodeNpz({ z: ndarray("float32", [1000], new Float32Array(1000)) }, options).length < 4000, true);
 * ```
 */
export interface NpzWriteOptions {
  /** Deflate the members, as `np.savez_compressed` does. Default false, as `np.savez`. */
  compress?: boolean;
}

/**
 * The members of an `.npz` archive, by name (without the `.npy` suffix).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, type NpzArrays } from "./mod.ts";
 * const arrays: NpzArrays = { x: ndarray("int32", [1], new Int32Array([7])) };
 * assertEquals(Object.keys(arrays), ["x"]);
 * ```
 */
export type NpzArrays = Record<string, NdArray>;

/**
 * The size a deflated member's `.npy` header declares (undefined while `head` is too short to
 * tell), which must be its directory entry's too.
 */
function npySize(head: Uint8Array, entry: ZipEntry): number | undefined {
  if (head.length < 10) return undefined;
  const header = readNpyHeader(head);
  if (typeof header === "number") return undefined;
  const total = header.dataOffset + header.dataBytes;
  if (total !== entry.size) {
    throw new DataFormatError(
      `Cannot read member '${entry.name}': its .npy header declares ${total} bytes, its ` +
        `directory entry ${entry.size}`,
    );
  }
  return total;
}

/** Reads a stored member's array straight into its own buffer: one copy, no intermediate. */
function readStoredNpy(src: ByteSource, entry: ZipEntry): NdArray {
  const start = dataOffset(src, entry);
  let head = new Uint8Array(Math.min(entry.size, 128));
  src.readAt(start, head);
  let header = readNpyHeader(head);
  if (typeof header === "number") {
    if (header > entry.size) {
      throw new DataFormatError("Cannot read .npy data: the header is truncated");
    }
    head = new Uint8Array(header);
    src.readAt(start, head);
    header = readNpyHeader(head) as Exclude<typeof header, number>;
  }
  if (header.dataOffset + header.dataBytes > entry.size) {
    throw new DataFormatError(
      `Cannot read .npy data: a (${header.shape.join(", ")}) ${header.dtype} array needs ` +
        `${header.dataBytes} bytes after the header: ${entry.size - header.dataOffset}`,
    );
  }
  const body = new Uint8Array(entry.size - header.dataOffset);
  src.readAt(start + header.dataOffset, body);
  checkCrc(entry, head.subarray(0, header.dataOffset), body);
  return npyFromBody(header, body);
}

function readNpz(src: ByteSource, keys?: readonly string[]): NpzArrays {
  const out: NpzArrays = {};
  for (const entry of listZip(src)) {
    const key = entry.name.endsWith(".npy") ? entry.name.slice(0, -4) : entry.name;
    if (keys && !keys.includes(key)) continue;
    try {
      out[key] = entry.method === 0
        ? readStoredNpy(src, entry)
        : decodeNpy(readMember(src, entry, (head) => npySize(head, entry)));
    } catch (error) {
      if (error instanceof DataFormatError && !error.message.startsWith("Cannot read member")) {
        throw new DataFormatError(
          `Cannot read member '${entry.name}': ${error.message.replace(/^Cannot read /, "")}`,
        );
      }
      throw error;
    }
  }
  return out;
}

/**
 * Reads an `.npz` archive's bytes.
 *
 * @example Round trip through bytes
 * ```ts
 * import { ndarray } from "./mod.ts";
 * import { decodeNpz, encodeNpz } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 * const arrays = { w: ndarray("float32", [2], new Float32Array([1, 2])) };
 * assertEquals(decodeNpz(encodeNpz(arrays, { compress: true })), arrays);
 * ```
 *
 * @param bytes The archive's contents.
 * @returns Its arrays by name.
 * @throws {DataFormatError} When the archive or a member is corrupt or unsupported.
 */
export function decodeNpz(bytes: Uint8Array): NpzArrays {
  return readNpz(bufferSource(bytes));
}

function members(arrays: NpzArrays) {
  return Object.entries(arrays).map(([key, array]) => {
    ndarray(array.dtype, array.shape, array.data);
    return { name: `${key}.npy`, parts: [npyHeader(array), npyBody(array)] };
  });
}

/**
 * The bytes of an `.npz` archive that `np.load` opens.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decodeNpz, encodeNpz, ndarray } from "./mod.ts";
 * const bytes = encodeNpz({ x: ndarray("uint8", [3], new Uint8Array([1, 2, 3])) });
 * assertEquals(decodeNpz(bytes).x.data, new Uint8Array([1, 2, 3]));
 * ```
 *
 * @param arrays The arrays by name.
 * @param options Whether to deflate.
 * @returns The archive.
 */
export function encodeNpz(arrays: NpzArrays, options: NpzWriteOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  writeZip(members(arrays), options.compress ?? false, (c) => chunks.push(c));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, o), o += c.length;
  return out;
}

function withFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Deno.errors.IsADirectory) {
      throw new DataFormatError(`Cannot read ${path}: it is a directory`);
    }
    if (error instanceof DataFormatError) {
      throw new DataFormatError(
        `Cannot read ${path}: ${error.message.replace(/^Cannot read /, "")}`,
      );
    }
    throw error;
  }
}

/**
 * Reads an `.npz` file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz, ndarray, saveNpz } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npz`;
 * saveNpz(path, { a: ndarray("float32", [1], new Float32Array([3])) });
 * assertEquals(loadNpz(path).a.data[0], 3);
 * assertEquals(Object.keys(loadNpz(path, ["b"])), []); // only the members asked for are read
 * ```
 *
 * @param path The file.
 * @param keys Read only these members (default: all); the others are skipped unread.
 * @returns Its arrays by name.
 * @throws {DataFormatError} When the file is not a valid archive; the message names it.
 */
export function loadNpz(path: string, keys?: readonly string[]): NpzArrays {
  return withFile(path, () => {
    using file = Deno.openSync(path);
    return readNpz(fileSource(file), keys);
  });
}

/**
 * Writes an `.npz` file atomically, streaming the members to disk without copying them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz, ndarray, saveNpz } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/weights.npz`;
 * saveNpz(path, { w: ndarray("float32", [2, 2], new Float32Array([1, 2, 3, 4])) }, { compress: true });
 * assertEquals(loadNpz(path).w.shape, [2, 2]);
 * ```
 *
 * @param path The file.
 * @param arrays The arrays by name.
 * @param options Whether to deflate.
 */
export function saveNpz(path: string, arrays: NpzArrays, options: NpzWriteOptions = {}): void {
  const list = members(arrays); // validates before the file is created
  writeFileAtomic(
    path,
    (file) => writeZip(list, options.compress ?? false, (c) => writeAll(file, c)),
  );
}

/**
 * Reads a `.npy` file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpy, ndarray, saveNpy } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/a.npy`;
 * saveNpy(path, ndarray("float64", [3], new Float64Array([1, 2, 3])));
 * assertEquals(loadNpy(path).data, new Float64Array([1, 2, 3]));
 * ```
 *
 * @param path The file.
 * @returns The array.
 * @throws {DataFormatError} When the file is not a valid `.npy`; the message names it.
 */
export function loadNpy(path: string): NdArray {
  return withFile(path, () => decodeNpy(Deno.readFileSync(path)));
}

/**
 * Writes a `.npy` file atomically.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ndarray, saveNpy } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/labels.npy`;
 * saveNpy(path, ndarray("uint8", [3], new Uint8Array([5, 0, 4])));
 * assertEquals(Deno.statSync(path).size, 131); // a 128-byte header and 3 bytes
 * ```
 *
 * @param path The file.
 * @param array The array.
 */
export function saveNpy(path: string, array: NdArray): void {
  ndarray(array.dtype, array.shape, array.data); // validated before the file is touched
  writeFileAtomic(path, (file) => {
    writeAll(file, npyHeader(array));
    writeAll(file, npyBody(array));
  });
}
