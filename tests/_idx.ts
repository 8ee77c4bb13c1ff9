// IDX files for the tests, byte by byte: magic (0, 0, type, dimensions), big-endian sizes, data.

/** The bytes of an IDX file of `type` (0x08 unsigned bytes, …) with `dims`, then `body`. */
export function idxBytes(type: number, dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  out.set([0, 0, type, dims.length]);
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}
