/**
 * Feature networks named in declarations: an object, a path, or a tagged
 * description, resolved to a loaded {@linkcode FeatureNetwork}.
 *
 * @module
 */

import type { FeatureNetwork } from "./feature_network.ts";
import {
  type GraphFeatureNetworkOptions,
  loadGraphFeatureNetwork,
} from "./graph_feature_network.ts";
import { type InceptionV3Options, loadInceptionV3 } from "./inception_v3.ts";

/**
 * How an evaluator is told its feature network:
 * - a loaded {@linkcode FeatureNetwork} (e.g. the package's MNIST classifier);
 * - a string: the directory of the converted FID Inception-v3
 *   ({@linkcode loadInceptionV3} with defaults);
 * - `{ kind: "inception_v3", path, ...options }`;
 * - `{ kind: "graph_model", path, ...options }` for any graph model.
 */
export type FeatureNetworkSpec =
  | FeatureNetwork
  | string
  | (
    & { readonly kind: "inception_v3"; readonly path: string }
    & InceptionV3Options
  )
  | (
    & { readonly kind: "graph_model"; readonly path: string }
    & GraphFeatureNetworkOptions
  );

function isNetwork(spec: unknown): spec is FeatureNetwork {
  return typeof spec === "object" && spec !== null &&
    typeof (spec as FeatureNetwork).features === "function";
}

/**
 * Loads the network a {@linkcode FeatureNetworkSpec} names (a loaded one is
 * returned as is).
 *
 * @param spec The network, its path or its description.
 * @returns The loaded network.
 * @throws {TypeError} For a spec of an unknown kind.
 *
 * @example A loaded network passes through
 * ```ts
 * import { resolveFeatureNetwork } from "./resolve_feature_network.ts";
 * import type { FeatureNetwork } from "./feature_network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = { features: () => { throw new Error("unused"); } } as unknown as FeatureNetwork;
 * assert.equal(await resolveFeatureNetwork(net), net);
 * ```
 */
export function resolveFeatureNetwork(
  spec: FeatureNetworkSpec,
): Promise<FeatureNetwork> {
  if (isNetwork(spec)) return Promise.resolve(spec);
  if (typeof spec === "string") return loadInceptionV3(spec);
  if (typeof spec === "object" && spec !== null && "kind" in spec) {
    const { kind, path, ...options } = spec;
    if (typeof path !== "string") {
      throw new TypeError(
        `Cannot load the feature network: ${kind} needs a path string, current value is ${
          JSON.stringify(path)
        }`,
      );
    }
    switch (kind) {
      case "inception_v3":
        return loadInceptionV3(path, options as InceptionV3Options);
      case "graph_model":
        return loadGraphFeatureNetwork(
          path,
          options as GraphFeatureNetworkOptions,
        );
      default: {
        const unknown: never = kind;
        throw new TypeError(
          `Cannot load the feature network: kind "${unknown}" is not one of "inception_v3", "graph_model"`,
        );
      }
    }
  }
  throw new TypeError(
    `Cannot load the feature network: expected a FeatureNetwork, a path string or { kind, path }, current value is ${
      JSON.stringify(spec)
    }`,
  );
}
