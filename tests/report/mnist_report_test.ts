import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { LENET5, parseArchitecture } from "../../mod.ts";
import { comparedWeights, mnistReport, type MnistRun } from "../../src/report/mnist_report.ts";
import { networkLayerNames } from "../../src/report/layer_names.ts";

const lenet = parseArchitecture(LENET5, [1, 28, 28], 10, "relu");

/** A run on LeNet-5 as train records it: layers 1–6, the poolings (2, 4) without an update. */
function run(rule: string, weightLayers: number[]): MnistRun {
  return {
    rule,
    testError: 0.5,
    epochs: [1, 2].map((epoch) => ({
      epoch,
      trainError: 0.6,
      testError: 0.5,
      alignment: [1, 2, 3, 4, 5, 6].map((layer) => ({
        layer,
        angle: layer === 2 || layer === 4 ? NaN : 80 + layer,
        ...(weightLayers.includes(layer) ? { weightAngle: 85, normRatio: 1.5 } : {}),
      })),
    })),
  };
}

/** The panel titles of a faceted chart's SVG, in the order drawn. */
const panels = (svg: string) => [...svg.matchAll(/Title text '([^']+)'/g)].map((m) => m[1]);

Deno.test("the mnist report names each panel by the layer's kind and position, the same in every chart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // FA compares layer k+1's weights (where one exists), DFA the product of all above.
    const path = await mnistReport(dir, "MNIST: LeNet-5", [
      run("fa", [2, 4, 5, 6]),
      run("dfa", [4, 5, 6]),
    ], lenet);
    const alignment = Deno.readTextFileSync(`${dir}/alignment.svg`);
    assertEquals(panels(alignment).filter((t) => !t.startsWith("Angle")), [
      "conv1",
      "conv2",
      "conv3",
      "fc1",
    ]);
    const weights = Deno.readTextFileSync(`${dir}/weight-angle.svg`);
    assertEquals(panels(weights).filter((t) => !t.startsWith("Angle")), [
      "conv2",
      "conv3",
      "fc2·fc1·conv3",
      "fc1",
      "fc2·fc1",
      "fc2",
    ]);
    const html = Deno.readTextFileSync(path);
    assert(
      !/hidden layer|pool\d/.test(alignment + weights),
      "no numbered hidden layers, no pooling panel",
    );
    assertStringIncludes(html, "<h1>MNIST: LeNet-5</h1>");
    assertStringIncludes(html, "layers: conv1 6×5×5 pad 2, pool1 2×2, conv2 16×5×5");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backward weights are compared with the layer above's, or the product above for direct rules", () => {
  const names = networkLayerNames(lenet); // conv1 pool1 conv2 pool2 conv3 fc1 fc2
  assertEquals(comparedWeights(names, 2, false), "conv2");
  assertEquals(comparedWeights(names, 6, false), "fc2");
  assertEquals(comparedWeights(names, 6, true), "fc2");
  assertEquals(comparedWeights(names, 4, true), "fc2·fc1·conv3");
});

Deno.test("a run put back to its best validation epoch says so in the summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = { ...run("dfa", []), validationEpoch: 1 };
    const html = Deno.readTextFileSync(await mnistReport(dir, "MNIST", [r]));
    assertStringIncludes(html, "after 2 epochs (the net of epoch 1, the best on validation)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
