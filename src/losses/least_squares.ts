/**
 * The least-squares GAN objective (Mao et al. 2017).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Critic, SingleBatch, SingleLoss } from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkKeys,
  checkReduction,
  checkSameLength,
  checkScores,
  reduce,
  scoreFake,
  scoreSingle,
} from "./_private.ts";

/**
 * The least-squares discriminator's loss, with Mao et al.'s targets a = 0
 * for generated and b = 1 for real samples (their eq. 2 with the 0-1
 * coding a = 0, b = 1, c = 1):
 *
 *   L_D = ½·E[(D(x) − 1)²] + ½·E[D(G(z))²]
 *
 * @param realScores D(x), `[batch]`.
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of ½(D(xᵢ) − 1)² + ½D(G(zᵢ))².
 * @throws {TypeError} When the scores are not `[batch]` of one length.
 *
 * @example
 * ```ts
 * import { leastSquaresDiscriminatorLoss } from "./least_squares.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const real = tf.tensor1d([1, 3]);
 * const fake = tf.tensor1d([0, 2]);
 * const loss = leastSquaresDiscriminatorLoss(real, fake);
 * assert.equal(loss.dataSync()[0], (0 + 0 + 0.5 * 4 + 0.5 * 4) / 2);
 * tf.dispose([real, fake, loss]);
 * ```
 */
export function leastSquaresDiscriminatorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "leastSquaresDiscriminatorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(
      tf.mul(
        tf.add(tf.square(tf.sub(realScores, 1)), tf.square(fakeScores)),
        0.5,
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/**
 * The least-squares generator's loss, with target c = 1 (Mao et al. 2017,
 * eq. 2):
 *
 *   L_G = ½·E[(D(G(z)) − 1)²]
 *
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]`.
 * @throws {TypeError} When the scores are not `[batch]`.
 *
 * @example
 * ```ts
 * import { leastSquaresGeneratorLoss } from "./least_squares.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const fake = tf.tensor1d([-1]);
 * const loss = leastSquaresGeneratorLoss(fake);
 * assert.equal(loss.dataSync()[0], 0.5 * (-1 - 1) ** 2);
 * tf.dispose([fake, loss]);
 * ```
 */
export function leastSquaresGeneratorLoss<R extends Reduction = "mean">(
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "leastSquaresGeneratorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkScores(where, "fakeScores", fakeScores);
  return tf.tidy(() =>
    reduce(
      tf.mul(tf.square(tf.sub(fakeScores, 1)), 0.5) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/** The least-squares GAN loss. */
export interface LeastSquaresLoss extends SingleLoss {
  readonly kind: "lsgan";
  readonly options: Readonly<Record<string, never>>;
}

/**
 * The least-squares GAN objective (Mao et al. 2017) with a = 0, b = 1,
 * c = 1: {@linkcode leastSquaresDiscriminatorLoss} and
 * {@linkcode leastSquaresGeneratorLoss}. It takes no options (an empty
 * object is accepted, so a declaration's options can be passed through).
 *
 * Terms, which sum to the total: the discriminator's `real`
 * (½E[(D(x) − 1)²]) and `fake` (½E[D(G(z))²]); the generator's
 * `adversarial`.
 *
 * @param options Nothing, or an empty object.
 * @returns A {@linkcode SingleLoss} of kind `"lsgan"`.
 * @throws {TypeError} When given any option.
 *
 * @example
 * ```ts
 * import { leastSquaresLoss } from "./least_squares.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = leastSquaresLoss();
 * const critic = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[1, 0]]),
 *   fake: tf.tensor2d([[1, 1]]),
 *   uniform: tf.tensor1d([0.5]),
 * };
 * const { total, terms } = loss.generator(critic, batch);
 * assert.equal(total.dataSync()[0], 0.5 * (2 - 1) ** 2);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function leastSquaresLoss(
  options: Readonly<Record<string, never>> = {},
): LeastSquaresLoss {
  const where = "leastSquaresLoss";
  checkKeys(where, options, [], "lsgan");
  return Object.freeze({
    input: "single" as const,
    kind: "lsgan" as const,
    options: Object.freeze({}),
    discriminator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const s = scoreSingle(`${where} (discriminator)`, critic, batch);
        const real = tf.mul(
          tf.mean(tf.square(tf.sub(s.real, 1))),
          0.5,
        ) as tf.Scalar; // []
        const fake = tf.mul(tf.mean(tf.square(s.fake)), 0.5) as tf.Scalar; // []
        return {
          total: tf.add(real, fake) as tf.Scalar,
          terms: { real, fake },
        };
      });
    },
    generator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const fakeScores = scoreFake(`${where} (generator)`, critic, batch); // [batch]
        const adversarial = leastSquaresGeneratorLoss(fakeScores); // []
        return { total: tf.clone(adversarial), terms: { adversarial } };
      });
    },
  });
}
