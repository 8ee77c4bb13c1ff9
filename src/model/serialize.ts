/**
 * Networks as arrays and `.npz` files that NumPy opens: `config` (the JSON configuration as uint8
 * bytes; in NumPy, `bytes(z["config"]).decode()`), each layer's arrays (`W1`, `b1`, …; an RD
 * layer's `D1_k`, `D2_k`, `BRk`, its R as `Wk`), and the rule's feedback matrices `B1`, `B2`, ….
 *
 * @module
 */

import { DataFormatError, type NdArray, ndarray } from "../io/ndarray.ts";
import { loadNpz, type NpzArrays, saveNpz } from "../io/npz.ts";
import type { LayerInit } from "./layers/layer.ts";
import { LAYER_KINDS } from "./layers/registry.ts";
import { Matrix } from "../tensor/matrix.ts";
import { Network } from "./network.ts";
import { networkConfig } from "./network_config.ts";
import { feedbackShape, weightShapes } from "./shapes.ts";
import { FEEDBACK_RULES } from "./rules/registry.ts";

/**
 * A network's parameters and configuration as arrays (views of its buffers, not copies).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { networkToArrays } from "./mod.ts";
 * assertEquals(Object.keys(networkToArrays(Network.create({ sizes: [3, 4, 2] }))), [ "config", "W1", "b1", "W2", "b2", "B1" ]);
 * ```
 *
 * @param net The network.
 * @returns The arrays by name.
 */
export function networkToArrays(net: Network): NpzArrays {
  const json = new TextEncoder().encode(JSON.stringify(net.config));
  const out: NpzArrays = { config: ndarray("uint8", [json.length], json) };
  for (const layer of net.layers) Object.assign(out, layer.arrays());
  net.feedback.forEach((f, k) => out[`B${k + 1}`] = ndarray("float32", [f.rows, f.cols], f.data));
  return out;
}

/**
 * A network from {@linkcode networkToArrays}'s arrays.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Network } from "../../mod.ts";
 * import { networkFromArrays, networkToArrays } from "./mod.ts";
 * const net = Network.create({ sizes: [3, 2], layers: ["rd"], rule: "dfa", seed: 1 });
 * assertEquals(networkFromArrays(networkToArrays(net)).layers[0].kind, "rd");
 * ```
 *
 * @param arrays The arrays.
 * @param where Where they came from, for error messages.
 * @returns The network.
 * @throws {DataFormatError} When an array is missing or misshapen, or the configuration invalid.
 */
export function networkFromArrays(arrays: NpzArrays, where = "the arrays"): Network {
  const fail = (why: string) => new DataFormatError(`Cannot load a network from ${where}: ${why}`);
  const get = (k: string): NdArray => {
    const a = arrays[k];
    if (!a) throw fail(`'${k}' is missing`);
    if (k !== "config" && a.dtype !== "float32") throw fail(`'${k}' must be float32: ${a.dtype}`);
    return a;
  };
  const mat = (k: string) => {
    const a = get(k);
    if (a.shape.length !== 2) throw fail(`'${k}' must be a 2-D float32 array`);
    return new Matrix(a.shape[0], a.shape[1], a.data as Float32Array);
  };
  try {
    // Validated, with the defaults of what older files lack (their layers were all dense).
    const config = networkConfig(
      JSON.parse(new TextDecoder().decode(get("config").data as Uint8Array)),
    );
    const { sizes } = config, L = sizes.length - 1, rule = FEEDBACK_RULES[config.rule];
    const shapes = weightShapes(config);
    const layers = config.layers.map((kind, k): LayerInit => {
      const weightless = shapes[k][0] * shapes[k][1] === 0; // pooling, dropout: nothing saved
      const init: LayerInit = {
        index: k,
        inputs: sizes[k],
        outputs: sizes[k + 1],
        classes: sizes[L],
        hasBias: config.bias,
        weight: weightless ? new Matrix(...shapes[k]) : mat(`W${k + 1}`),
        bias: weightless ? new Float32Array(0) : get(`b${k + 1}`).data as Float32Array,
        extra: {},
        spec: config.specs?.[k],
      };
      const factory = LAYER_KINDS[kind];
      factory.load(get, init, rule.direct && factory.directFeedback);
      return init;
    });
    const feedback = sizes.slice(1, L).flatMap((_, k) =>
      feedbackShape(config, k, shapes) ? [mat(`B${k + 1}`)] : []
    );
    return new Network(config, layers, feedback);
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    throw fail((error as Error).message);
  }
}

/**
 * Saves a network as an `.npz` file that NumPy opens (atomically).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNpz } from "../io/mod.ts";
 * import { Network, saveNetwork } from "../../mod.ts";
 * const path = `${await Deno.makeTempDir()}/net.npz`;
 * saveNetwork(Network.create({ sizes: [784, 800, 10] }), path);
 * assertEquals(loadNpz(path).W1.shape, [800, 784]);
 * ```
 *
 * @param net The network.
 * @param path The file.
 */
export function saveNetwork(net: Network, path: string): void {
  saveNpz(path, networkToArrays(net));
}

/**
 * Loads a network saved by {@linkcode saveNetwork}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadNetwork, Network, saveNetwork } from "../../mod.ts";
 * const path = `${await Deno.makeTempDir()}/net.npz`;
 * saveNetwork(Network.create({ sizes: [784, 800, 10], rule: "fa" }), path);
 * assertEquals(loadNetwork(path).sizes, [784, 800, 10]);
 * assertEquals(loadNetwork(path).rule, "fa");
 * ```
 *
 * @param path The file.
 * @returns The network.
 * @throws {DataFormatError} When the file is not a saved network.
 */
export function loadNetwork(path: string): Network {
  return networkFromArrays(loadNpz(path), path);
}
