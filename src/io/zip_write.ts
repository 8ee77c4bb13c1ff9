/**
 * Writing the zip container of `.npz` files as a stream, straight from the arrays (one copy, like
 * NumPy's), with Zip64 records where a size, an offset or the count needs them. Deflate is
 * fflate's; CRC-32 is the runtime's native one.
 *
 * @module
 */

import { deflateSync } from "npm:fflate@0.8.3";
import { crc32 } from "node:zlib";
import { ZIP } from "./zip.ts";

const { local: SIG_LOCAL, central: SIG_CENTRAL, end: SIG_END } = ZIP;
const { end64: SIG_END64, locator64: SIG_LOCATOR64, max32: MAX32, max16: MAX16 } = ZIP;

/**
 * A member to write: its name and its uncompressed bytes in pieces.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bufferSource, listZip, writeZip, type ZipMember } from "./mod.ts";
 * const member: ZipMember = { name: "x.bin", parts: [new Uint8Array(3), new Uint8Array(4)] };
 * const chunks: Uint8Array[] = [];
 * writeZip([member], true, (c) => chunks.push(c));
 * assertEquals(listZip(bufferSource(new Uint8Array(chunks.flatMap((c) => [...c]))))[0].size, 7);
 * ```
 */
export interface ZipMember {
  /** The name in the archive. */
  name: string;
  /**
   * The bytes, in pieces that are written one after another without being joined. Stored members
   * iterate it twice (the CRC-32 and size go before the data), so a lazy iterable that loads each
   * piece on demand keeps only one piece in memory at a time; it must yield the same bytes twice.
   */
  parts: Iterable<Uint8Array>;
}

/**
 * Writes a zip archive as a stream of chunks: each member's local header and data, then the
 * central directory. Zip64 records are added where a size, an offset or the count needs them.
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
 * @param members The members, in order.
 * @param compress Deflate each member (level 6) instead of storing it.
 * @param sink Receives the archive's bytes in order.
 * @param zip64From Sizes and offsets from which Zip64 records hold them (default 2³² − 1, where
 *   the 32-bit fields run out; 0 writes Zip64 records throughout, as tests of readers want).
 */
export function writeZip(
  members: Iterable<ZipMember>,
  compress: boolean,
  sink: (chunk: Uint8Array) => void,
  zip64From: number = MAX32,
): void {
  const big = (v: number) => v >= zip64From;
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
    let data = member.parts, csize = size;
    if (compress) {
      const joined = new Uint8Array(size);
      let o = 0;
      for (const part of data) joined.set(part, o), o += part.length;
      const deflated = deflateSync(joined, { level: 6 });
      data = [deflated];
      csize = deflated.length;
    }
    const zip64 = big(size) || big(csize) || big(offset);
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
    let written = 0;
    for (const d of data) emit(d), written += d.length;
    if (written !== csize) {
      throw new RangeError(
        `Cannot write member '${member.name}': its parts gave ${csize} bytes, then ${written}`,
      );
    }

    const extra64: bigint[] = [];
    if (big(size)) extra64.push(BigInt(size));
    if (big(csize)) extra64.push(BigInt(csize));
    if (big(headerOffset)) extra64.push(BigInt(headerOffset));
    const extraLen = extra64.length ? 4 + 8 * extra64.length : 0;
    const c = new DataView(new ArrayBuffer(46 + name.length + extraLen));
    c.setUint32(0, SIG_CENTRAL, true);
    c.setUint16(4, 45, true);
    c.setUint16(6, extra64.length ? 45 : 20, true);
    c.setUint16(8, local.getUint16(6, true), true);
    c.setUint16(10, compress ? 8 : 0, true);
    c.setUint16(14, local.getUint16(12, true), true);
    c.setUint32(16, crc >>> 0, true);
    c.setUint32(20, big(csize) ? MAX32 : csize, true);
    c.setUint32(24, big(size) ? MAX32 : size, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, extraLen, true);
    c.setUint32(38, 0o100644 << 16, true); // a regular file, rw-r--r--
    c.setUint32(42, big(headerOffset) ? MAX32 : headerOffset, true);
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
  const end64 = count >= MAX16 || big(dirOffset) || big(dirSize);
  if (end64) {
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
  e.setUint16(8, end64 ? MAX16 : count, true);
  e.setUint16(10, end64 ? MAX16 : count, true);
  e.setUint32(12, end64 ? MAX32 : dirSize, true);
  e.setUint32(16, end64 ? MAX32 : dirOffset, true);
  emit(new Uint8Array(e.buffer));
}
