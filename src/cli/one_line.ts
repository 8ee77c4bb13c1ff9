// Text that must stay on one line: a command's error, a name that a message quotes.

/**
 * A message as one line of plain text: a newline becomes a space, and any other control or
 * line-separating character its escape (`\u001b`), so that a value quoted from a file can neither
 * break the line nor drive the terminal.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { oneLine } from "./one_line.ts";
 * assertEquals(oneLine("rows[0].na\nme: unknown key \u001b[2J"), "rows[0].na me: unknown key \\u001b[2J");
 * ```
 */
export function oneLine(message: string): string {
  return [...message.replace(/\r?\n/g, " ")].map((c) =>
    isControl(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c
  ).join("");
}

/**
 * Whether a character is a control character (C0, DEL, C1) or a line or paragraph separator:
 * none belongs in a one-line message or name.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isControl } from "./one_line.ts";
 * assertEquals(["a", "\n", "\u001b", "\u0085", "\u2028", "é"].map(isControl), [false, true, true, true, true, false]);
 * ```
 */
export function isControl(c: string): boolean {
  const n = c.charCodeAt(0);
  return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029;
}
