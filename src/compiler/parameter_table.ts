/**
 * Per-layer parameter counts of a compiled network, for logs and reports.
 *
 * @module
 */

import type { CompiledParameters } from "./types.ts";

/** One row of {@linkcode parameterTable}. */
export interface ParameterRow {
  /** The layer's declaration path, e.g. `"generator.layers[1].layers[0]"`. */
  readonly path: string;
  /** Trainable scalars of the layer. */
  readonly params: number;
  /** Non-trainable scalars (batch-norm statistics, spectral-norm iterates). */
  readonly state: number;
}

/**
 * Groups a compiled network's variables by layer path (variable names are
 * `<layer path>/<weight>`, with `~2`, `~3` … appended when an equal name
 * was already live), in the network's order.
 *
 * @example An MLP
 * ```ts
 * import { useBackend } from "../backend/mod.ts";
 * import { networks } from "../dsl/mod.ts";
 * import { Rng } from "../random.ts";
 * import { compileNetwork } from "./compile_network.ts";
 * import { parameterTable } from "./parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const net = compileNetwork(networks.mlp({ hidden: [8], output: 2 }), [3], {
 *   rng: new Rng(0),
 *   path: "g",
 * });
 * assert.deepEqual(parameterTable(net), [
 *   { path: "g.layers[0].layers[0]", params: 3 * 8 + 8, state: 0 },
 *   { path: "g.layers[1]", params: 8 * 2 + 2, state: 0 },
 * ]);
 * net.dispose();
 * ```
 *
 * @param network A compiled network.
 * @returns One row per layer that owns variables; the params sum to
 * `network.paramCount`.
 */
export function parameterTable(network: CompiledParameters): ParameterRow[] {
  const rows = new Map<string, { params: number; state: number }>();
  const add = (name: string, size: number, key: "params" | "state") => {
    const path = name.replace(/~\d+$/, "").replace(/\/[^/]*$/, "");
    const row = rows.get(path) ?? { params: 0, state: 0 };
    row[key] += size;
    rows.set(path, row);
  };
  for (const v of network.variables) add(v.name, v.size, "params");
  for (const v of network.state) add(v.name, v.size, "state");
  return [...rows].map(([path, r]) => ({ path, ...r }));
}
