import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runTask } from "../_tasks.ts";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("training scripts write their plots as SVG and one HTML report holding them", async () => {
  const dir = `data/test-report-${crypto.randomUUID().slice(0, 8)}`;
  try {
    let r = await runTask("linear-net", [
      ...["--epochs", "300", "--quiet", "--report-dir", `${dir}/linear`],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const files = [...Deno.readDirSync(`${root}/${dir}/linear`)].map((e) => e.name).sort();
    assertEquals(files, ["angle.svg", "cost.svg", "criterion.svg", "report.html"]);
    const cost = Deno.readTextFileSync(`${root}/${dir}/linear/cost.svg`);
    assert(cost.startsWith("<svg"), "an SVG document");
    // The plotted series: one line through the reported epochs, with its legend and axis titles.
    assertStringIncludes(cost, "Cost");
    assertStringIncludes(cost, ">DFA<");
    assertStringIncludes(cost, ">epoch<");
    const line = /<path[^>]*d="M([^"]+)"/.exec(cost.slice(cost.indexOf("mark-line")))?.[1] ?? "";
    assert(line.split("L").length >= 20, `a line of ${line.split("L").length} points`);
    const html = Deno.readTextFileSync(`${root}/${dir}/linear/report.html`);
    for (const id of ["cost", "criterion", "angle"]) {
      assertStringIncludes(html, `<section id="${id}">`);
    }
    assertEquals(html.match(/<svg/g)?.length, 3);
    // The title says what was trained: the net's widths, the rule and the optimiser.
    assertStringIncludes(html, "<h1>The linear net M = W2·W1: 10–1000–10 (linear) trained by DFA");

    r = await runTask("mnist", [
      ...["--preset", "seed", "--epochs", "2", "--train-samples", "3000", "--test-samples", "1000"],
      ...["--validation", "500", "--quiet", "--report-dir", `${dir}/mnist`],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const errors = Deno.readTextFileSync(`${root}/${dir}/mnist/errors.svg`);
    // One colour per rule, training dashed, validation dotted and test solid; whole epochs on the
    // axis.
    for (const legend of ["DFA", "BP", "train", "test", "validation"]) {
      assertStringIncludes(errors, `>${legend}<`);
    }
    assertStringIncludes(errors, 'stroke-dasharray="6,4"');
    assertStringIncludes(errors, 'stroke-dasharray="2,2"');
    const xAxis = errors.slice(errors.indexOf("X-axis titled 'epoch'"));
    const texts = [...xAxis.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    const ticks = texts.slice(0, texts.indexOf("epoch")); // the labels, then the axis title
    assert(ticks.length >= 2 && ticks.every((t) => /^\d+$/.test(t)), `epoch ticks: ${ticks}`);
    // Diagnostics as small multiples: a panel per hidden layer, a colour per rule.
    const alignmentSvg = Deno.readTextFileSync(`${root}/${dir}/mnist/alignment.svg`);
    assertStringIncludes(alignmentSvg, "Title text 'fc1'");
    assertStringIncludes(alignmentSvg, ">DFA<");
    // The title names the network and the rules; the summary, the layers by their panels' names.
    const mnistHtml = Deno.readTextFileSync(`${root}/${dir}/mnist/report.html`);
    assertStringIncludes(mnistHtml, "<h1>MNIST: 784–800–10 (");
    assert(/<h1>[^<]* trained by (DFA and BP|BP and DFA) with /.test(mnistHtml), "rules in title");
    assertStringIncludes(mnistHtml, "layers: fc1 800, fc2 10");

    r = await runTask("linear-net", [
      ...["--epochs", "20", "--quiet", "--no-report", "--report-dir", `${dir}/none`],
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(
      !(() => {
        try {
          return Deno.statSync(`${root}/${dir}/none`).isDirectory;
        } catch {
          return false;
        }
      })(),
      "--no-report writes nothing",
    );
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true }).catch(() => {});
  }
});
