/** Which Python runs NumPy for the interop tests: DFA_PYTHON, else Debian's, else the PATH's. */
export async function python(): Promise<string> {
  const env = Deno.env.get("DFA_PYTHON");
  if (env) return env;
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    try {
      const r = await new Deno.Command(candidate, { args: ["-c", "import numpy"] }).output();
      if (r.success) return candidate;
    } catch { /* not there */ }
  }
  throw new Error(
    "Cannot run the NumPy interop tests: no python3 with numpy (apt-get install python3-numpy)",
  );
}

/** Runs a Python script with NumPy; throws with its output when it fails. */
export async function runPython(script: string | URL, ...args: string[]): Promise<string> {
  const path = script instanceof URL ? script.pathname : script;
  const r = await new Deno.Command(await python(), {
    args: [path, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const out = new TextDecoder().decode(r.stdout), err = new TextDecoder().decode(r.stderr);
  if (!r.success) throw new Error(`${path} failed (${r.code}):\n${out}\n${err}`);
  return out;
}

/** Runs inline Python code with NumPy and returns what it prints. */
export async function evalPython(code: string, ...args: string[]): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".py" });
  try {
    await Deno.writeTextFile(file, code);
    return await runPython(file, ...args);
  } finally {
    await Deno.remove(file);
  }
}
