/**
 * The siamese (contrastive) loss of the paper's ablation (table 7).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type {
  LossValue,
  PairBatch,
  PairLoss,
  RelationCritic,
} from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkKeys,
  checkNumber,
  checkReduction,
  checkSameLength,
  checkSameShape,
  reduce,
  score,
} from "./_private.ts";
import type { RelationScores } from "./relation.ts";

/** The margin of the contrastive loss when none is declared. */
export const DEFAULT_SIAMESE_MARGIN = 1;

/** Options of the siamese loss functions. */
export interface SiameseOptions<R extends Reduction = "mean">
  extends ReductionOptions<R> {
  /**
   * The distance m beyond which an asymmetric pair's score stops being
   * pushed.
   *
   * @default {1}
   */
  readonly margin?: number;
}

/**
 * The siamese discriminator's contrastive loss, from relation scores.
 *
 * The paper compares its triplet loss with a siamese loss (table 7) whose
 * formulation is in its supplementary material, which we do not have. We use
 * the standard contrastive loss of Hadsell, Chopra and LeCun (2006,
 * "Dimensionality Reduction by Learning an Invariant Mapping"), treating the
 * relation score d = D(a, b) as the distance between the two samples: a
 * symmetric pair costs ½·d² (pulled to 0), an asymmetric pair costs
 * ½·[m − d]+² (pushed beyond the margin m). Summed over the pairs of the two
 * triplets of eq. 5, which share the asymmetric pair (x1, y1):
 *
 *   L_D = E[½·D(x1, x2)² + ½·D(y1, y2)² + [m − D(x1, y1)]+²]
 *
 * @param scores The three pairs' scores, each `[batch]`.
 * @param options The margin and the reduction.
 * @returns A scalar, or `[batch]` per-example values.
 * @throws {TypeError} When a score is not `[batch]` or they differ in length.
 * @throws {RangeError} When the margin is negative or not finite.
 *
 * @example
 * ```ts
 * import { siameseDiscriminatorLoss } from "./siamese.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const scores = {
 *   realReal: tf.tensor1d([2]),
 *   fakeFake: tf.tensor1d([0]),
 *   realFake: tf.tensor1d([0.5]),
 * };
 * const loss = siameseDiscriminatorLoss(scores, { margin: 1 });
 * assert.equal(loss.dataSync()[0], 0.5 * 2 ** 2 + 0 + (1 - 0.5) ** 2);
 * tf.dispose([...Object.values(scores), loss]);
 * ```
 */
export function siameseDiscriminatorLoss<R extends Reduction = "mean">(
  scores: RelationScores,
  options: SiameseOptions<R> = {},
): Reduced<R> {
  const where = "siameseDiscriminatorLoss";
  const margin = checkNumber(
    where,
    "margin",
    options.margin ?? DEFAULT_SIAMESE_MARGIN,
    0,
  );
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, {
    "scores.realReal": scores.realReal,
    "scores.fakeFake": scores.fakeFake,
    "scores.realFake": scores.realFake,
  });
  return tf.tidy(() => {
    const [realReal, fakeFake, realFake] = siameseTerms(
      scores,
      margin,
      "discriminator",
    );
    return reduce(
      tf.addN([realReal, fakeFake, realFake]) as tf.Tensor1D,
      reduction,
    );
  });
}

/**
 * The siamese generator's loss: the contrastive loss with every pair's label
 * flipped, as the relation generator reverses every pair's role. The
 * asymmetric pair is pulled to 0, the symmetric ones pushed beyond m:
 *
 *   L_G = E[½·[m − D(x1, x2)]+² + ½·[m − D(y1, y2)]+² + D(x1, y1)²]
 *
 * The first term does not depend on the generator; it is kept so that the
 * value mirrors {@linkcode siameseDiscriminatorLoss}. This generator side is
 * our interpretation (see {@linkcode siameseDiscriminatorLoss}).
 *
 * @param scores The three pairs' scores, each `[batch]`.
 * @param options The margin and the reduction.
 * @returns A scalar, or `[batch]` per-example values.
 * @throws {TypeError} When a score is not `[batch]` or they differ in length.
 * @throws {RangeError} When the margin is negative or not finite.
 *
 * @example
 * ```ts
 * import { siameseGeneratorLoss } from "./siamese.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const scores = {
 *   realReal: tf.tensor1d([2]),
 *   fakeFake: tf.tensor1d([0]),
 *   realFake: tf.tensor1d([0.5]),
 * };
 * const loss = siameseGeneratorLoss(scores, { margin: 1 });
 * assert.equal(loss.dataSync()[0], 0 + 0.5 * 1 ** 2 + 0.5 ** 2);
 * tf.dispose([...Object.values(scores), loss]);
 * ```
 */
