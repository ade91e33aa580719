/**
 * The Wasserstein GAN objective with gradient penalty (Gulrajani et al.
 * 2017, "Improved Training of Wasserstein GANs").
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Critic, SingleBatch, SingleLoss } from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkKeys,
  checkNumber,
  checkReduction,
  checkSameLength,
  checkSameShape,
  checkScores,
  reduce,
  score,
  scoreFake,
  scoreSingle,
  showShape,
} from "./_private.ts";
import { ensureSecondOrderGradients } from "./_second_order.ts";

/** The penalty weight λ of Gulrajani et al. (2017, section 4). */
export const DEFAULT_GP_LAMBDA = 10;

/**
 * The Wasserstein critic's loss on raw scores (the negated estimate of the
 * Wasserstein-1 distance, Arjovsky et al. 2017; the first two terms of
 * eq. 3 of Gulrajani et al. 2017):
 *
 *   L_D = E[D(G(z))] − E[D(x)]
 *
 * @param realScores D(x), `[batch]`.
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of D(G(zᵢ)) − D(xᵢ).
 * @throws {TypeError} When the scores are not `[batch]` of one length.
 *
 * @example
 * ```ts
 * import { wassersteinDiscriminatorLoss } from "./wgan_gp.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const real = tf.tensor1d([3, 1]);
 * const fake = tf.tensor1d([0, -2]);
 * const loss = wassersteinDiscriminatorLoss(real, fake);
 * assert.equal(loss.dataSync()[0], (0 - 3 + (-2 - 1)) / 2);
 * tf.dispose([real, fake, loss]);
 * ```
 */
export function wassersteinDiscriminatorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "wassersteinDiscriminatorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(tf.sub(fakeScores, realScores) as tf.Tensor1D, reduction) // [batch] or []
  );
}

/**
 * The Wasserstein generator's loss: L_G = −E[D(G(z))] (Gulrajani et al.
 * 2017, Algorithm 1).
 *
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]`.
 * @throws {TypeError} When the scores are not `[batch]`.
 *
 * @example
 * ```ts
 * import { wassersteinGeneratorLoss } from "./wgan_gp.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const fake = tf.tensor1d([2, 4]);
 * const loss = wassersteinGeneratorLoss(fake);
 * assert.equal(loss.dataSync()[0], -3);
 * tf.dispose([fake, loss]);
 * ```
 */
export function wassersteinGeneratorLoss<R extends Reduction = "mean">(
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "wassersteinGeneratorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkScores(where, "fakeScores", fakeScores);
  return tf.tidy(() => reduce(tf.neg(fakeScores) as tf.Tensor1D, reduction));
}

/**
 * The gradient penalty of WGAN-GP, unweighted (Gulrajani et al. 2017, eq. 3
 * without λ):
 *
 *   GP = E[(‖∇ D(x̂)‖₂ − 1)²],  x̂ᵢ = εᵢ·xᵢ + (1 − εᵢ)·G(zᵢ)
 *
 * with εᵢ = `batch.uniform[i]` broadcast over example i. The gradient
 * ∇ D(x̂ᵢ) is taken with `tf.grad` inside the penalty, so differentiating
 * the penalty with respect to the critic's variables differentiates through
 * that gradient (a second-order gradient). ‖g‖₂ is computed as
 * √(Σ g² + 1e-12), which is finite to differentiate at g = 0 and differs
 * from ‖g‖₂ by at most 1e-6.
 *
 * tfjs-core 4.22 differentiates the gradients of `tanh`, `sigmoid`, `exp`
 * and `elu` wrongly a second time, and cannot differentiate leakyRelu's
 * gradient at all; this function first re-registers those gradients in a
 * form whose own gradient is right (same first-order values), so critics
 * built from dense and convolution layers with these activations get the
 * right penalty gradient. Ops whose tfjs gradient still uses its saved
 * output (softmax, logSoftmax, pow, max/min reductions, max pooling, LRN)
 * are not corrected: keep them out of a WGAN-GP critic.
 *
 * The per-example gradient is the gradient of Σᵢ D(x̂ᵢ) with respect to x̂,
 * which is right only when the critic scores each example independently of
 * the others (no batch statistics, e.g. no batch norm, as the paper also
 * requires in its section 4).
 *
 * @param critic The critic, `[batch, ...shape]` to `[batch]`.
 * @param batch `real` and `fake`, `[batch, ...shape]`, and `uniform`,
 * `[batch]`, the interpolation factors ε.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of (‖∇ D(x̂ᵢ)‖₂ − 1)².
 * @throws {TypeError} When the batches differ in shape, `uniform` is not
 * `[batch]`, or the critic does not return `[batch]`.
 *
 * @example A linear critic's gradient is its weight vector
 * ```ts
 * import { wassersteinGradientPenalty } from "./wgan_gp.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const w = tf.tensor2d([[3], [4]]);
 * const critic = (x: tf.Tensor) =>
 *   tf.reshape(tf.matMul(x as tf.Tensor2D, w), [-1]) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[1, 2], [0, 1]]),
 *   fake: tf.tensor2d([[0, 0], [5, 5]]),
 *   uniform: tf.tensor1d([0.3, 0.9]),
 * };
 * const penalty = wassersteinGradientPenalty(critic, batch);
 * assert.ok(Math.abs(penalty.dataSync()[0] - (5 - 1) ** 2) < 1e-4);
 * tf.dispose([w, penalty, ...Object.values(batch)]);
 * ```
 */
