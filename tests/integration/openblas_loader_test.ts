import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { KNOWN_OPENBLAS_PATHS, openOpenBlas } from "../../src/native/mod.ts";

const root = new URL("../..", import.meta.url);

const modUrl = new URL("../../src/native/mod.ts", import.meta.url).href;

/** Runs `code` (which imports from "MOD") in a child Deno with the given permission flags. */
async function runDeno(flags: string[], code: string, env: Record<string, string> = {}) {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, code.replaceAll('"MOD"', JSON.stringify(modUrl)));
  const args = [...flags, file];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--quiet", ...args],
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const probe = `import { getBlas } from "MOD";
try { console.log("threads", getBlas().threads); }
catch (e) { console.log(e.name + ": " + e.message); Deno.exitCode = 3; }`;

Deno.test("a missing library gives one error listing every path tried and the fix", () => {
  const paths = ["/nonexistent/libopenblas.so.0", "/also/missing/libopenblas.so"];
  const e = assertThrows(() => openOpenBlas({ paths }), Deno.errors.NotFound);
  for (const p of paths) assertStringIncludes(e.message, p);
  assertStringIncludes(e.message, "libopenblas0-pthread");
  assertStringIncludes(e.message, "DFA_OPENBLAS_PATH");
  assertStringIncludes(e.message, "--allow-ffi=");
});

Deno.test("the environment override is tried first, then the known paths", async () => {
  const bogus = "/nowhere/libopenblas.so";
  const code = `import { candidateOpenBlasPaths, getBlas } from "MOD";
console.log(candidateOpenBlasPaths()[0], getBlas().threads >= 1);`;
  const r = await runDeno(["--allow-ffi", "--allow-env=DFA_OPENBLAS_PATH"], code, {
    DFA_OPENBLAS_PATH: bogus,
  });
  // The override fails to load, and the known Debian path still does.
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertEquals(r.stdout.trim(), `${bogus} true`);
  const e = assertThrows(() => openOpenBlas({ paths: [bogus] }), Deno.errors.NotFound);
  assertStringIncludes(e.message.split("\n")[2], bogus);
});

Deno.test("a run without FFI permission gives an error that names the flag", async () => {
  const r = await runDeno([], probe);
  assertEquals(r.code, 3, r.stdout + r.stderr);
  assertStringIncludes(r.stdout, "NotCapable");
  assertStringIncludes(r.stdout, "--allow-ffi=");
  assertEquals(r.stderr, "");
});

Deno.test("the library loads under --allow-ffi scoped to its absolute path", async () => {
  const lib = KNOWN_OPENBLAS_PATHS[0];
  const r = await runDeno([`--allow-ffi=${lib}`], probe);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertStringIncludes(r.stdout, "threads");
});

Deno.test("a GEMM shape error in a child process is a RangeError, not a crash", async () => {
  const code = `import { getBlas } from "MOD";
try { getBlas().sgemm(false, false, 100, 100, 100, 1, new Float32Array(10), 100,
  new Float32Array(10), 100, 0, new Float32Array(10), 100); }
catch (e) { console.log(e.name); }`;
  const r = await runDeno([`--allow-ffi=${KNOWN_OPENBLAS_PATHS[0]}`], code);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout.trim(), "RangeError");
});

Deno.test("Blas.core names OpenBLAS's kernels under scoped FFI, as its own C string says", async () => {
  const lib = KNOWN_OPENBLAS_PATHS[0];
  const r = await runDeno(
    [`--allow-ffi=${lib}`],
    `import { getBlas } from "MOD"; console.log(JSON.stringify(getBlas().core));`,
  );
  assertEquals(r.code, 0, r.stdout + r.stderr);
  // The same name read straight from the pointer, which only unscoped --allow-ffi may do.
  const direct = Deno.dlopen(lib, {
    openblas_get_corename: { parameters: [], result: "pointer" },
  });
  try {
    const name = Deno.UnsafePointerView.getCString(direct.symbols.openblas_get_corename()!);
    assertEquals(JSON.parse(r.stdout), name);
    assert(name.length > 0, "an empty name");
  } finally {
    direct.close();
  }
});
