/**
 * The Relation GAN triplet loss (paper sections 3.2 and 3.3).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { PairBatch, PairLoss, RelationCritic } from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkChoice,
  checkKeys,
  checkReduction,
  checkSameLength,
  checkSameShape,
  reduce,
  score,
} from "./_private.ts";
import {
  type RelationMargin,
  relationMargin,
  type ResolvedRelationMargin,
  resolveRelationMargin,
} from "./relation_margin.ts";

/**
 * Relation scores of the three pairs of a step, each `[batch]`, in the
 * notation of paper section 3.2 (x1, x2 real; y1 generated this step; y2
 * generated at the previous step). A high score means "these two samples
 * come from different distributions".
 */
export interface RelationScores {
  /** D(x1, x2): the symmetric real pair, `[batch]`. */
  readonly realReal: tf.Tensor1D;
  /** D(y1, y2): the symmetric generated pair, `[batch]`. */
  readonly fakeFake: tf.Tensor1D;
  /** D(x1, y1): the asymmetric pair, `[batch]`. */
  readonly realFake: tf.Tensor1D;
}

/** The margins of the two triplets, each `[batch]`. */
export interface RelationMargins {
  /** Δ(x2, y1), the margin of the triplet anchored on the real pair. */
  readonly realReal: tf.Tensor1D;
  /** Δ(y2, x1), the margin of the triplet anchored on the generated pair. */
  readonly fakeFake: tf.Tensor1D;
}

/**
 * Where the batch means go: `"per-sample"` hinges every example and then
 * averages (eq. 6), `"batch-mean"` averages first and hinges the means
 * (eq. 7).
 */
export type RelationForm = "per-sample" | "batch-mean";

/** Options of {@linkcode relationDiscriminatorLoss}. */
export interface RelationDiscriminatorOptions<R extends Reduction = "mean">
  extends ReductionOptions<R> {
  /**
   * Eq. 6 (`"per-sample"`) or eq. 7 (`"batch-mean"`). The batch-mean form
   * has no per-example values, so it accepts only reduction `"mean"`.
   *
   * @default {"per-sample"}
   */
  readonly form?: RelationForm;
}

const FORMS: readonly RelationForm[] = ["per-sample", "batch-mean"];

/**
 * The relation discriminator's triplet loss, from scores and margins.
 *
 * Per-sample form, eq. 6 of the paper, with [t]+ = max(t, 0):
 *
 *   L_D = 1/m Σᵢ [D(x1ᵢ, x2ᵢ) − D(x1ᵢ, y1ᵢ) + Δ(x2ᵢ, y1ᵢ)]+
 *       + 1/m Σᵢ [D(y1ᵢ, y2ᵢ) − D(x1ᵢ, y1ᵢ) + Δ(y2ᵢ, x1ᵢ)]+
 *
 * Batch-mean form, eq. 7: the means move inside the hinges,
 *
 *   L_D = [mean D(x1, x2) − mean D(x1, y1) + mean Δ(x2, y1)]+
 *       + [mean D(y1, y2) − mean D(x1, y1) + mean Δ(y2, x1)]+
 *
 * so one outlying pair cannot dominate the batch (section 3.3). Minimising
 * L_D raises the asymmetric pair's score above both symmetric ones by the
 * margin.
 *
 * @param scores The three pairs' scores, each `[batch]`.
 * @param margins The two triplets' margins, each `[batch]` (see
 * {@linkcode relationMargin}).
 * @param options The form and the reduction.
 * @returns A scalar, or `[batch]` (the sum of both hinges per example) for
 * the per-sample form with reduction `"none"`.
 * @throws {TypeError} When a score or margin is not `[batch]` or they differ
 * in length, or an option is not an accepted value.
 * @throws {RangeError} For the batch-mean form with reduction `"none"`.
 *
 * @example One triplet satisfied, one violated
 * ```ts
 * import { relationDiscriminatorLoss } from "./relation.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const scores = {
 *   realReal: tf.tensor1d([0, 1]),
 *   fakeFake: tf.tensor1d([0, 0]),
 *   realFake: tf.tensor1d([3, 1]),
 * };
 * const margins = { realReal: tf.tensor1d([1, 1]), fakeFake: tf.tensor1d([1, 1]) };
 * const perExample = relationDiscriminatorLoss(scores, margins, { reduction: "none" });
 * // example 0: [0 - 3 + 1]+ + [0 - 3 + 1]+; example 1: [1 - 1 + 1]+ + [0 - 1 + 1]+
 * assert.deepEqual(Array.from(perExample.dataSync()), [0, 1]);
 * const batchMean = relationDiscriminatorLoss(scores, margins, { form: "batch-mean" });
 * // [0.5 - 2 + 1]+ + [0 - 2 + 1]+
 * assert.equal(batchMean.dataSync()[0], 0);
 * tf.dispose([...Object.values(scores), ...Object.values(margins), perExample, batchMean]);
 * ```
 */
