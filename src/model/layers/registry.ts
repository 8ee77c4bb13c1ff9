/**
 * The layer kinds a network can be built from, by name. A new kind: a file with its
 * {@linkcode LayerFactory} (and its `Layer` class), and one line here.
 *
 * @module
 */

import { CONV } from "./conv2d.ts";
import { DENSE } from "./dense.ts";
import { DROPOUT } from "./dropout.ts";
import type { LayerFactory } from "./layer.ts";
import { AVGPOOL, MAXPOOL } from "./pool.ts";
import { RD } from "./rd.ts";

/**
 * The registered layer kinds.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LAYER_KINDS } from "../../../mod.ts";
 * assertEquals(Object.keys(LAYER_KINDS), ["dense", "rd", "conv", "maxpool", "avgpool", "dropout"]);
 * ```
 */
export const LAYER_KINDS = {
  dense: DENSE,
  rd: RD,
  conv: CONV,
  maxpool: MAXPOOL,
  avgpool: AVGPOOL,
  dropout: DROPOUT,
} as const satisfies Record<string, LayerFactory>;

/**
 * A layer kind's name: `"dense"`, a full weight matrix; `"rd"`, y = D2·R·D1·x with D1 and D2
 * trainable diagonals and R a fixed random matrix (parameters n_in + n_out instead of n_in·n_out).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type LayerKind, Network } from "../../../mod.ts";
 * const layers: LayerKind[] = ["rd"];
 * assertEquals(Network.create({ sizes: [50, 10], layers }).layers[0].kind, "rd");
 * ```
 */
export type LayerKind = keyof typeof LAYER_KINDS;
