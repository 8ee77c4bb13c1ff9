/**
 * The dictionary at the head of a `.npy` file, parsed as strictly as NumPy parses it (a Python
 * literal): exactly the keys `descr`, `fortran_order` and `shape`, each once; a string, `True` or
 * `False`, and a tuple of non-negative integers; nothing after it but padding.
 *
 * @module
 */

import { DataFormatError } from "./ndarray.ts";

/**
 * What a `.npy` header says.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseNpyDict } from "./npy_header.ts";
 * assertEquals(parseNpyDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n").shape, [2, 3]);
 * ```
 */
export interface NpyDict {
  /** The dtype's description, `'<f4'`. */
  descr: string;
  /** Whether the elements are in Fortran order. */
  fortran: boolean;
  /** The dimensions. */
  shape: number[];
}

/**
 * Parses a `.npy` header's text.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseNpyDict } from "./npy_header.ts";
 * try {
 *   parseNpyDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } =");
 * } catch (e) {
 *   assertEquals((e as Error).message.startsWith("Cannot parse the .npy header"), true);
 * }
 * ```
 *
 * @param text The header, padding included.
 * @returns What it says.
 * @throws {DataFormatError} When it is not such a dictionary.
 */
export function parseNpyDict(text: string): NpyDict {
  const fail = (why: string) =>
    new DataFormatError(`Cannot parse the .npy header: ${why}: ${text.trim().slice(0, 120)}`);
  let p = 0;
  const space = () => {
    while (p < text.length && " \t\r\n".includes(text[p])) p++;
  };
  const expect = (c: string) => {
    space();
    if (text[p] !== c) throw fail(`'${c}' expected at ${p}`);
    p++;
  };
  const peek = () => (space(), text[p]);
  const string = (): string => {
    const q = peek();
    if (q !== "'" && q !== '"') throw fail(`a string expected at ${p}`);
    const end = text.indexOf(q, p + 1);
    if (end < 0 || text.slice(p + 1, end).includes("\\")) {
      throw fail(`a plain string expected at ${p}`);
    }
    const s = text.slice(p + 1, end);
    p = end + 1;
    return s;
  };
  const value = (key: string): string | boolean | number[] => {
    const c = peek();
    if (key === "descr") return string();
    if (key === "fortran_order") {
      for (const word of ["True", "False"]) {
        if (text.startsWith(word, p)) return (p += word.length, word === "True");
      }
      throw fail(`True or False expected at ${p}`);
    }
    if (c !== "(") throw fail(`a tuple expected at ${p}`);
    p++;
    const dims: number[] = [];
    let comma = false;
    while (peek() !== ")") {
      const m = /^\d+/.exec(text.slice(p));
      if (!m) throw fail(`a dimension expected at ${p}`);
      dims.push(Number(m[0]));
      p += m[0].length;
      comma = peek() === ",";
      if (comma) p++;
      else if (peek() !== ")") throw fail(`',' or ')' expected at ${p}`);
    }
    p++;
    if (dims.length === 1 && !comma) throw fail("a one-dimensional shape needs its comma");
    if (dims.some((d) => !Number.isSafeInteger(d))) throw fail("a dimension is too large");
    return dims;
  };
  const found = new Map<string, string | boolean | number[]>();
  expect("{");
  while (peek() !== "}") {
    const key = string();
    if (!["descr", "fortran_order", "shape"].includes(key)) throw fail(`unknown key '${key}'`);
    if (found.has(key)) throw fail(`'${key}' appears twice`);
    expect(":");
    found.set(key, value(key));
    if (peek() === ",") p++;
    else if (peek() !== "}") throw fail(`',' or '}' expected at ${p}`);
  }
  p++;
  space();
  if (p !== text.length) throw fail(`unexpected text after the dictionary at ${p}`);
  if (found.size !== 3) throw fail("descr, fortran_order and shape are needed");
  return {
    descr: found.get("descr") as string,
    fortran: found.get("fortran_order") as boolean,
    shape: found.get("shape") as number[],
  };
}
