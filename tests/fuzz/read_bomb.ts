// Reads one file in a fresh process and reports the outcome and the memory the read took:
//   deno run -A tests/fuzz/read_bomb.ts FILE   → {"outcome", "seconds", "extraRss"}
import { DataFormatError } from "../../mod.ts";
import { loadIdx, loadNpz } from "../../src/io/mod.ts";

const hwm = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))![1]) * 1024;
const path = Deno.args[0], before = hwm(), t0 = performance.now();
let outcome: string;
try {
  const arrays = path.endsWith(".npz") ? loadNpz(path) : { x: loadIdx(path) };
  outcome = `read ${Object.values(arrays).map((a) => a.data.byteLength).join(",")} bytes`;
} catch (error) {
  outcome = error instanceof DataFormatError && error.message.includes(path)
    ? `refused: ${error.message}`
    : `FAILED: ${(error as Error).name}: ${(error as Error).message}`;
}
console.log(JSON.stringify({
  outcome,
  seconds: (performance.now() - t0) / 1000,
  extraRss: hwm() - before,
}));
