/**
 * Reading the zip container of `.npz` files: the central directory (Zip64 included, for archives
 * or members over 4 GiB) and members at their offsets, straight into their final buffers, so an
 * archive costs one copy, like NumPy's. Inflate is fflate's; CRC-32 is the runtime's native one.
 * Writing is in `zip_write.ts`.
 *
 * @module
 */

import { crc32 } from "node:zlib";
import { DataFormatError } from "./ndarray.ts";
import { inflateBounded } from "./inflate.ts";
import type { ByteSource } from "./byte_source.ts";

/**
 * A member as the central directory describes it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, listZip, writeZip, type ZipEntry } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * writeZip([{ name: "a.txt", parts: [new TextEncoder().encode("hi")] }], false, (c) => chunks.push(c));
 * const zip = new Uint8Array(chunks.flatMap((c) => [...c]));
 * const [entry]: ZipEntry[] = listZip(bufferSource(zip));
 * assertEquals([entry.name, entry.method, entry.size], ["a.txt", 0, 2]);
 * ```
 */
export interface ZipEntry {
  /** The member's name. */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** CRC-32 of the uncompressed bytes. */
  crc: number;
  /** Bytes stored in the archive. */
  compressedSize: number;
  /** Bytes once uncompressed. */
  size: number;
  /** Where the member's local header starts. */
  headerOffset: number;
}

/**
 * The zip format's record signatures and the largest values its 16- and 32-bit fields hold
 * (beyond which Zip64 records take over).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ZIP } from "./zip.ts";
 * assertEquals(ZIP.local, 0x04034b50);
 * ```
 */
export const ZIP = {
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  end64: 0x06064b50,
  locator64: 0x07064b50,
  max32: 0xffffffff,
  max16: 0xffff,
} as const;
const { local: SIG_LOCAL, central: SIG_CENTRAL, end: SIG_END } = ZIP;
const { end64: SIG_END64, locator64: SIG_LOCATOR64, max32: MAX32 } = ZIP;

/** Throws unless `length` bytes from `offset` lie inside the archive: checked before allocating. */
function within(src: ByteSource, offset: number, length: number, what: string): void {
  if (!(offset >= 0 && length >= 0 && offset + length <= src.size)) {
    throw new DataFormatError(
      `Cannot read the zip archive: ${what} (${length} bytes at ${offset}) lies past its ` +
        `${src.size} bytes`,
    );
  }
}

function read(src: ByteSource, offset: number, length: number, what = "a record"): DataView {
  within(src, offset, length, what);
  const bytes = new Uint8Array(length);
  src.readAt(offset, bytes);
  return new DataView(bytes.buffer);
}

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DataFormatError(`Cannot read the zip archive: a size or offset is too large: ${n}`);
  }
  return Number(n);
}

/**
 * The members listed in an archive's central directory.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, listZip, writeZip } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * writeZip([{ name: "a.txt", parts: [new TextEncoder().encode("hi")] }], false, (c) => chunks.push(c));
 * const zip = new Uint8Array(chunks.flatMap((c) => [...c]));
 * assertEquals(listZip(bufferSource(zip)).map((e) => e.name), ["a.txt"]);
 * ```
 *
 * @param src The archive.
 * @returns Its members, in directory order.
 * @throws {DataFormatError} When the archive is not a zip file or its directory is damaged.
 */
