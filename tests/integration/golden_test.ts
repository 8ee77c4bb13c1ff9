// The engine is held bit for bit to the weights it computed when tests/golden/checksums.json was
// recorded: dense BP, FA and DFA nets, three-layer nets, SGD, momentum, RMSprop and Adam, RD layers
// under BP and DFA, an MNIST epoch of the seed preset and two weak learners of each kind. OpenBLAS
// runs with 2 threads. The bits depend on the CPU kernels OpenBLAS picks (its core), so the file
// holds one set per core: Prescott's was recorded before the engine was reshaped into layers (and
// still holds); the others were recorded from a commit whose Prescott set held, by running
// `compute.ts --write` with OPENBLAS_CORETYPE set by hand for each core an AMD EPYC of the 13th
// session could run, 12 more (never in this test: it takes the core the machine gives).
import { assert, assertEquals } from "@std/assert";
import { runDeno } from "../_tasks.ts";

Deno.test("trained weights and weak-learner outputs are bit-identical to the recorded ones", async () => {
  const r = await runDeno([
    "run",
    "--allow-read",
    "--allow-ffi",
    "--allow-env",
    "tests/golden/compute.ts",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const { core, checksums } = JSON.parse(r.stdout);
  const recorded = JSON.parse(
    Deno.readTextFileSync(new URL("../golden/checksums.json", import.meta.url)),
  );
  assert(
    core in recorded,
    `Cannot compare with recorded weights: none for OpenBLAS core ${core} (recorded: ${
      Object.keys(recorded).join(", ")
    }); record them with deno run --allow-read --allow-write --allow-ffi --allow-env tests/golden/compute.ts --write`,
  );
  assertEquals(checksums, recorded[core]);
});
