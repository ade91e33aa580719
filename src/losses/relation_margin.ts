/**
 * The margin Δ of the Relation GAN triplet loss (paper section 3.2).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  checkChoice,
  checkKeys,
  checkNumber,
  checkSameShape,
  stopGradient,
} from "./_private.ts";

/**
 * The margin Δ(a, b) by which the triplet loss asks an asymmetric pair to
 * outscore a symmetric one.
 *
 * - `{ kind: "distance", norm, scale }`: Δ(a, b) = scale · ‖a − b‖ over the
 *   flattened samples, with the L2 norm (the paper's choice, section 3.2:
 *   "we use a distance metric to replace the constant margin") or the L1
 *   norm.
 * - `{ kind: "constant", value }`: Δ = value for every pair, as in the
 *   original triplet loss (the authors' code uses 100).
 */
export type RelationMargin =
  | {
    readonly kind: "distance";
    /**
     * The norm of the difference of the flattened samples.
     *
     * @default {"l2"}
     */
    readonly norm?: "l2" | "l1";
    /**
     * The factor the distance is multiplied by.
     *
     * @default {1}
     */
    readonly scale?: number;
  }
  | {
    readonly kind: "constant";
    /**
     * The margin itself.
     *
     * @default {100}
     */
    readonly value?: number;
  };

/** A {@linkcode RelationMargin} with every default filled in. */
export type ResolvedRelationMargin =
  | {
    readonly kind: "distance";
    readonly norm: "l2" | "l1";
    readonly scale: number;
  }
  | { readonly kind: "constant"; readonly value: number };

/**
 * The margin the relation loss uses when none is declared: the L2 distance
 * between the two samples, unscaled (paper section 3.2).
 */
export const DEFAULT_RELATION_MARGIN: ResolvedRelationMargin = Object.freeze({
  kind: "distance",
  norm: "l2",
  scale: 1,
});

/** The constant margin of the authors' code, the default of `value`. */
export const DEFAULT_CONSTANT_MARGIN = 100;

/**
 * Checks a margin declaration and fills in its defaults.
 *
 * @param margin The declared margin; `undefined` gives
 * {@linkcode DEFAULT_RELATION_MARGIN}.
 * @returns The margin with every field present, frozen.
 * @throws {TypeError} When the kind or the norm is not one of the accepted
 * values, or an option is unknown.
 * @throws {RangeError} When `scale` or `value` is negative or not finite.
 *
 * @example Defaults
 * ```ts
 * import { resolveRelationMargin } from "./relation_margin.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(resolveRelationMargin({ kind: "distance", norm: "l1" }), {
 *   kind: "distance",
 *   norm: "l1",
 *   scale: 1,
 * });
 * assert.deepEqual(resolveRelationMargin({ kind: "constant" }), {
 *   kind: "constant",
 *   value: 100,
 * });
 * ```
 */
export function resolveRelationMargin(
  margin?: RelationMargin,
): ResolvedRelationMargin {
  const where = "the relation margin";
  if (margin === undefined) return DEFAULT_RELATION_MARGIN;
  if (margin === null || typeof margin !== "object") {
    throw new TypeError(
      `Cannot build ${where}: margin must be an object such as { kind: "distance", norm: "l2", scale: 1 }, current value is ${
        JSON.stringify(margin)
      }`,
    );
  }
  const kind = checkChoice(where, "margin.kind", margin.kind, [
    "distance",
    "constant",
  ]);
  if (kind === "distance") {
    const m = margin as Extract<RelationMargin, { kind: "distance" }>;
    checkKeys(where, m, ["kind", "norm", "scale"]);
    return Object.freeze({
      kind,
      norm: checkChoice(where, "margin.norm", m.norm ?? "l2", ["l2", "l1"]),
      scale: checkNumber(where, "margin.scale", m.scale ?? 1, 0),
    });
  }
  const m = margin as Extract<RelationMargin, { kind: "constant" }>;
  checkKeys(where, m, ["kind", "value"]);
  return Object.freeze({
    kind,
    value: checkNumber(
      where,
      "margin.value",
      m.value ?? DEFAULT_CONSTANT_MARGIN,
      0,
    ),
  });
}

/**
 * The per-example margin Δ(a, b) of the triplet loss, treated as data: its
 * gradient with respect to `a` and `b` is zero, so neither player's update
 * is pushed by the margin itself.
 *
 * Δ(aᵢ, bᵢ) = scale · ‖flatten(aᵢ) − flatten(bᵢ)‖₂ (or ‖·‖₁), or a
 * constant (paper section 3.2).
 *
 * @param a `[batch, ...shape]`.
 * @param b `[batch, ...shape]`, the same shape as `a`.
 * @param margin The margin; {@linkcode DEFAULT_RELATION_MARGIN} when omitted.
 * @returns `[batch]` margins.
 * @throws {TypeError} When `a` and `b` differ in shape, or the margin is
 * malformed (see {@linkcode resolveRelationMargin}).
 *
 * @example The L2 and L1 margins of two pairs
 * ```ts
 * import { relationMargin } from "./relation_margin.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const a = tf.tensor2d([[0, 0], [1, 1]]);
 * const b = tf.tensor2d([[3, 4], [1, 2]]);
 * const l2 = relationMargin(a, b);
 * const l1 = relationMargin(a, b, { kind: "distance", norm: "l1", scale: 2 });
 * assert.deepEqual(Array.from(l2.dataSync()), [5, 1]);
 * assert.deepEqual(Array.from(l1.dataSync()), [2 * 7, 2 * 1]);
 * tf.dispose([a, b, l2, l1]);
 * ```
 */
export function relationMargin(
  a: tf.Tensor,
  b: tf.Tensor,
  margin?: RelationMargin,
): tf.Tensor1D {
  const resolved = resolveRelationMargin(margin);
  const shape = checkSameShape("the relation margin", { a, b });
  const batch = shape[0];
  return tf.tidy(() => {
    if (resolved.kind === "constant") {
      return tf.fill([batch], resolved.value) as tf.Tensor1D; // [batch]
    }
    const diff = tf.reshape(
      tf.sub(stopGradient(a), stopGradient(b)),
      [batch, -1],
    ); // [batch, prod(shape)]
    const norm = resolved.norm === "l2"
      ? tf.sqrt(tf.sum(tf.square(diff), 1)) // [batch]
      : tf.sum(tf.abs(diff), 1); // [batch]
    return tf.mul(norm, resolved.scale) as tf.Tensor1D; // [batch]
  });
}
