// Assembles wasm/kernels.wat with wabt (from npm) into src/kernels/kernels_wasm.ts, the embedded module.
// Run: deno task build:wasm. tests/kernels_test.ts checks that the embedded bytes match the source.
import { assembleKernels, kernelsModuleSource } from "../src/kernels/assemble_wasm.ts";

const bytes = await assembleKernels();
const out = new URL("../src/kernels/kernels_wasm.ts", import.meta.url);
Deno.writeTextFileSync(out, kernelsModuleSource(bytes));
console.log(`Wrote ${out.pathname}: ${bytes.length} bytes of WebAssembly`);