export function listZip(src: ByteSource): ZipEntry[] {
  const tailLen = Math.min(src.size, 22 + 65535);
  if (tailLen < 22) {
    throw new DataFormatError(`Cannot read the zip archive: ${src.size} bytes is too short`);
  }
  const tail = read(src, src.size - tailLen, tailLen);
  let end = tailLen - 22;
  while (end >= 0 && tail.getUint32(end, true) !== SIG_END) end--;
  if (end < 0) {
    throw new DataFormatError(
      "Cannot read the zip archive: no end-of-directory record (not a zip file, or truncated)",
    );
  }
  let count = tail.getUint16(end + 10, true);
  let dirSize = tail.getUint32(end + 12, true);
  let dirOffset = tail.getUint32(end + 16, true);
  let dirEnd = src.size - tailLen + end; // the directory ends where the end record begins
  if (end >= 20 && tail.getUint32(end - 20, true) === SIG_LOCATOR64) {
    const at = u64(tail, end - 20 + 8);
    const rec = read(src, at, 56, "the Zip64 end record");
    if (rec.getUint32(0, true) !== SIG_END64) {
      throw new DataFormatError("Cannot read the zip archive: the Zip64 end record is damaged");
    }
    count = u64(rec, 32);
    dirSize = u64(rec, 40);
    dirOffset = u64(rec, 48);
    dirEnd = at;
  }
  if (dirOffset + dirSize !== dirEnd) {
    throw new DataFormatError(
      `Cannot read the zip archive: its directory (${dirSize} bytes at ${dirOffset}) does not ` +
        `end where its end record begins (${dirEnd})`,
    );
  }
  if (count > dirSize / 46) {
    throw new DataFormatError(
      `Cannot read the zip archive: ${count} entries cannot fit a ${dirSize}-byte directory`,
    );
  }
  const dir = read(src, dirOffset, dirSize, "the central directory");
  const entries: ZipEntry[] = [];
  const utf8 = new TextDecoder();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirSize || dir.getUint32(p, true) !== SIG_CENTRAL) {
      throw new DataFormatError(`Cannot read the zip archive: directory entry ${i} is damaged`);
    }
    const flags = dir.getUint16(p + 8, true);
    const method = dir.getUint16(p + 10, true), crc = dir.getUint32(p + 16, true);
    let compressedSize = dir.getUint32(p + 20, true), size = dir.getUint32(p + 24, true);
    const nameLen = dir.getUint16(p + 28, true), extraLen = dir.getUint16(p + 30, true);
    const commentLen = dir.getUint16(p + 32, true);
    let headerOffset = dir.getUint32(p + 42, true);
    const extraEnd = p + 46 + nameLen + extraLen;
    if (extraEnd + commentLen > dirSize) {
      throw new DataFormatError(
        `Cannot read the zip archive: directory entry ${i} runs past the directory`,
      );
    }
    const name = utf8.decode(new Uint8Array(dir.buffer, p + 46, nameLen));
    // Zip64 extra field: the 64-bit values of whichever fields are saturated, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= extraEnd;) {
      const id = dir.getUint16(e, true), len = dir.getUint16(e + 2, true), fieldEnd = e + 4 + len;
      if (fieldEnd > extraEnd) {
        throw new DataFormatError(
          `Cannot read the zip archive: entry '${name}' has a damaged extra field`,
        );
      }
      if (id === 1) {
        let q = e + 4;
        const next = () => {
          if (q + 8 > fieldEnd) {
            throw new DataFormatError(
              `Cannot read the zip archive: entry '${name}' has a short Zip64 field`,
            );
          }
          const v = u64(dir, q);
          q += 8;
          return v;
        };
        if (size === MAX32) size = next();
        if (compressedSize === MAX32) compressedSize = next();
        if (headerOffset === MAX32) headerOffset = next();
      }
      e = fieldEnd;
    }
    if (flags & 0x61) { // encrypted, patched or strongly encrypted: not an array NumPy wrote
      throw new DataFormatError(
        `Cannot read the zip archive: entry '${name}' is encrypted or patched`,
      );
    }
    entries.push({ name, method, crc, compressedSize, size, headerOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== dirSize) {
    throw new DataFormatError(
      `Cannot read the zip archive: its ${count} directory entries take ${p} of its ${dirSize} bytes`,
    );
  }
  return entries;
}

/**
 * Where a member's data start: past its local header.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, dataOffset, listZip, writeZip } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * writeZip([{ name: "a.txt", parts: [new TextEncoder().encode("hi")] }], false, (c) => chunks.push(c));
 * const zip = new Uint8Array(chunks.flatMap((c) => [...c]));
 * const src = bufferSource(zip), [entry] = listZip(src);
 * assertEquals(dataOffset(src, entry), 30 + "a.txt".length); // a local header without extra fields
 * ```
 */
