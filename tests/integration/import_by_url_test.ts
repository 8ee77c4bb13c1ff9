import { assertEquals, assertStringIncludes } from "@std/assert";

const root = new URL("../..", import.meta.url).pathname;

Deno.test("mod.ts imported by URL, without the project's deno.json, trains a network", async () => {
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: () => {},
  }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path.includes("..")) return new Response("no", { status: 403 });
    try {
      return new Response(await Deno.readFile(root + path), {
        headers: { "content-type": "application/typescript" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const host = `127.0.0.1:${server.addr.port}`;
  const dir = await Deno.makeTempDir(); // no config file here
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `import { Matrix, Network, rowArgmax, train } from "http://${host}/mod.ts";
const x = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Matrix.from([[1, 0], [0, 1], [0, 1], [1, 0]]);
const net = Network.create({ sizes: [2, 16, 2], init: "xavier", seed: 2 });
const r = train(net, { x, y, labels: rowArgmax(y) }, { epochs: 200, batchSize: 4, optimizer: { name: "adam", lr: 0.02 } });
console.log("train error", r.epochs.at(-1)!.trainError);`,
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-config",
        `--allow-import=${host}`,
        "--allow-ffi=/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
        "--allow-env=DFA_OPENBLAS_PATH,DFA_THREADS",
        "main.ts",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout),
      stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assertStringIncludes(stdout, "train error 0");
  } finally {
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
