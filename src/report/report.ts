// A run's report: its charts (charts.ts) as SVG files, rendered headless by Vega, and one HTML
// page that holds them, written next to the run's outputs.
import type { OptionSpec } from "../cli/options.ts";
import type { Chart } from "./charts.ts";
import { escapeHtml, markdownToHtml } from "./markdown_html.ts";

/** The --report and --report-dir options of a script whose report goes to data/reports/SCRIPT. */
export function reportOptions(script: string): OptionSpec[] {
  return [
    {
      name: "report",
      kind: "boolean",
      default: true,
      help: "write plots (SVG) and an HTML report",
    },
    {
      name: "report-dir",
      kind: "string",
      default: `data/reports/${script}`,
      help: "where the report goes",
    },
  ];
}

async function svgOf(chart: Chart): Promise<string> {
  // Loaded with the first chart drawn: a task that writes no report starts without parsing them.
  const [vega, vl] = await Promise.all([import("npm:vega@6.4.0"), import("npm:vega-lite@6.5.0")]);
  const spec = vl.compile({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: chart.title,
    data: { values: chart.values },
    ...chart.spec,
    // deno-lint-ignore no-explicit-any
  } as any).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * Writes each chart as DIR/NAME.svg and DIR/report.html holding them all, under the title, the
 * summary's lines and, where given, a Markdown text (a results table, say) rendered as HTML;
 * returns the report's path.
 */
export async function writeReport(
  dir: string,
  title: string,
  summary: string[],
  charts: Chart[],
  markdown?: string,
): Promise<string> {
  Deno.mkdirSync(dir, { recursive: true });
  const sections: string[] = [];
  for (const chart of charts) {
    const svg = await svgOf(chart);
    Deno.writeTextFileSync(`${dir}/${chart.name}.svg`, svg);
    sections.push(
      `<section id="${chart.name}">\n${svg}\n</section>`, // the title is the SVG's own: once
    );
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}section{margin:2em 0}table{border-collapse:collapse;font-size:.85em;display:block;overflow-x:auto}td,th{border:1px solid #ccc;padding:.2em .4em;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${summary.length ? `<ul>${summary.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>\n` : ""}${
    markdown ? `${markdownToHtml(markdown)}\n` : ""
  }${sections.join("\n")}
</body></html>
`;
  const path = `${dir}/report.html`;
  Deno.writeTextFileSync(path, html);
  return path;
}
