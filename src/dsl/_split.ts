/**
 * Splitting a discriminator trunk into the embedding and relation modules
 * of a relation discriminator (paper section 3.1, table 8's `n + m`).
 *
 * @module
 */

import { built } from "./_build.ts";
import { layers } from "./layers.ts";
import type {
  MergeKind,
  RelationDiscriminatorDecl,
  SequentialDecl,
} from "./types.ts";

/** How a discriminator builder turns its trunk into a relation discriminator. */
export interface RelationOptions {
  /** How the two samples meet (paper figure 1 uses `concat`; the authors' code `sum`). */
  readonly merge: MergeKind;
  /**
   * Number of trunk blocks in the embedding module; the rest form the
   * relation module (table 8's `n + m`). Must be 0 for `packed`.
   * @default {all blocks but the last} for concat/sum, 0 for packed
   */
  readonly split?: number;
}

/**
 * Builds a relation discriminator from a trunk and a head.
 *
 * @param trunk The blocks to split.
 * @param head The scalar head.
 * @param options Merge and split.
 */
export function splitTrunk(
  trunk: SequentialDecl,
  head: SequentialDecl,
  options: RelationOptions,
): RelationDiscriminatorDecl {
  const n = trunk.layers.length;
  const split = options.split ??
    (options.merge === "packed" ? 0 : Math.max(n - 1, 0));
  if (!Number.isInteger(split) || split < 0 || split > n) {
    throw new RangeError(
      `Cannot split the trunk into embedding and relation modules: split must be an integer in [0, ${n}] (the trunk has ${n} blocks), current value is ${split}`,
    );
  }
  if (options.merge === "packed") {
    if (split !== 0) {
      throw new RangeError(
        `Cannot build a packed relation discriminator with an embedding module: merge "packed" stacks both samples at the input, so split must be 0, current value is ${split}`,
      );
    }
    return built("discriminator", {
      kind: "relation",
      merge: "packed",
      relation: trunk,
      head,
    });
  }
  return built("discriminator", {
    kind: "relation",
    merge: options.merge,
    embedding: layers.sequential(trunk.layers.slice(0, split)),
    relation: layers.sequential(trunk.layers.slice(split)),
    head,
  });
}