export function siameseGeneratorLoss<R extends Reduction = "mean">(
  scores: RelationScores,
  options: SiameseOptions<R> = {},
): Reduced<R> {
  const where = "siameseGeneratorLoss";
  const margin = checkNumber(
    where,
    "margin",
    options.margin ?? DEFAULT_SIAMESE_MARGIN,
    0,
  );
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, {
    "scores.realReal": scores.realReal,
    "scores.fakeFake": scores.fakeFake,
    "scores.realFake": scores.realFake,
  });
  return tf.tidy(() => {
    const [realReal, fakeFake, realFake] = siameseTerms(
      scores,
      margin,
      "generator",
    );
    return reduce(
      tf.addN([realReal, fakeFake, realFake]) as tf.Tensor1D,
      reduction,
    );
  });
}

/** Per-example contrastive terms of each pair, `[batch]` each. */
function siameseTerms(
  scores: RelationScores,
  margin: number,
  side: "discriminator" | "generator",
): [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  const near = (d: tf.Tensor1D) => tf.mul(tf.square(d), 0.5) as tf.Tensor1D; // [batch]
  const far = (d: tf.Tensor1D) =>
    tf.mul(tf.square(tf.relu(tf.sub(margin, d))), 0.5) as tf.Tensor1D; // [batch]
  // The asymmetric pair appears in both triplets, hence twice ½·(...)².
  const twice = (t: tf.Tensor1D) => tf.mul(t, 2) as tf.Tensor1D;
  if (side === "discriminator") {
    return [
      near(scores.realReal),
      near(scores.fakeFake),
      twice(far(scores.realFake)),
    ];
  }
  return [
    far(scores.realReal),
    far(scores.fakeFake),
    twice(near(scores.realFake)),
  ];
}

/** Options of {@linkcode siameseLoss}. */
export interface SiameseLossOptions {
  /**
   * The contrastive margin m.
   *
   * @default {1}
   */
  readonly margin?: number;
}

/** The siamese loss, with its resolved options. */
export interface SiameseLoss extends PairLoss {
  readonly kind: "siamese";
  readonly options: { readonly margin: number };
}

/**
 * The siamese (contrastive) objective of the paper's ablation (table 7) for
 * a relation discriminator: {@linkcode siameseDiscriminatorLoss} and
 * {@linkcode siameseGeneratorLoss} on the pairs (x1, x2), (y1, y2) and
 * (x1, y1) of a {@linkcode PairBatch}. The batch is the relation loss's:
 * `fakePrev` is the previous step's generated batch (on the first step, an
 * independent batch from the current generator).
 *
 * Terms, which sum to the total: `realReal`, `fakeFake` and `realFake`, the
 * batch means of each pair's contrastive term.
 *
 * @param options The margin.
 * @returns A {@linkcode PairLoss} of kind `"siamese"`.
 * @throws {TypeError} When an option is unknown or not a number.
 * @throws {RangeError} When the margin is negative or not finite.
 *
 * @example
 * ```ts
 * import { siameseLoss } from "./siamese.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = siameseLoss({ margin: 2 });
 * const critic = (a: tf.Tensor, b: tf.Tensor) =>
 *   tf.sum(tf.sub(b, a), 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[0]]),
 *   real2: tf.tensor2d([[1]]),
 *   fake: tf.tensor2d([[0.5]]),
 *   fakePrev: tf.tensor2d([[0.5]]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * // D(x1,x2) = 1, D(y1,y2) = 0, D(x1,y1) = 0.5
 * assert.equal(total.dataSync()[0], 0.5 * 1 + 0 + (2 - 0.5) ** 2);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function siameseLoss(options: SiameseLossOptions = {}): SiameseLoss {
  const where = "siameseLoss";
  checkKeys(where, options, ["margin"], "siamese");
  const margin = checkNumber(
    where,
    "margin",
    options.margin ?? DEFAULT_SIAMESE_MARGIN,
    0,
  );

  function side(
    critic: RelationCritic,
    batch: PairBatch,
    name: "discriminator" | "generator",
  ): LossValue {
    return tf.tidy(() => {
      const at = `${where} (${name})`;
      const n = checkSameShape(at, {
        "batch.real": batch.real,
        "batch.real2": batch.real2,
        "batch.fake": batch.fake,
        "batch.fakePrev": batch.fakePrev,
      })[0];
      const scores: RelationScores = {
        realReal: score(at, "D(x1, x2)", critic(batch.real, batch.real2), n), // [batch]
        fakeFake: score(at, "D(y1, y2)", critic(batch.fake, batch.fakePrev), n), // [batch]
        realFake: score(at, "D(x1, y1)", critic(batch.real, batch.fake), n), // [batch]
      };
      const [realReal, fakeFake, realFake] = siameseTerms(scores, margin, name)
        .map((t) => tf.mean(t) as tf.Scalar); // [] each
      return {
        total: tf.addN([realReal, fakeFake, realFake]) as tf.Scalar,
        terms: { realReal, fakeFake, realFake },
      };
    });
  }

  return Object.freeze({
    input: "pair" as const,
    kind: "siamese" as const,
    options: Object.freeze({ margin }),
    discriminator: (critic: RelationCritic, batch: PairBatch) =>
      side(critic, batch, "discriminator"),
    generator: (critic: RelationCritic, batch: PairBatch) =>
      side(critic, batch, "generator"),
  });
}
