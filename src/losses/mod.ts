/**
 * GAN objectives: the Relation GAN triplet loss of the paper and the
 * baselines it compares against.
 *
 * Each objective is a {@linkcode GanLoss} value with a discriminator side
 * and a generator side, built by a factory named after it:
 *
 * | kind           | factory                | input  | source |
 * |----------------|------------------------|--------|--------|
 * | `relation`     | `relationLoss`         | pair   | the paper, sections 3.2–3.3, eqs. 5–7 |
 * | `siamese`      | `siameseLoss`          | pair   | the paper's table 7; Hadsell et al. 2006 |
 * | `vanilla`      | `vanillaLoss`          | single | Goodfellow et al. 2014 |
 * | `lsgan`        | `leastSquaresLoss`     | single | Mao et al. 2017 |
 * | `wgan_gp`      | `wganGpLoss`           | single | Gulrajani et al. 2017 |
 * | `relativistic` | `relativisticLoss`     | single | Jolicoeur-Martineau 2018 |
 * | `hinge`        | `hingeLoss`            | single | Lim and Ye 2017; Miyato et al. 2018 |
 *
 * A factory takes the options of its declaration, or the whole declaration
 * `{ kind, ...options }` when `kind` is its own; an unknown option or another
 * kind is a `TypeError`.
 *
 * Beside them, the per-example functions in discriminator/generator pairs
 * (`relationDiscriminatorLoss` / `relationGeneratorLoss`, ...) take score
 * tensors and a `reduction` option, and `wassersteinGradientPenalty` takes
 * the critic itself.
 *
 * Every side allocates only the tensors it returns (`total` and `terms`,
 * whose values sum to `total`). To differentiate a side and still read its
 * terms, keep them inside the differentiated function:
 *
 * @example One discriminator update, reading the terms
 * ```ts
 * import { hingeLoss } from "./mod.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const w = tf.variable(tf.tensor2d([[0.5], [-0.5]]));
 * const critic = (x: tf.Tensor) =>
 *   tf.reshape(tf.matMul(x as tf.Tensor2D, w), [-1]) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[1, 0], [0, 1]]),
 *   fake: tf.tensor2d([[0, 0], [1, 1]]),
 *   uniform: tf.tensor1d([0.1, 0.7]),
 * };
 * const loss = hingeLoss();
 * let terms: Record<string, tf.Scalar> = {};
 * const { value, grads } = tf.variableGrads(() => {
 *   const out = loss.discriminator(critic, batch);
 *   terms = Object.fromEntries(
 *     Object.entries(out.terms).map(([name, t]) => [name, tf.keep(t)]),
 *   );
 *   return out.total;
 * }, [w]);
 * // real scores 0.5, -0.5; fake scores 0, 0
 * assert.equal(value.dataSync()[0], (0.5 + 1.5) / 2 + 1);
 * assert.equal(terms.real.dataSync()[0] + terms.fake.dataSync()[0], 2);
 * tf.dispose([value, ...Object.values(grads), ...Object.values(terms), w]);
 * tf.dispose(Object.values(batch));
 * ```
 *
 * @module
 */

export type {
  Critic,
  GanLoss,
  LossValue,
  PairBatch,
  PairLoss,
  RelationCritic,
  SingleBatch,
  SingleLoss,
} from "./types.ts";
export {
  type Reduced,
  type Reduction,
  type ReductionOptions,
  REDUCTIONS,
} from "./reduction.ts";
export {
  DEFAULT_CONSTANT_MARGIN,
  DEFAULT_RELATION_MARGIN,
  type RelationMargin,
  relationMargin,
  type ResolvedRelationMargin,
  resolveRelationMargin,
} from "./relation_margin.ts";
export {
  relationDiscriminatorLoss,
  type RelationDiscriminatorOptions,
  type RelationForm,
  relationGeneratorLoss,
  type RelationLoss,
  relationLoss,
  type RelationLossOptions,
  type RelationMargins,
  type RelationScores,
} from "./relation.ts";
export {
  DEFAULT_SIAMESE_MARGIN,
  siameseDiscriminatorLoss,
  siameseGeneratorLoss,
  type SiameseLoss,
  siameseLoss,
  type SiameseLossOptions,
  type SiameseOptions,
} from "./siamese.ts";
export {
  vanillaDiscriminatorLoss,
  type VanillaGenerator,
  vanillaGeneratorLoss,
  type VanillaGeneratorOptions,
  type VanillaLoss,
  vanillaLoss,
  type VanillaLossOptions,
} from "./vanilla.ts";
export {
  leastSquaresDiscriminatorLoss,
  leastSquaresGeneratorLoss,
  type LeastSquaresLoss,
  leastSquaresLoss,
} from "./least_squares.ts";
export {
  DEFAULT_GP_LAMBDA,
  wassersteinDiscriminatorLoss,
  wassersteinGeneratorLoss,
  wassersteinGradientPenalty,
  type WganGpLoss,
  wganGpLoss,
  type WganGpLossOptions,
} from "./wgan_gp.ts";
export {
  relativisticDiscriminatorLoss,
  relativisticGeneratorLoss,
  type RelativisticLoss,
  relativisticLoss,
  type RelativisticLossOptions,
  type RelativisticOptions,
} from "./relativistic.ts";
export {
  hingeDiscriminatorLoss,
  hingeGeneratorLoss,
  type HingeLoss,
  hingeLoss,
} from "./hinge.ts";