export function relationDiscriminatorLoss<R extends Reduction = "mean">(
  scores: RelationScores,
  margins: RelationMargins,
  options: RelationDiscriminatorOptions<R> = {},
): Reduced<R> {
  const where = "relationDiscriminatorLoss";
  const form = checkChoice(where, "form", options.form ?? "per-sample", FORMS);
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, {
    "scores.realReal": scores.realReal,
    "scores.fakeFake": scores.fakeFake,
    "scores.realFake": scores.realFake,
    "margins.realReal": margins.realReal,
    "margins.fakeFake": margins.fakeFake,
  });
  if (form === "batch-mean" && reduction === "none") {
    throw new RangeError(
      `Cannot compute ${where} per example with form "batch-mean": its hinges act on batch means (eq. 7), so there is one value per batch. Fix: use reduction "mean", or form "per-sample"`,
    );
  }
  return tf.tidy(() => {
    const [realHinge, fakeHinge] = relationHinges(scores, margins, form);
    if (form === "batch-mean") {
      return tf.add(realHinge, fakeHinge) as Reduced<R>; // []
    }
    return reduce(tf.add(realHinge, fakeHinge) as tf.Tensor1D, reduction); // [batch] or []
  });
}

/**
 * The two hinges of eq. 6 per example (`[batch]` each), or of eq. 7
 * (scalars each).
 */
function relationHinges(
  scores: RelationScores,
  margins: RelationMargins,
  form: RelationForm,
): [tf.Tensor, tf.Tensor] {
  if (form === "per-sample") {
    return [
      tf.relu(
        tf.add(tf.sub(scores.realReal, scores.realFake), margins.realReal),
      ), // [batch]
      tf.relu(
        tf.add(tf.sub(scores.fakeFake, scores.realFake), margins.fakeFake),
      ), // [batch]
    ];
  }
  const asymmetric = tf.mean(scores.realFake); // []
  return [
    tf.relu(
      tf.add(
        tf.sub(tf.mean(scores.realReal), asymmetric),
        tf.mean(margins.realReal),
      ),
    ), // []
    tf.relu(
      tf.add(
        tf.sub(tf.mean(scores.fakeFake), asymmetric),
        tf.mean(margins.fakeFake),
      ),
    ), // []
  ];
}

/**
 * The relation generator's loss, from scores (the expression under eq. 5 of
 * the paper):
 *
 *   L_G = 2·E[D(x1, y1)] − E[D(x1, x2)] − E[D(y1, y2)]
 *
 * The generator lowers the asymmetric score, i.e. makes its samples look as
 * if they came from the data distribution. The margin has no part in it.
 *
 * @param scores The three pairs' scores, each `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of 2·D(x1ᵢ, y1ᵢ) − D(x1ᵢ, x2ᵢ) − D(y1ᵢ, y2ᵢ).
 * @throws {TypeError} When a score is not `[batch]` or they differ in length.
 *
 * @example
 * ```ts
 * import { relationGeneratorLoss } from "./relation.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const scores = {
 *   realReal: tf.tensor1d([1, 0]),
 *   fakeFake: tf.tensor1d([0, 2]),
 *   realFake: tf.tensor1d([3, 1]),
 * };
 * const loss = relationGeneratorLoss(scores);
 * // mean of 2·3 − 1 − 0 = 5 and 2·1 − 0 − 2 = 0
 * assert.equal(loss.dataSync()[0], 2.5);
 * tf.dispose([...Object.values(scores), loss]);
 * ```
 */
