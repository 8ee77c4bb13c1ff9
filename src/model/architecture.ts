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

import { type Activation, ACTIVATIONS } from "../kernels/activations.ts";
import { checkMemory, DEFAULT_MAX_BYTES, LAYER_BYTES } from "./memory.ts";
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
 * @param options `maxBytes`: the most bytes the parameters and one sample's activations may take
 *   (default {@linkcode DEFAULT_MAX_BYTES}); a description beyond it is refused as it is read.
 * @returns The network's parts.
 * @throws {TypeError} When the description is not a string.
 * @throws {RangeError} When the input, the classes or the activation are invalid, the
 *   description is empty or has an empty layer, a layer is unknown or does not fit what comes
 *   into it (the message names the layer), or the network would pass `maxBytes`.
 */
export function parseArchitecture(
  text: string,
  input: [number, number, number],
  classes: number,
  activation: Activation = "tanh",
  options: { maxBytes?: number } = {},
): Architecture {
  if (typeof text !== "string") {
    throw new TypeError(`Cannot build a network: the description must be a string: ${text}`);
  }
  const whole = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 1;
  if (!Array.isArray(input) || input.length !== 3 || !input.every(whole)) {
    throw new RangeError(
      `Cannot build "${text}": the input must be three positive integers (channels, height, ` +
        `width): ${JSON.stringify(input)}`,
    );
  }
  if (!whole(classes)) {
    throw new RangeError(`Cannot build "${text}": classes must be a positive integer: ${classes}`);
  }
  if (!ACTIVATIONS.includes(activation)) {
    throw new RangeError(
      `Cannot build "${text}": the activation must be one of ${ACTIVATIONS.join(", ")}: ` +
        activation,
    );
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.trim() === "") {
    throw new RangeError(
      `Cannot build a network from an empty description: ${JSON.stringify(text)}`,
    );
  }
  // What the layers read so far take: parameters (five floats each with gradient, copy and an
  // optimiser's slots), one sample's activations and δs, and a layer's own overhead.
  let floats = input[0] * input[1] * input[2], layers = 0;
  const out: Architecture = {
    sizes: [input[0] * input[1] * input[2]],
    layers: [],
    specs: [],
    hidden: [],
  };
  let shape: [number, number, number] = [...input];
  const sizeOf = () => shape[0] * shape[1] * shape[2];
  const add = (
    kind: LayerKind,
    next: [number, number, number],
    spec?: Partial<LayerSpec>,
    params = 0,
  ) => {
    floats += 5 * params + 2 * next[0] * next[1] * next[2];
    checkMemory(`a network of "${text}"`, 4 * floats + LAYER_BYTES * ++layers, maxBytes);
    out.layers.push(kind);
    out.specs.push(spec ? { in: shape, out: next, ...spec } : undefined);
    out.hidden.push(kind === "dense" || kind === "conv" || kind === "rd" ? activation : "linear");
    out.sizes.push(next[0] * next[1] * next[2]);
    shape = next;
  };
  const tokens = text.split(",").map((t) => t.trim());
  tokens.forEach((token, i) => {
    const fail = (why: string): never => {
      throw new RangeError(`Cannot build ${token} (layer ${i + 1} of "${text}"): ${why}`);
    };
    if (token === "") {
      throw new RangeError(`Cannot build layer ${i + 1} of "${text}": it is empty`);
    }
    const [name, ...parts] = token.split(":");
    const int = (s: string | undefined, what: string) => {
      const v = Number(s);
      return s?.trim() && Number.isSafeInteger(v) && v >= 1
        ? v
        : fail(`${what} must be a positive integer: ${s ?? "none"}`);
    };
    const most = (n: number) => {
      if (parts.length > n) fail(`unexpected ':${parts.slice(n).join(":")}'`);
    };
    if (name === "flatten") return most(0);
    if (name === "fc") {
      most(1);
      const [n, r = "1", ...rest] = (parts[0] ?? "").split("x");
      if (rest.length) fail(`write fc:N or fc:NxR: ${parts[0]}`);
      const units = int(n, "the units"), repeat = int(r, "the repeat");
      for (let j = 0; j < repeat; j++) {
        add("dense", [units, 1, 1], undefined, (sizeOf() + 1) * units);
      }
      return;
    }
    if (name === "rd") {
      most(1);
      const units = int(parts[0], "the units");
      add("rd", [units, 1, 1], undefined, sizeOf() * units + sizeOf() + 2 * units);
      return;
    }
    if (name === "dropout") {
      most(1);
      const rate = parts[0]?.trim() ? Number(parts[0]) : NaN;
      if (!(rate >= 0 && rate < 1)) fail(`the rate must be in [0, 1): ${parts[0] ?? "none"}`);
      add("dropout", shape, { rate });
      return;
    }
    if (name === "pool" || name === "maxpool" || name === "avgpool") {
      most(1);
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
      add("conv", [K, span(H), span(W)], { kernel: kh, stride, pad }, (shape[0] * kh * kh + 1) * K);
      return;
    }
    fail("unknown layer (conv, pool, maxpool, avgpool, fc, rd, dropout, flatten)");
  });
  add("dense", [classes, 1, 1], undefined, (sizeOf() + 1) * classes);
  out.hidden.pop(); // the output layer's activation is the loss's
  return out;
}
