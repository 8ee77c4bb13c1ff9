/**
 * The zip container of `.npz` files: reading the central directory and members at their offsets,
 * and writing members as a stream, with Zip64 for archives or members over 4 GiB (which NumPy
 * reads and writes too). Deflate is fflate's; CRC-32 is the runtime's native one.
 *
 * Members are read straight into their final buffers and written straight from the arrays, so an
 * archive costs one copy each way, like NumPy's.
 *
 * @module
 */

import { deflateSync, inflateSync } from "npm:fflate@0.8.3";
import { crc32 } from "node:zlib";
import { DataFormatError } from "./npy.ts";

/** Random access to the bytes of an archive: a file or a buffer. */
export interface ByteSource {
  /** Total bytes. */
  readonly size: number;
  /** Fills `into` with the bytes at `offset`; throws if they run past the end. */
  readAt(offset: number, into: Uint8Array): void;
}

/** A member as the central directory describes it. */
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

const SIG_LOCAL = 0x04034b50, SIG_CENTRAL = 0x02014b50, SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50, SIG_LOCATOR64 = 0x07064b50;
const MAX32 = 0xffffffff, MAX16 = 0xffff;

/** A {@linkcode ByteSource} over bytes in memory. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    readAt(offset, into) {
      if (offset < 0 || offset + into.length > bytes.length) {
        throw new DataFormatError(
          `Cannot read the zip archive: it is truncated at byte ${bytes.length}`,
        );
      }
      into.set(bytes.subarray(offset, offset + into.length));
    },
  };
}

/** A {@linkcode ByteSource} over an open file (read with positioned reads). */
export function fileSource(file: Deno.FsFile): ByteSource {
  const size = file.statSync().size;
  return {
    size,
    readAt(offset, into) {
      if (offset < 0 || offset + into.length > size) {
        throw new DataFormatError(`Cannot read the zip archive: it is truncated at byte ${size}`);
      }
      file.seekSync(offset, Deno.SeekMode.Start);
      let done = 0;
      while (done < into.length) {
        const n = file.readSync(into.subarray(done));
        if (n === null || n === 0) {
          throw new DataFormatError(
            `Cannot read the zip archive: it ends early at byte ${offset + done}`,
          );
        }
        done += n;
      }
    },
  };
}

