import { assertEquals } from "@std/assert";
import { LENET5, parseArchitecture } from "../../mod.ts";
import {
  describeLayers,
  describeNetwork,
  layerNames,
  networkLayerNames,
} from "../../src/report/layer_names.ts";

Deno.test("layers are named by kind and position among their kind, pooling as pool", () => {
  const lenet = parseArchitecture(LENET5, [1, 28, 28], 10, "relu");
  assertEquals(networkLayerNames(lenet), [
    "conv1",
    "pool1",
    "conv2",
    "pool2",
    "conv3",
    "fc1",
    "fc2",
  ]);
  assertEquals(layerNames(["avgpool", "maxpool", "dropout", "rd", "dense", "dropout"]), [
    "pool1",
    "pool2",
    "dropout1",
    "rd1",
    "fc1",
    "dropout2",
  ]);
  // Ten dense layers: fc10 after fc9, whatever their order as text.
  assertEquals(networkLayerNames({ sizes: Array.from({ length: 11 }, () => 8) }).at(-1), "fc10");
});

Deno.test("a network is described by its widths, as LeNet-5, or layer by layer", () => {
  assertEquals(
    describeNetwork({ sizes: [784, 800, 800, 10], hidden: "tanh" }),
    "784–800–800–10 (tanh)",
  );
  const lenet = parseArchitecture(LENET5, [1, 28, 28], 10, "relu");
  assertEquals(describeNetwork(lenet, LENET5), "LeNet-5 (relu)");
  assertEquals(describeNetwork(lenet, "lenet5"), "LeNet-5 (relu)");
  assertEquals(
    describeLayers(lenet),
    "conv1 6×5×5 pad 2, pool1 2×2, conv2 16×5×5, pool2 2×2, conv3 120×5×5, fc1 84, fc2 10",
  );
  const small = parseArchitecture("conv:4x3x3:s2,avgpool:1,fc:32,dropout:0.2", [1, 9, 9], 10);
  assertEquals(
    describeNetwork(small, "conv:4x3x3:s2,avgpool:1,fc:32,dropout:0.2"),
    "conv1 4×3×3 stride 2, pool1 mean 1×1, fc1 32, dropout1 0.2, fc2 10 (tanh)",
  );
});
