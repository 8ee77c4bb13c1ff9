/**
 * Networks from a description: comma-separated layers from the input up, the output layer added
 * (a dense layer to the classes). Widths and images are worked out layer by layer, and anything
 * that does not fit is refused naming the layer.
 *
 *   conv:KxHxW[:sS][:pP]   K kernels of H×W (square), stride S (1), zero padding P (0)
 *   pool:N | maxpool:N     N×N max pooling, stride N;  avgpool:N  the mean
 *   fc:N | fc:NxR          a dense layer of N units (R of them)
 *   rd:N                   an RD layer of N units (y = D2·R·D1·x: R fixed, D1 and D2 trained)
 *   dropout:R              inverted dropout of rate R
 *   flatten                accepted and ignored: activations are already flat rows (C, H, W)
 *
 * @module
 */

import type { Activation } from "../kernels/activations.ts";
import type { LayerSpec } from "./layers/layer.ts";
import type { LayerKind } from "./layers/registry.ts";

/**
 * LeNet-5 for 28×28 MNIST (biotorch's LeNet: its 32×32 input is our 28×28 padded by 2): two
 * convolutions with max pooling, a third convolution to 120 channels, 84 units, the output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LENET5, parseArchitecture } from "../../mod.ts";
 * assertEquals(parseArchitecture(LENET5, [1, 28, 28], 10).sizes, [784, 4704, 1176, 1600, 400, 120, 84, 10]);
 * ```
 */
export const LENET5 = "conv:6x5x5:p2,pool:2,conv:16x5x5,pool:2,conv:120x5x5,fc:84";

/**
 * What a description builds: the widths, each layer's kind, spec and activation (the hidden one
 * for convolutions and dense layers, linear for pooling and dropout).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Architecture, parseArchitecture } from "../../mod.ts";
 * const a: Architecture = parseArchitecture("fc:800x2,dropout:0.2", [1, 28, 28], 10);
 * assertEquals(a.layers, ["dense", "dense", "dropout", "dense"]);
 * ```
 */
export interface Architecture {
  /** Widths, input first. */
  sizes: number[];
  /** Kinds, one per layer (the output layer last). */
  layers: LayerKind[];
  /** Specs (undefined for dense layers). */
  specs: (LayerSpec | undefined)[];
  /** Activations of the hidden layers. */
  hidden: Activation[];
}

/**
 * Parses a description into the parts of a network (see the module's grammar).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network, parseArchitecture } from "../../mod.ts";
 * const a = parseArchitecture("conv:4x3x3,pool:2,fc:32", [1, 8, 8], 10, "relu");
 * assertEquals(Network.create({ ...a, rule: "dfa" }).layers.map((l) => l.kind), ["conv", "maxpool", "dense", "dense"]);
 * ```
 *
 * @param text The description.
 * @param input The input image: channels, height, width.
 * @param classes The output width.
 * @param activation The hidden layers' activation.
 * @returns The network's parts.
 * @throws {RangeError} When a layer is unknown or does not fit what comes into it; the message
 *   names the layer.
 */
export function parseArchitecture(
  text: string,
  input: [number, number, number],
  classes: number,
  activation: Activation = "tanh",
): Architecture {
  const out: Architecture = {
    sizes: [input[0] * input[1] * input[2]],
    layers: [],
    specs: [],
    hidden: [],
  };
  let shape: [number, number, number] = [...input];
  const add = (kind: LayerKind, next: [number, number, number], spec?: Partial<LayerSpec>) => {
    out.layers.push(kind);
    out.specs.push(spec ? { in: shape, out: next, ...spec } : undefined);
    out.hidden.push(kind === "dense" || kind === "conv" || kind === "rd" ? activation : "linear");
    out.sizes.push(next[0] * next[1] * next[2]);
    shape = next;
  };
  const tokens = text.split(",").map((t) => t.trim()).filter(Boolean);
  tokens.forEach((token, i) => {
    const fail = (why: string): never => {
      throw new RangeError(`Cannot build ${token} (layer ${i + 1} of "${text}"): ${why}`);
    };
    const [name, ...parts] = token.split(":");
    const int = (s: string | undefined, what: string) => {
      const v = Number(s);
      return Number.isInteger(v) && v >= 1 ? v : fail(`${what} must be a positive integer: ${s}`);
    };
    if (name === "flatten") return;
    if (name === "fc") {
      const [n, r = "1"] = (parts[0] ?? "").split("x");
      const units = int(n, "the units"), repeat = int(r, "the repeat");
      for (let j = 0; j < repeat; j++) add("dense", [units, 1, 1]);
      return;
    }
    if (name === "rd") {
      add("rd", [int(parts[0], "the units"), 1, 1]);
      return;
    }
    if (name === "dropout") {
      const rate = Number(parts[0]);
      if (!(rate >= 0 && rate < 1)) fail(`the rate must be in [0, 1): ${parts[0]}`);
      add("dropout", shape, { rate });
      return;
    }
    if (name === "pool" || name === "maxpool" || name === "avgpool") {
      const k = int(parts[0], "the window");
      const [C, H, W] = shape;
      if (H % k || W % k) fail(`a ${k}×${k} pool does not divide a ${H}×${W} image`);
      add(name === "avgpool" ? "avgpool" : "maxpool", [C, H / k, W / k], { kernel: k, stride: k });
      return;
    }
    if (name === "conv") {
      const dims = (parts[0] ?? "").split("x");
      if (dims.length !== 3) fail("write conv:KxHxW (kernels × height × width)");
      const [K, kh, kw] = dims.map((d, j) => int(d, ["the kernels", "the height", "the width"][j]));
      if (kh !== kw) fail(`kernels must be square: ${kh}×${kw}`);
      let stride = 1, pad = 0;
      for (const opt of parts.slice(1)) {
        if (/^s\d+$/.test(opt)) stride = int(opt.slice(1), "the stride");
        else if (/^p\d+$/.test(opt)) pad = Number(opt.slice(1));
        else fail(`unknown option '${opt}' (sN: stride, pN: padding)`);
      }
      const [, H, W] = shape, span = (n: number) => (n + 2 * pad - kh) / stride + 1;
      if (kh > H + 2 * pad || kh > W + 2 * pad) {
        fail(`a ${kh}×${kh} kernel is larger than the ${H}×${W} image it gets (padding ${pad})`);
      }
      if (!Number.isInteger(span(H)) || !Number.isInteger(span(W))) {
        fail(`stride ${stride} does not fit a ${kh}×${kh} kernel to a ${H}×${W} image`);
      }
      add("conv", [K, span(H), span(W)], { kernel: kh, stride, pad });
      return;
    }
    fail("unknown layer (conv, pool, maxpool, avgpool, fc, rd, dropout, flatten)");
  });
  add("dense", [classes, 1, 1]);
  out.hidden.pop(); // the output layer's activation is the loss's
  return out;
}
