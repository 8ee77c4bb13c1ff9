import { assert, assertEquals } from "@std/assert";
import { activate, fastTanh, multiplyDerivative } from "../../src/kernels/mod.ts";
import { activationNaive } from "../../src/testing/mod.ts";
import { ACTIVATIONS } from "../../src/model/mod.ts";
import { Rng } from "../../src/tensor/mod.ts";
import { Arena } from "../../src/kernels/arena.ts";
import { activateIn, multiplyDerivativeIn } from "../../src/kernels/activation_kernels.ts";
import { KERNELS_WASM_BASE64 } from "../../src/kernels/kernels_wasm.ts";
import { assembleKernels } from "../../src/kernels/assemble_wasm.ts";

Deno.test("the embedded WebAssembly is what wasm/kernels.wat assembles to", async () => {
  const bytes = await assembleKernels();
  assertEquals(btoa(String.fromCharCode(...bytes)), KERNELS_WASM_BASE64);
});

Deno.test("fastTanh stays within 3e-7 of Math.tanh", () => {
  let worst = 0;
  for (let x = -20; x <= 20; x += 1e-3) {
    worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
  }
  assert(worst < 3e-7, `${worst}`);
  assertEquals(fastTanh(0), 0);
});

Deno.test("SIMD kernels match the naive activations and derivatives", async (t) => {
  const rng = new Rng(8);
  const k = new Arena(4096);
  assert(k.simd, "WebAssembly SIMD is available");
  for (const kind of ACTIVATIONS) {
    await t.step(kind, () => {
      for (const n of [1, 3, 8, 13, 100]) {
        const src = Float32Array.from({ length: n }, (_, i) => (i === 0 ? 0 : rng.normal() * 4));
        const a = k.alloc(n);
        a.set(src);
        activateIn(k, kind, a, n);
        src.forEach((x, i) =>
          assert(Math.abs(a[i] - activationNaive(kind, x)) < 1e-6, `${kind}(${x}) = ${a[i]}`)
        );
        // The scalar path agrees too.
        const s = src.slice();
        activate(kind, s, n);
        s.forEach((v, i) => assert(Math.abs(v - a[i]) < 1e-6));
        // Derivative through the outputs.
        const g = k.alloc(n), g2 = new Float32Array(n);
        g.fill(1.5);
        g2.fill(1.5);
        multiplyDerivativeIn(k, kind, a, g, n);
        multiplyDerivative(kind, a.slice(), g2, n);
        const h = 1e-3;
        src.forEach((x, i) => {
          if (kind === "relu" && Math.abs(x) < h) return;
          const fd = (activationNaive(kind, x + h) - activationNaive(kind, x - h)) / (2 * h);
          assert(Math.abs(g[i] - 1.5 * fd) < 1e-4, `${kind}'(${x}): ${g[i] / 1.5} vs ${fd}`);
          assert(Math.abs(g2[i] - g[i]) < 1e-6);
        });
      }
    });
  }
  await t.step("elements past n are untouched", () => {
    const a = k.alloc(8);
    a.fill(-2);
    activateIn(k, "relu", a, 3);
    assertEquals(Array.from(a), [0, 0, 0, -2, -2, -2, -2, -2]);
    const b = k.alloc(16);
    b.fill(-2);
    activateIn(k, "tanh", b, 11);
    assertEquals(Array.from(b.subarray(11)), [-2, -2, -2, -2, -2]);
  });
});