export function dataOffset(src: ByteSource, entry: ZipEntry): number {
  const h = read(src, entry.headerOffset, 30, `the local header of '${entry.name}'`);
  if (h.getUint32(0, true) !== SIG_LOCAL) {
    throw new DataFormatError(`Cannot read member '${entry.name}': its local header is damaged`);
  }
  const nameLen = h.getUint16(26, true),
    start = entry.headerOffset + 30 + nameLen + h.getUint16(28, true);
  const local = new Uint8Array(nameLen);
  within(src, entry.headerOffset + 30, nameLen, `the name of '${entry.name}'`);
  src.readAt(entry.headerOffset + 30, local);
  if (new TextDecoder().decode(local) !== entry.name) {
    throw new DataFormatError(
      `Cannot read member '${entry.name}': its local header names it otherwise`,
    );
  }
  within(src, start, entry.compressedSize, `the data of '${entry.name}'`);
  if (entry.method === 0 && entry.size !== entry.compressedSize) {
    throw new DataFormatError(
      `Cannot read member '${entry.name}': stored, yet its sizes differ: ${entry.size} and ${entry.compressedSize}`,
    );
  }
  return start;
}

/**
 * A member's uncompressed bytes, checked against its CRC-32. A deflated member is inflated no
 * further than the size its content declares (`sizeFrom`), or else its directory entry.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, listZip, readMember, writeZip } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * writeZip([{ name: "a.txt", parts: [new TextEncoder().encode("hi")] }], false, (c) => chunks.push(c));
 * const zip = new Uint8Array(chunks.flatMap((c) => [...c]));
 * const src = bufferSource(zip), [entry] = listZip(src);
 * assertEquals(new TextDecoder().decode(readMember(src, entry)), "hi");
 * ```
 *
 * @param src The archive.
 * @param entry The member.
 * @param sizeFrom Given its first inflated bytes, the size they declare (see `inflateBounded`).
 * @returns Its bytes.
 * @throws {DataFormatError} When the member is damaged or uses another compression than 0 or 8.
 */
export function readMember(
  src: ByteSource,
  entry: ZipEntry,
  sizeFrom?: (head: Uint8Array) => number | undefined,
): Uint8Array {
  const at = dataOffset(src, entry), stored = new Uint8Array(entry.compressedSize);
  src.readAt(at, stored);
  let bytes: Uint8Array;
  if (entry.method === 0) bytes = stored;
  else if (entry.method === 8) {
    const r = inflateBounded(stored, sizeFrom ?? (() => entry.size), `member '${entry.name}'`);
    if (r.consumed !== stored.length) {
      throw new DataFormatError(
        `Cannot read member '${entry.name}': its deflate stream ends ${
          stored.length - r.consumed
        } bytes before its data do`,
      );
    }
    bytes = r.bytes;
  } else {
    throw new DataFormatError(
      `Cannot read member '${entry.name}': unsupported compression: ${entry.method}`,
    );
  }
  checkCrc(entry, bytes);
  return bytes;
}

/**
 * Throws unless `parts`, concatenated, have the member's size and CRC-32.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { bufferSource, checkCrc, DataFormatError, listZip, writeZip } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * writeZip([{ name: "a.txt", parts: [new TextEncoder().encode("hi")] }], false, (c) => chunks.push(c));
 * const zip = new Uint8Array(chunks.flatMap((c) => [...c]));
 * const [entry] = listZip(bufferSource(zip));
 * checkCrc(entry, new TextEncoder().encode("h"), new TextEncoder().encode("i"));
 * assertThrows(() => checkCrc(entry, new TextEncoder().encode("ho")), DataFormatError);
 * ```
 *
 * @param entry The member.
 * @param parts Its uncompressed bytes, in one or more pieces.
 * @throws {DataFormatError} On a mismatch.
 */
export function checkCrc(entry: ZipEntry, ...parts: Uint8Array[]): void {
  let crc = 0, size = 0;
  for (const part of parts) crc = crc32(part, crc), size += part.length;
  if (size !== entry.size || crc >>> 0 !== entry.crc) {
    throw new DataFormatError(
      `Cannot read member '${entry.name}': its data are damaged (CRC-32 or size does not match)`,
    );
  }
}
