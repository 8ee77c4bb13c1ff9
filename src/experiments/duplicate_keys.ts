// The first key an object of a JSON text gives twice. JSON.parse keeps the last value of such a
// key without a word, so a recipe with "lr" written twice would train at one rate while its reader
// sees two.

/**
 * The path of the first key that an object in `text` (valid JSON) gives twice, as the experiment
 * checks name fields (`rows[1].recipe.lr`), or undefined when every object's keys differ.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { duplicateKey } from "./duplicate_keys.ts";
 * assertEquals(duplicateKey('{"rows": [{"a": 1}, {"a": 1, "b": {"c": 2, "c": 3}}]}'), "rows[1].b.c");
 * assertEquals(duplicateKey('{"a": {"b": 1}, "c": {"b": 1}}'), undefined);
 * ```
 *
 * @param text A JSON text that `JSON.parse` accepts.
 * @returns The duplicated key's path, or undefined.
 */
export function duplicateKey(text: string): string | undefined {
  let i = 0;
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const string = (): string => {
    const start = i++; // the opening quote
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    return JSON.parse(text.slice(start, ++i));
  };
  // Each value walked once, left to right; `at` is its path.
  const value = (at: string): string | undefined => {
    space();
    if (text[i] === "{") {
      i++, space();
      if (text[i] === "}") {
        i++;
        return undefined;
      }
      const seen = new Set<string>();
      for (;;) {
        space();
        const key = string(), path = at ? `${at}.${key}` : key;
        if (seen.has(key)) return path;
        seen.add(key);
        space(), i++; // the colon
        const found = value(path);
        if (found !== undefined) return found;
        space();
        if (text[i++] === "}") return undefined; // else a comma
      }
    }
    if (text[i] === "[") {
      i++, space();
      if (text[i] === "]") {
        i++;
        return undefined;
      }
      for (let k = 0;; k++) {
        const found = value(`${at}[${k}]`);
        if (found !== undefined) return found;
        space();
        if (text[i++] === "]") return undefined;
      }
    }
    if (text[i] === '"') {
      string();
      return undefined;
    }
    while (i < text.length && !",]} \t\n\r".includes(text[i])) i++; // a number, true, false, null
    return undefined;
  };
  return value("");
}
