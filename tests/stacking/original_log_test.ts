// Reading the original program's output, for the study's records.
import { assertEquals, assertThrows } from "@std/assert";
import { parseOriginalLog } from "../../src/stacking/mod.ts";

Deno.test("the original's output gives its last training error, its epochs and its test error", () => {
  const log = Array.from(
    { length: 3 },
    (_, i) => `Loss at epoch ${i + 1} : 0.0${5 - i}\nTraining error: 0.1${3 - i}`,
  ).join("\n") + "\nTest error: 12.790000000000001 %\n";
  assertEquals(parseOriginalLog(log, "dense-1.log"), {
    testError: 0.1279,
    trainError: 0.11,
    epochs: 3,
  });
});

Deno.test("an unfinished run of the original is refused, naming its file", () => {
  assertThrows(
    () => parseOriginalLog("Loss at epoch 1 : 0.05\nTraining error: 0.2\n", "rd-4.log"),
    SyntaxError,
    "rd-4.log",
  );
});
