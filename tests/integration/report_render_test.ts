import { assert, assertEquals, assertGreater } from "@std/assert";
import { unzlibSync } from "fflate";
import { runTask } from "../_tasks.ts";

const root = new URL("../..", import.meta.url).pathname;
const CHROMIUM = Deno.env.get("DFA_CHROMIUM") ?? "/usr/bin/chromium";

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are). */
function decodePng(
  bytes: Uint8Array,
): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8, width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (p < bytes.length) {
    const len = view.getUint32(p), type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    const data = bytes.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(p + 8);
      height = view.getUint32(p + 12);
      assertEquals([data[8], data[12]], [8, 0], "8-bit, not interlaced");
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      assert(channels, `colour type ${data[9]}`);
    } else if (type === "IDAT") idat.push(data);
    p += 12 + len;
  }
  const raw = unzlibSync(new Uint8Array(idat.flatMap((d) => [...d])));
  const stride = width * channels, out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)],
      line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[y * stride + x] = (line[x] + pred) & 255;
    }
  }
  return { width, height, channels, pixels: out };
}

Deno.test("the HTML report renders in headless Chromium with every plotted series", async () => {
  const dir = `data/test-render-${crypto.randomUUID().slice(0, 8)}`;
  const profile = await Deno.makeTempDir();
  try {
    const r = await runTask("mnist", [
      ...["--preset", "seed", "--epochs", "3", "--train-samples", "3000", "--test-samples", "1000"],
      ...["--quiet", "--report-dir", dir],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const shot = `${profile}/report.png`;
    const c = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}/user`,
        `--screenshot=${shot}`,
        "--window-size=900,1100",
        `file://${root}/${dir}/report.html`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(c.code, 0, new TextDecoder().decode(c.stderr));
    const { width, height, channels, pixels } = decodePng(Deno.readFileSync(shot));
    assertEquals([width, height], [900, 1100]);
    // Each rule's colour (the same in every chart: bp the first category colour, dfa the third),
    // a solid test and a dashed training curve: both rules' lines must be drawn.
    const colours = { bp: [0x4c, 0x78, 0xa8], dfa: [0xe4, 0x57, 0x56] };
    for (const [curve, [r0, g0, b0]] of Object.entries(colours)) {
      let n = 0;
      for (let i = 0; i < width * height; i++) {
        const o = i * channels;
        if (
          Math.abs(pixels[o] - r0) < 24 && Math.abs(pixels[o + 1] - g0) < 24 &&
          Math.abs(pixels[o + 2] - b0) < 24
        ) n++;
      }
      assertGreater(n, 150, `${curve}: ${n} pixels of its colour`);
    }
  } finally {
    await Deno.remove(`${root}/${dir}`, { recursive: true }).catch(() => {});
    await Deno.remove(profile, { recursive: true });
  }
});