export function wassersteinGradientPenalty<R extends Reduction = "mean">(
  critic: Critic,
  batch: SingleBatch,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "wassersteinGradientPenalty";
  const reduction = checkReduction(where, options.reduction) as R;
  const shape = checkSameShape(where, {
    "batch.real": batch.real,
    "batch.fake": batch.fake,
  });
  const n = shape[0];
  if (batch.uniform.rank !== 1 || batch.uniform.shape[0] !== n) {
    throw new TypeError(
      `Cannot compute ${where}: batch.uniform must hold one interpolation factor per example, shape [${n}], but its shape is ${
        showShape(batch.uniform.shape)
      }. Fix: draw batch-size uniform numbers for each step`,
    );
  }
  ensureSecondOrderGradients();
  return tf.tidy(() => {
    const eps = tf.reshape(
      batch.uniform,
      [n, ...shape.slice(1).map(() => 1)],
    ); // [batch, 1, ..., 1]
    const interpolates = tf.add(
      tf.mul(eps, batch.real),
      tf.mul(tf.sub(1, eps), batch.fake),
    ); // [batch, ...shape]
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(score(where, "the interpolates", critic(x), n))
    )(interpolates); // [batch, ...shape]
    const norm = tf.sqrt(
      tf.add(tf.sum(tf.square(tf.reshape(gradient, [n, -1])), 1), 1e-12),
    ); // [batch]
    return reduce(tf.square(tf.sub(norm, 1)) as tf.Tensor1D, reduction);
  });
}

/** Options of {@linkcode wganGpLoss}. */
export interface WganGpLossOptions {
  /**
   * The weight λ of the gradient penalty.
   *
   * @default {10}
   */
  readonly lambda?: number;
}

/** The WGAN-GP loss, with its resolved options. */
export interface WganGpLoss extends SingleLoss {
  readonly kind: "wgan_gp";
  readonly options: { readonly lambda: number };
}

/**
 * The WGAN-GP objective (Gulrajani et al. 2017, eq. 3 and Algorithm 1):
 *
 *   L_D = E[D(G(z))] − E[D(x)] + λ·E[(‖∇ D(x̂)‖₂ − 1)²]
 *   L_G = −E[D(G(z))]
 *
 * from {@linkcode wassersteinDiscriminatorLoss},
 * {@linkcode wassersteinGradientPenalty} and
 * {@linkcode wassersteinGeneratorLoss}. The batch's `uniform` draws are the
 * interpolation factors ε, one per example.
 *
 * Terms, which sum to the total: the discriminator's `wasserstein`
 * (E[D(G(z))] − E[D(x)]) and `gradientPenalty` (λ·GP); the generator's
 * `adversarial`.
 *
 * @param options The penalty weight.
 * @returns A {@linkcode SingleLoss} of kind `"wgan_gp"`.
 * @throws {TypeError} When an option is unknown or not a number.
 * @throws {RangeError} When λ is negative or not finite.
 *
 * @example
 * ```ts
 * import { wganGpLoss } from "./wgan_gp.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = wganGpLoss();
 * // D(x) = 2·(x₀ + x₁): the gradient's norm is 2√2 everywhere.
 * const critic = (x: tf.Tensor) => tf.mul(tf.sum(x, 1), 2) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[1, 1]]),
 *   fake: tf.tensor2d([[0, 0]]),
 *   uniform: tf.tensor1d([0.5]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * const expected = (0 - 4) + 10 * (2 * Math.SQRT2 - 1) ** 2;
 * assert.ok(Math.abs(total.dataSync()[0] - expected) < 1e-4);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function wganGpLoss(options: WganGpLossOptions = {}): WganGpLoss {
  const where = "wganGpLoss";
  checkKeys(where, options, ["lambda"], "wgan_gp");
  const lambda = checkNumber(
    where,
    "lambda",
    options.lambda ?? DEFAULT_GP_LAMBDA,
    0,
  );
  return Object.freeze({
    input: "single" as const,
    kind: "wgan_gp" as const,
    options: Object.freeze({ lambda }),
    discriminator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const s = scoreSingle(`${where} (discriminator)`, critic, batch);
        const wasserstein = tf.sub(
          tf.mean(s.fake),
          tf.mean(s.real),
        ) as tf.Scalar; // []
        const gradientPenalty = tf.mul(
          wassersteinGradientPenalty(critic, batch),
          lambda,
        ) as tf.Scalar; // []
        return {
          total: tf.add(wasserstein, gradientPenalty) as tf.Scalar,
          terms: { wasserstein, gradientPenalty },
        };
      });
    },
    generator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const fakeScores = scoreFake(`${where} (generator)`, critic, batch); // [batch]
        const adversarial = tf.neg(tf.mean(fakeScores)) as tf.Scalar; // []
        return { total: tf.clone(adversarial), terms: { adversarial } };
      });
    },
  });
}