export function relationGeneratorLoss<R extends Reduction = "mean">(
  scores: RelationScores,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "relationGeneratorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, {
    "scores.realReal": scores.realReal,
    "scores.fakeFake": scores.fakeFake,
    "scores.realFake": scores.realFake,
  });
  return tf.tidy(() =>
    reduce(
      tf.sub(
        tf.sub(tf.mul(scores.realFake, 2), scores.realReal),
        scores.fakeFake,
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/** Options of {@linkcode relationLoss}. */
export interface RelationLossOptions {
  /**
   * Eq. 6 (`"per-sample"`) or eq. 7 (`"batch-mean"`, which the paper
   * suggests for single-class data such as CelebA and LSUN).
   *
   * @default {"per-sample"}
   */
  readonly form?: RelationForm;
  /**
   * The margin Δ.
   *
   * @default {{ kind: "distance", norm: "l2", scale: 1 }}
   */
  readonly margin?: RelationMargin;
}

/** The relation loss, with its resolved options. */
export interface RelationLoss extends PairLoss {
  readonly kind: "relation";
  readonly options: {
    readonly form: RelationForm;
    readonly margin: ResolvedRelationMargin;
  };
}

/**
 * The Relation GAN objective (paper sections 3.2–3.3): the triplet loss
 * {@linkcode relationDiscriminatorLoss} for the relation discriminator and
 * {@linkcode relationGeneratorLoss} for the generator, evaluated on a
 * {@linkcode PairBatch}.
 *
 * Each side scores the three pairs (x1, x2), (y1, y2) and (x1, y1) with the
 * critic. The discriminator's side also takes the margins Δ(x2, y1) and
 * Δ(y2, x1), computed from the samples as data (zero gradient, see
 * {@linkcode relationMargin}); the generator's side has no margin term, so
 * its gradient flows only through the critic's scores of y1.
 *
 * What the engine must pass:
 * - `real` (x1) and `real2` (x2): two independent real batches.
 * - `fake` (y1): this step's generated batch; on the generator's update it
 *   must depend on the generator's variables.
 * - `fakePrev` (y2): the generated batch of the previous optimisation step,
 *   as data. On the very first step there is no previous batch: the engine
 *   passes an independent batch drawn from the current generator with a
 *   separate latent draw instead.
 *
 * Terms: the discriminator's are `realTriplet` and `fakeTriplet` (the two
 * hinges); the generator's are `realFake` (2·E[D(x1, y1)]), `realReal`
 * (−E[D(x1, x2)]) and `fakeFake` (−E[D(y1, y2)]). Terms sum to the total.
 *
 * @param options The form and the margin.
 * @returns A {@linkcode PairLoss} of kind `"relation"`.
 * @throws {TypeError} When an option is unknown or not an accepted value.
 * @throws {RangeError} When the margin's scale or value is negative.
 *
 * @example The discriminator's loss on a tiny batch
 * ```ts
 * import { relationLoss } from "./relation.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = relationLoss({ margin: { kind: "constant", value: 1 } });
 * // A stand-in critic: the sum of b minus the sum of a.
 * const critic = (a: tf.Tensor, b: tf.Tensor) =>
 *   tf.sum(tf.sub(b, a), 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[0, 0]]),
 *   real2: tf.tensor2d([[1, 0]]),
 *   fake: tf.tensor2d([[3, 0]]),
 *   fakePrev: tf.tensor2d([[2, 0]]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * // D(x1,x2) = 1, D(y1,y2) = -1, D(x1,y1) = 3: [1 - 3 + 1]+ + [-1 - 3 + 1]+
 * assert.equal(total.dataSync()[0], 0);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function relationLoss(options: RelationLossOptions = {}): RelationLoss {
  const where = "relationLoss";
  checkKeys(where, options, ["form", "margin"], "relation");
  const form = checkChoice(where, "form", options.form ?? "per-sample", FORMS);
  const margin = resolveRelationMargin(options.margin);

  function scoreAll(
    critic: RelationCritic,
    batch: PairBatch,
    side: string,
  ): RelationScores {
    const shape = checkSameShape(`${where} (${side})`, {
      "batch.real": batch.real,
      "batch.real2": batch.real2,
      "batch.fake": batch.fake,
      "batch.fakePrev": batch.fakePrev,
    });
    const n = shape[0];
    const at = `${where} (${side})`;
    return {
      realReal: score(at, "D(x1, x2)", critic(batch.real, batch.real2), n), // [batch]
      fakeFake: score(at, "D(y1, y2)", critic(batch.fake, batch.fakePrev), n), // [batch]
      realFake: score(at, "D(x1, y1)", critic(batch.real, batch.fake), n), // [batch]
    };
  }

  return Object.freeze({
    input: "pair" as const,
    kind: "relation" as const,
    options: Object.freeze({ form, margin }),
    discriminator(critic: RelationCritic, batch: PairBatch) {
      return tf.tidy(() => {
        const scores = scoreAll(critic, batch, "discriminator");
        const margins: RelationMargins = {
          realReal: relationMargin(batch.real2, batch.fake, margin), // [batch]
          fakeFake: relationMargin(batch.fakePrev, batch.real, margin), // [batch]
        };
        const [realHinge, fakeHinge] = relationHinges(scores, margins, form);
        const realTriplet = tf.mean(realHinge) as tf.Scalar; // []
        const fakeTriplet = tf.mean(fakeHinge) as tf.Scalar; // []
        return {
          total: tf.add(realTriplet, fakeTriplet) as tf.Scalar,
          terms: { realTriplet, fakeTriplet },
        };
      });
    },
    generator(critic: RelationCritic, batch: PairBatch) {
      return tf.tidy(() => {
        const scores = scoreAll(critic, batch, "generator");
        const realFake = tf.mul(tf.mean(scores.realFake), 2) as tf.Scalar; // []
        const realReal = tf.neg(tf.mean(scores.realReal)) as tf.Scalar; // []
        const fakeFake = tf.neg(tf.mean(scores.fakeFake)) as tf.Scalar; // []
        return {
          total: tf.addN([realFake, realReal, fakeFake]) as tf.Scalar,
          terms: { realFake, realReal, fakeFake },
        };
      });
    },
  });
}
