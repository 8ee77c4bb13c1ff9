// What a report calls each layer of a network and the network itself: one name per layer, by kind
// and position (conv1, pool1, conv2, fc1, …), the same in every chart, summary and printed line.
import { LENET5 } from "../model/architecture.ts";

/** The short word for each layer kind: both poolings are a pool, a dense layer is fully connected. */
const SHORT: Record<string, string> = {
  dense: "fc",
  rd: "rd",
  conv: "conv",
  maxpool: "pool",
  avgpool: "pool",
  dropout: "dropout",
};

/**
 * Names the layers of a network by kind and position among the layers of that kind, counted from
 * the input: `["conv", "maxpool", "conv", "maxpool", "dense", "dense"]` gives conv1, pool1, conv2,
 * pool2, fc1, fc2 (the output layer is the last fc). Both poolings count as pool; an unknown kind
 * keeps its own name.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layerNames } from "./layer_names.ts";
 * assertEquals(
 *   layerNames(["conv", "maxpool", "conv", "avgpool", "dense", "dense"]),
 *   ["conv1", "pool1", "conv2", "pool2", "fc1", "fc2"],
 * );
 * ```
 *
 * @param kinds Each layer's kind, input side first (the output layer last).
 * @returns One name per layer.
 */
export function layerNames(kinds: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return kinds.map((kind) => {
    const short = SHORT[kind] ?? kind, n = (seen.get(short) ?? 0) + 1;
    seen.set(short, n);
    return `${short}${n}`;
  });
}

/**
 * The parts of a network a description needs (an `Architecture`, or a net's config).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type NetworkShape, networkLayerNames } from "./layer_names.ts";
 * const net: NetworkShape = { sizes: [784, 100, 10], layers: ["rd", "dense"] };
 * assertEquals(networkLayerNames(net), ["rd1", "fc1"]);
 * ```
 */
export interface NetworkShape {
  /** Widths, input first. */
  sizes: readonly number[];
  /** Each layer's kind (all dense when absent). */
  layers?: readonly string[];
  /** Each layer's spec (undefined for dense layers). */
  specs?: readonly (
    | { out: readonly number[]; kernel?: number; stride?: number; pad?: number; rate?: number }
    | undefined
  )[];
  /** The hidden layers' activation(s). */
  hidden?: string | readonly string[];
}

/**
 * Each layer of a network by its name and size: "conv1 6×5×5 pad 2, pool1 2×2, …, fc2 10"
 * (a convolution's kernels × height × width, a pooling's window, a dense layer's units).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseArchitecture } from "../../mod.ts";
 * import { describeLayers } from "./layer_names.ts";
 * const arch = parseArchitecture("conv:4x3x3,pool:2,fc:32", [1, 8, 8], 10);
 * assertEquals(describeLayers(arch), "conv1 4×3×3, pool1 2×2, fc1 32, fc2 10");
 * ```
 *
 * @param net The network's widths, kinds and specs.
 * @returns The layers in a line.
 */
export function describeLayers(net: NetworkShape): string {
  const kinds = kindsOf(net), names = layerNames(kinds);
  return kinds.map((kind, k) => {
    const spec = net.specs?.[k];
    if (kind === "conv" && spec?.kernel) {
      return `${names[k]} ${spec.out[0]}×${spec.kernel}×${spec.kernel}${
        spec.pad ? ` pad ${spec.pad}` : ""
      }${spec.stride && spec.stride > 1 ? ` stride ${spec.stride}` : ""}`;
    }
    if ((kind === "maxpool" || kind === "avgpool") && spec?.kernel) {
      return `${names[k]} ${kind === "avgpool" ? "mean " : ""}${spec.kernel}×${spec.kernel}`;
    }
    if (kind === "dropout") return `${names[k]} ${spec?.rate ?? ""}`.trimEnd();
    return `${names[k]} ${net.sizes[k + 1]}`;
  }).join(", ");
}

/**
 * The names of a network's layers (see {@linkcode layerNames}): a shape without kinds is all dense.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { networkLayerNames } from "./layer_names.ts";
 * assertEquals(networkLayerNames({ sizes: [784, 800, 800, 10] }), ["fc1", "fc2", "fc3"]);
 * ```
 *
 * @param net The network's widths and kinds.
 * @returns One name per layer, the output layer last.
 */
export function networkLayerNames(net: NetworkShape): string[] {
  return layerNames(kindsOf(net));
}

/** Each layer's kind: all dense when the shape gives none. */
function kindsOf(net: NetworkShape): readonly string[] {
  return net.layers ?? net.sizes.slice(1).map(() => "dense");
}

/**
 * Names a network in a few words, with its hidden activation: the widths of a dense net
 * ("784–800–10 (tanh)"), "LeNet-5 (relu)" when `text` is LeNet-5's description, else its layers
 * (see {@linkcode describeLayers}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeNetwork } from "./layer_names.ts";
 * assertEquals(describeNetwork({ sizes: [784, 800, 10], hidden: "tanh" }), "784–800–10 (tanh)");
 * ```
 *
 * @param net The network's widths, kinds, specs and hidden activation.
 * @param text The description it was parsed from, if any ("lenet5" names LeNet-5 too).
 * @returns The description.
 */
export function describeNetwork(net: NetworkShape, text?: string): string {
  const kinds = kindsOf(net), dense = kinds.every((k) => k === "dense");
  const hidden = [...new Set(typeof net.hidden === "string" ? [net.hidden] : net.hidden ?? [])]
    .filter((a) => a !== "linear" || dense);
  const act = hidden.length ? ` (${hidden.join(", ")})` : "";
  if (dense) return `${net.sizes.join("–")}${act}`;
  if (text === LENET5 || text === "lenet5") return `LeNet-5${act}`;
  return `${describeLayers(net)}${act}`;
}
