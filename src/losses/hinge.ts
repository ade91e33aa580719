/**
 * The hinge GAN objective (Lim and Ye 2017; Miyato et al. 2018).
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
 * The hinge discriminator's loss (Lim and Ye 2017, "Geometric GAN"; the
 * hinge version of the adversarial loss in Miyato et al. 2018, "Spectral
 * Normalization for Generative Adversarial Networks"):
 *
 *   L_D = E[[1 − D(x)]+] + E[[1 + D(G(z))]+]
 *
 * @param realScores D(x), `[batch]`.
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of [1 − D(xᵢ)]+ + [1 + D(G(zᵢ))]+.
 * @throws {TypeError} When the scores are not `[batch]` of one length.
 *
 * @example
 * ```ts
 * import { hingeDiscriminatorLoss } from "./hinge.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const real = tf.tensor1d([2, 0.5]);
 * const fake = tf.tensor1d([-2, 0]);
 * const loss = hingeDiscriminatorLoss(real, fake, { reduction: "none" });
 * assert.deepEqual(Array.from(loss.dataSync()), [0 + 0, 0.5 + 1]);
 * tf.dispose([real, fake, loss]);
 * ```
 */
export function hingeDiscriminatorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "hingeDiscriminatorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(
      tf.add(
        tf.relu(tf.sub(1, realScores)),
        tf.relu(tf.add(1, fakeScores)),
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/**
 * The hinge generator's loss: L_G = −E[D(G(z))] (Lim and Ye 2017; Miyato et
 * al. 2018).
 *
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]`.
 * @throws {TypeError} When the scores are not `[batch]`.
 *
 * @example
 * ```ts
 * import { hingeGeneratorLoss } from "./hinge.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const fake = tf.tensor1d([1, 3]);
 * const loss = hingeGeneratorLoss(fake);
 * assert.equal(loss.dataSync()[0], -2);
 * tf.dispose([fake, loss]);
 * ```
 */
export function hingeGeneratorLoss<R extends Reduction = "mean">(
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "hingeGeneratorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkScores(where, "fakeScores", fakeScores);
  return tf.tidy(() => reduce(tf.neg(fakeScores) as tf.Tensor1D, reduction));
}

/** The hinge loss. */
export interface HingeLoss extends SingleLoss {
  readonly kind: "hinge";
  readonly options: Readonly<Record<string, never>>;
}

/**
 * The hinge GAN objective: {@linkcode hingeDiscriminatorLoss} and
 * {@linkcode hingeGeneratorLoss}. It takes no options (an empty object is
 * accepted).
 *
 * Terms, which sum to the total: the discriminator's `real`
 * (E[[1 − D(x)]+]) and `fake` (E[[1 + D(G(z))]+]); the generator's
 * `adversarial`.
 *
 * @param options Nothing, or an empty object.
 * @returns A {@linkcode SingleLoss} of kind `"hinge"`.
 * @throws {TypeError} When given any option.
 *
 * @example
 * ```ts
 * import { hingeLoss } from "./hinge.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = hingeLoss();
 * const critic = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[0.25, 0.25]]),
 *   fake: tf.tensor2d([[-2, 0]]),
 *   uniform: tf.tensor1d([0.5]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * assert.equal(total.dataSync()[0], (1 - 0.5) + 0);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function hingeLoss(
  options: Readonly<Record<string, never>> = {},
): HingeLoss {
  const where = "hingeLoss";
  checkKeys(where, options, [], "hinge");
  return Object.freeze({
    input: "single" as const,
    kind: "hinge" as const,
    options: Object.freeze({}),
    discriminator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const s = scoreSingle(`${where} (discriminator)`, critic, batch);
        const real = tf.mean(tf.relu(tf.sub(1, s.real))) as tf.Scalar; // []
        const fake = tf.mean(tf.relu(tf.add(1, s.fake))) as tf.Scalar; // []
        return {
          total: tf.add(real, fake) as tf.Scalar,
          terms: { real, fake },
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
