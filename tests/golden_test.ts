// The engine is held bit for bit to the weights it computed when tests/golden/checksums.json was
// recorded (before it was reshaped into layers): dense BP, FA and DFA nets, three-layer nets,
// SGD, momentum, RMSprop and Adam, RD layers under BP and DFA, an MNIST epoch of the seed preset
// and two weak learners of each kind. OpenBLAS runs with 2 threads (results depend on the thread
// count, the OpenBLAS build and the CPU kernel it picks; the checksums were recorded under
// Debian's libopenblas0-pthread on this project's machines).
import { assertEquals } from "@std/assert";
import { runDeno } from "./_tasks.ts";

Deno.test("trained weights and weak-learner outputs are bit-identical to the recorded ones", async () => {
  const r = await runDeno([
    "run",
    "--allow-read",
    "--allow-ffi",
    "--allow-env",
    "tests/golden/compute.ts",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const want = JSON.parse(
    Deno.readTextFileSync(new URL("golden/checksums.json", import.meta.url)),
  );
  assertEquals(JSON.parse(r.stdout), want);
});
