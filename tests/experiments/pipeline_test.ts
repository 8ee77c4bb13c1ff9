import { assertEquals, assertStringIncludes } from "@std/assert";
import { ndarray } from "../../src/io/mod.ts";
import { WEAK_LEARNER_DEFAULTS } from "../../src/stacking/mod.ts";
import { pipelineReportRun, type PipelineResult } from "../../src/experiments/pipeline.ts";
import { pipelineReport } from "../../src/report/pipeline_report.ts";

/** A pipeline's result of two learners over two classes and three test images. */
function result(): PipelineResult {
  const stacked = (layer: "dense" | "rd", testError: number) => ({
    layer,
    rule: "bp" as const,
    n: 2,
    testError,
    trainError: 0.1,
    epochs: 1,
    parameters: 10,
    inputs: "standardized" as const,
    update: "exact" as const,
    bestEpoch: 1,
    history: [{ epoch: 1, loss: 0.5, trainError: 0.1, testError, seconds: 1 }],
    seconds: 1,
  });
  // (classes · learners, images): learner 1 predicts 0, 0, 1; learner 2 predicts 0, 1, 1.
  const test = ndarray("float32", [4, 3], Float32Array.of(1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1));
  return {
    seed: 7,
    n: 2,
    config: { ...WEAK_LEARNER_DEFAULTS, seed: 7, diff: true },
    steps: [{ step: "weak-learners 2", seconds: 2, result: "mean test error 20.00 %" }],
    weakLearners: {
      n: 2,
      learners: [],
      meanTestError: 0.2,
      bestTestError: 0.15,
      files: [],
      seconds: 2,
    },
    models: [stacked("dense", 0.1), stacked("rd", 0.12)],
    test,
    classes: 2,
    curve: [],
    seconds: 3,
  };
}

Deno.test("the pipeline's report shows how often two learners disagree on the test images", () => {
  const run = pipelineReportRun(result());
  // They disagree on one image of three.
  assertEquals(Array.from(run.disagreement), [0, 1 / 3, 1 / 3, 0]);
  assertEquals(run.stacked.map((m) => m.layer), ["dense", "rd"]);
  assertEquals(run.summary.length, 1);
  assertStringIncludes(run.summary[0], "weak-learners 2: mean test error 20.00 %");
});

Deno.test("the pipeline's report is titled with how the weak learners were trained and stacked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const html = Deno.readTextFileSync(await pipelineReport(dir, pipelineReportRun(result())));
    assertStringIncludes(html, "<h1>Stacking 2 weak learners: 784–");
    assertStringIncludes(html, ", each its own initialisation; stacked by BP (seed 7)</h1>");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
