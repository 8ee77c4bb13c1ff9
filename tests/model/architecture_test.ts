// Descriptions of networks: every argument checked, empty descriptions and layers refused, and a
// description whose memory would pass the limit refused as it is read, before anything is built.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { type Activation, LENET5, Network, parseArchitecture } from "../../mod.ts";
import { DEFAULT_MAX_BYTES, networkConfig, parameterBytes } from "../../src/model/mod.ts";
import { cellRecipe, loadExperiment } from "../../src/experiments/mod.ts";

Deno.test("parseArchitecture refuses NaN, negative and fractional sizes, naming them", async (t) => {
  const cases: [() => unknown, ErrorConstructor, string][] = [
    [() => parseArchitecture("fc:8", [1, NaN, 28], 10), RangeError, "the input"],
    [() => parseArchitecture("fc:8", [1, -28, 28], 10), RangeError, "the input"],
    [() => parseArchitecture("fc:8", [1, 28, 2.5], 10), RangeError, "the input"],
    [() => parseArchitecture("fc:8", [1, 28] as never, 10), RangeError, "the input"],
    [() => parseArchitecture("fc:8", [1, 28, 28], -4), RangeError, "classes"],
    [() => parseArchitecture("fc:8", [1, 28, 28], NaN), RangeError, "classes"],
    [
      () => parseArchitecture("fc:8", [1, 28, 28], 10, "Tanh" as Activation),
      RangeError,
      "activation",
    ],
    [() => parseArchitecture(8 as unknown as string, [1, 28, 28], 10), TypeError, "description"],
    [() => parseArchitecture("fc:-8", [1, 28, 28], 10), RangeError, "units"],
    [() => parseArchitecture("fc:NaN", [1, 28, 28], 10), RangeError, "units"],
    [() => parseArchitecture("fc:8x-2", [1, 28, 28], 10), RangeError, "repeat"],
    [() => parseArchitecture("fc:8x2x3", [1, 28, 28], 10), RangeError, "fc:NxR"],
    [() => parseArchitecture("fc:8:9", [1, 28, 28], 10), RangeError, "unexpected ':9'"],
    [() => parseArchitecture("dropout:", [1, 28, 28], 10), RangeError, "rate"],
    [() => parseArchitecture("conv:-6x5x5", [1, 28, 28], 10), RangeError, "kernels"],
  ];
  for (const [make, type, text] of cases) {
    await t.step(text, () => void assertThrows(make, type, text));
  }
});

Deno.test("an empty description or an empty layer is refused, not read as no hidden layer", async (t) => {
  for (const text of ["", " ", ",", "fc:8,,fc:4", "fc:8,", ",fc:8"]) {
    await t.step(JSON.stringify(text), () => {
      assertThrows(() => parseArchitecture(text, [1, 28, 28], 10), RangeError, "empty");
    });
  }
});

Deno.test("a description too large for memory is refused at once, and maxBytes raises the limit", async (t) => {
  for (
    const text of ["conv:100000x5x5", "fc:800x100000", "fc:1x1000000000", "conv:6x5x5:p99999999"]
  ) {
    await t.step(text, () => {
      assertThrows(
        () => parseArchitecture(text, [1, 28, 28], 10),
        RangeError,
        "above the limit of 1.00",
      );
    });
  }
  await t.step("the limit is an option", () => {
    assertThrows(
      () => parseArchitecture("fc:800x2", [1, 28, 28], 10, "tanh", { maxBytes: 1e6 }),
      RangeError,
      "maxBytes",
    );
    assertEquals(
      parseArchitecture("fc:800x600", [1, 28, 28], 10, "tanh", { maxBytes: 2e10 }).sizes.length,
      602,
    );
  });
});

Deno.test("Network.create refuses a network too large before allocating it", async (t) => {
  await t.step("parameters", () => {
    assertThrows(
      () => Network.create({ sizes: [784, 100000, 100000, 10], rule: "bp" }),
      RangeError,
      "Cannot allocate a network of 3 layers (bp)",
    );
  });
  await t.step("DFA's feedback matrices of a huge convolution", () => {
    const arch = parseArchitecture("conv:100000x5x5", [1, 28, 28], 10, "tanh", { maxBytes: 1e12 });
    assertThrows(() => Network.create({ ...arch, rule: "dfa" }), RangeError, "maxBytes");
  });
  await t.step("a batch's activations, when training", () => {
    const net = Network.create({
      ...parseArchitecture("conv:3000x5x5", [1, 28, 28], 10),
      rule: "bp",
    });
    assertThrows(() => net.workspace(128), RangeError, "a workspace for batches of 128");
    assertEquals(net.workspace(8).maxBatch, 8);
    net.maxBytes = 1e6;
    assertThrows(() => net.workspace(8), RangeError, "maxBytes");
  });
});

Deno.test("every net of the experiments' tables fits the default limit at its batch size", () => {
  for (const table of ["nokland-table1", "biotorch-lenet"].map((name) => loadExperiment(name))) {
    for (const row of table.rows) {
      const batch = cellRecipe(table, row, "dfa").batch;
      const arch = parseArchitecture(row.arch, [1, 28, 28], 10, row.activation);
      const c = networkConfig({ ...arch, rule: "dfa" });
      assert(parameterBytes(c) < DEFAULT_MAX_BYTES / 4, row.name);
      const net = Network.create({ ...arch, rule: "dfa" });
      assertEquals(net.workspace(batch).maxBatch, batch, row.name);
    }
  }
  assertEquals(parseArchitecture(LENET5, [1, 28, 28], 10).sizes.at(-1), 10);
});