function read(src: ByteSource, offset: number, length: number): DataView {
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
  if (end >= 20 && tail.getUint32(end - 20, true) === SIG_LOCATOR64) {
    const at = u64(tail, end - 20 + 8);
    const rec = read(src, at, 56);
    if (rec.getUint32(0, true) !== SIG_END64) {
      throw new DataFormatError("Cannot read the zip archive: the Zip64 end record is damaged");
    }
    count = u64(rec, 32);
    dirSize = u64(rec, 40);
    dirOffset = u64(rec, 48);
  }
  const dir = read(src, dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  const utf8 = new TextDecoder();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirSize || dir.getUint32(p, true) !== SIG_CENTRAL) {
      throw new DataFormatError(`Cannot read the zip archive: directory entry ${i} is damaged`);
    }
    const method = dir.getUint16(p + 10, true), crc = dir.getUint32(p + 16, true);
    let compressedSize = dir.getUint32(p + 20, true), size = dir.getUint32(p + 24, true);
    const nameLen = dir.getUint16(p + 28, true), extraLen = dir.getUint16(p + 30, true);
    const commentLen = dir.getUint16(p + 32, true);
    let headerOffset = dir.getUint32(p + 42, true);
    const name = utf8.decode(new Uint8Array(dir.buffer, p + 46, nameLen));
    // Zip64 extra field: the 64-bit values of whichever fields are saturated, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = dir.getUint16(e, true), len = dir.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === MAX32) size = u64(dir, q), q += 8;
        if (compressedSize === MAX32) compressedSize = u64(dir, q), q += 8;
        if (headerOffset === MAX32) headerOffset = u64(dir, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, crc, compressedSize, size, headerOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Where a member's data start: past its local header. */
export function dataOffset(src: ByteSource, entry: ZipEntry): number {
  const h = read(src, entry.headerOffset, 30);
  if (h.getUint32(0, true) !== SIG_LOCAL) {
    throw new DataFormatError(`Cannot read member '${entry.name}': its local header is damaged`);
  }
  return entry.headerOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
}

/**
 * A member's uncompressed bytes, checked against its CRC-32.
 *
 * @param src The archive.
 * @param entry The member.
 * @returns Its bytes.
 * @throws {DataFormatError} When the member is damaged or uses another compression than 0 or 8.
 */
export function readMember(src: ByteSource, entry: ZipEntry): Uint8Array {
  const stored = new Uint8Array(entry.compressedSize);
  src.readAt(dataOffset(src, entry), stored);
  let bytes: Uint8Array;
  if (entry.method === 0) bytes = stored;
  else if (entry.method === 8) {
    try {
      bytes = inflateSync(stored, { out: new Uint8Array(entry.size) });
    } catch (error) {
      throw new DataFormatError(
        `Cannot inflate member '${entry.name}': ${(error as Error).message}`,
      );
    }
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

/** A member to write: its name and its uncompressed bytes in pieces. */
export interface ZipMember {
  /** The name in the archive. */
  name: string;
  /** The bytes, in pieces that are written one after another without being joined. */
  parts: Uint8Array[];
}

/**
 * Writes a zip archive as a stream of chunks: each member's local header and data, then the
 * central directory. Zip64 records are added where a size, an offset or the count needs them.
 *
 * @param members The members, in order.
 * @param compress Deflate each member (level 6) instead of storing it.
 * @param sink Receives the archive's bytes in order.
 */
export function writeZip(
  members: Iterable<ZipMember>,
  compress: boolean,
  sink: (chunk: Uint8Array) => void,
): void {
  const utf8 = new TextEncoder();
  const central: Uint8Array[] = [];
  let offset = 0, count = 0;
  const emit = (chunk: Uint8Array) => {
    sink(chunk);
    offset += chunk.length;
  };
  for (const member of members) {
    const name = utf8.encode(member.name);
    let crc = 0, size = 0;
    for (const part of member.parts) crc = crc32(part, crc), size += part.length;
    let data = member.parts;
    if (compress) {
      const joined = new Uint8Array(size);
      let o = 0;
      for (const part of data) joined.set(part, o), o += part.length;
      data = [deflateSync(joined, { level: 6 })];
    }
    const csize = data.reduce((n, d) => n + d.length, 0);
    const zip64 = size >= MAX32 || csize >= MAX32 || offset >= MAX32;
    const local = new DataView(new ArrayBuffer(30 + name.length + (zip64 ? 20 : 0)));
    local.setUint32(0, SIG_LOCAL, true);
    local.setUint16(4, zip64 ? 45 : 20, true);
    local.setUint16(6, name.length !== member.name.length ? 0x800 : 0, true); // UTF-8 names
    local.setUint16(8, compress ? 8 : 0, true);
    local.setUint16(10, 0, true); // time 00:00
    local.setUint16(12, (1980 - 1980) << 9 | 1 << 5 | 1, true); // date 1980-01-01, as NumPy writes
    local.setUint32(14, crc >>> 0, true);
    local.setUint32(18, zip64 ? MAX32 : csize, true);
    local.setUint32(22, zip64 ? MAX32 : size, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, zip64 ? 20 : 0, true);
    new Uint8Array(local.buffer).set(name, 30);
    if (zip64) {
      const e = 30 + name.length;
      local.setUint16(e, 1, true);
      local.setUint16(e + 2, 16, true);
      local.setBigUint64(e + 4, BigInt(size), true);
      local.setBigUint64(e + 12, BigInt(csize), true);
    }
    const headerOffset = offset;
    emit(new Uint8Array(local.buffer));
    for (const d of data) emit(d);

    const extra64: bigint[] = [];
    if (size >= MAX32) extra64.push(BigInt(size));
    if (csize >= MAX32) extra64.push(BigInt(csize));
    if (headerOffset >= MAX32) extra64.push(BigInt(headerOffset));
    const extraLen = extra64.length ? 4 + 8 * extra64.length : 0;
    const c = new DataView(new ArrayBuffer(46 + name.length + extraLen));
    c.setUint32(0, SIG_CENTRAL, true);
    c.setUint16(4, 45, true);
    c.setUint16(6, extra64.length ? 45 : 20, true);
    c.setUint16(8, local.getUint16(6, true), true);
    c.setUint16(10, compress ? 8 : 0, true);
    c.setUint16(14, local.getUint16(12, true), true);
    c.setUint32(16, crc >>> 0, true);
    c.setUint32(20, Math.min(csize, MAX32), true);
    c.setUint32(24, Math.min(size, MAX32), true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, extraLen, true);
    c.setUint32(38, 0o100644 << 16, true); // a regular file, rw-r--r--
    c.setUint32(42, Math.min(headerOffset, MAX32), true);
    new Uint8Array(c.buffer).set(name, 46);
    if (extraLen) {
      c.setUint16(46 + name.length, 1, true);
      c.setUint16(48 + name.length, 8 * extra64.length, true);
      extra64.forEach((v, i) => c.setBigUint64(50 + name.length + 8 * i, v, true));
    }
    central.push(new Uint8Array(c.buffer));
    count++;
  }
  const dirOffset = offset;
  for (const c of central) emit(c);
  const dirSize = offset - dirOffset;
  if (count >= MAX16 || dirOffset >= MAX32 || dirSize >= MAX32) {
    const end64At = offset;
    const r = new DataView(new ArrayBuffer(56 + 20));
    r.setUint32(0, SIG_END64, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setBigUint64(24, BigInt(count), true);
    r.setBigUint64(32, BigInt(count), true);
    r.setBigUint64(40, BigInt(dirSize), true);
    r.setBigUint64(48, BigInt(dirOffset), true);
    r.setUint32(56, SIG_LOCATOR64, true);
    r.setBigUint64(64, BigInt(end64At), true);
    r.setUint32(72, 1, true);
    emit(new Uint8Array(r.buffer));
  }
  const e = new DataView(new ArrayBuffer(22));
  e.setUint32(0, SIG_END, true);
  e.setUint16(8, Math.min(count, MAX16), true);
  e.setUint16(10, Math.min(count, MAX16), true);
  e.setUint32(12, Math.min(dirSize, MAX32), true);
  e.setUint32(16, Math.min(dirOffset, MAX32), true);
  emit(new Uint8Array(e.buffer));
}
