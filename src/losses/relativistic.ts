/**
 * The relativistic GAN objectives RSGAN and RaGAN (Jolicoeur-Martineau 2018,
 * "The relativistic discriminator: a key element missing from standard
 * GAN").
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Critic, LossValue, SingleBatch, SingleLoss } from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkBoolean,
  checkKeys,
  checkReduction,
  checkSameLength,
  reduce,
  scoreSingle,
} from "./_private.ts";

/** Options of the relativistic loss functions. */
export interface RelativisticOptions<R extends Reduction = "mean">
  extends ReductionOptions<R> {
  /**
   * `false` for the relativistic standard GAN (RSGAN), which compares each
   * real score with the generated score of the same index; `true` for the
   * relativistic average GAN (RaGAN), which compares each score with the
   * other side's batch mean.
   *
   * @default {false}
   */
  readonly average?: boolean;
}

// −log σ(t) = softplus(−t) and −log(1 − σ(t)) = softplus(t): the stable
// forms used below.

/**
 * The relativistic discriminator's loss on raw scores C(·), with σ the
 * logistic function:
 *
 *   RSGAN: L_D = −E[log σ(C(xᵢ) − C(G(zᵢ)))] = E[softplus(C(G(zᵢ)) − C(xᵢ))]
 *   RaGAN: L_D = −E[log σ(C(x) − E C(G(z)))] − E[log(1 − σ(C(G(z)) − E C(x)))]
 *              = E[softplus(E C(G(z)) − C(x))] + E[softplus(C(G(z)) − E C(x))]
 *
 * (Jolicoeur-Martineau 2018, sections 4.1 and 4.3.) RSGAN pairs real and
 * generated examples by index.
 *
 * @param realScores C(x), `[batch]`.
 * @param fakeScores C(G(z)), `[batch]`.
 * @param options RSGAN or RaGAN, and the reduction.
 * @returns A scalar, or `[batch]` per-example values (for RaGAN, example i's
 * two terms, each against the other side's batch mean).
 * @throws {TypeError} When the scores are not `[batch]` of one length, or
 * `average` is not a boolean.
 *
 * @example
 * ```ts
 * import { relativisticDiscriminatorLoss } from "./relativistic.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const real = tf.tensor1d([1, 3]);
 * const fake = tf.tensor1d([1, 3]);
 * const rs = relativisticDiscriminatorLoss(real, fake);
 * assert.ok(Math.abs(rs.dataSync()[0] - Math.log(2)) < 1e-6);
 * tf.dispose([real, fake, rs]);
 * ```
 */
export function relativisticDiscriminatorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: RelativisticOptions<R> = {},
): Reduced<R> {
  const where = "relativisticDiscriminatorLoss";
  const average = checkBoolean(where, "average", options.average ?? false);
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(
      relativisticTerms(realScores, fakeScores, average).reduce((a, b) =>
        tf.add(a, b)
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/**
 * The relativistic generator's loss: the discriminator's with real and
 * generated swapped.
 *
 *   RSGAN: L_G = E[softplus(C(xᵢ) − C(G(zᵢ)))]
 *   RaGAN: L_G = E[softplus(E C(x) − C(G(z)))] + E[softplus(C(x) − E C(G(z)))]
 *
 * (Jolicoeur-Martineau 2018, sections 4.1 and 4.3.)
 *
 * @param realScores C(x), `[batch]`.
 * @param fakeScores C(G(z)), `[batch]`.
 * @param options RSGAN or RaGAN, and the reduction.
 * @returns A scalar, or `[batch]` per-example values.
 * @throws {TypeError} When the scores are not `[batch]` of one length, or
 * `average` is not a boolean.
 *
 * @example
 * ```ts
 * import { relativisticGeneratorLoss } from "./relativistic.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const real = tf.tensor1d([0, 2]);
 * const fake = tf.tensor1d([1, 1]);
 * const ra = relativisticGeneratorLoss(real, fake, { average: true });
 * const softplus = (t: number) => Math.log(1 + Math.exp(t));
 * // mean of softplus(mean(real) - fakeᵢ) plus mean of softplus(realᵢ - mean(fake))
 * const expected = softplus(0) + (softplus(-1) + softplus(1)) / 2;
 * assert.ok(Math.abs(ra.dataSync()[0] - expected) < 1e-5);
 * tf.dispose([real, fake, ra]);
 * ```
 */
export function relativisticGeneratorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: RelativisticOptions<R> = {},
): Reduced<R> {
  const where = "relativisticGeneratorLoss";
  const average = checkBoolean(where, "average", options.average ?? false);
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(
      relativisticTerms(fakeScores, realScores, average).reduce((a, b) =>
        tf.add(a, b)
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/**
 * The per-example terms of the relativistic loss of the player that wants
 * `up` to outscore `down`: one term for RSGAN, two for RaGAN.
 */
function relativisticTerms(
  up: tf.Tensor1D,
  down: tf.Tensor1D,
  average: boolean,
): tf.Tensor1D[] {
  if (!average) return [tf.softplus(tf.sub(down, up))]; // [batch]
  return [
    tf.softplus(tf.sub(tf.mean(down), up)), // [batch]
    tf.softplus(tf.sub(down, tf.mean(up))), // [batch]
  ];
}

/** Options of {@linkcode relativisticLoss}. */
export interface RelativisticLossOptions {
  /**
   * RSGAN (`false`) or RaGAN (`true`).
   *
   * @default {false}
   */
  readonly average?: boolean;
}

/** The relativistic loss, with its resolved options. */
export interface RelativisticLoss extends SingleLoss {
  readonly kind: "relativistic";
  readonly options: { readonly average: boolean };
}

/**
 * The relativistic objective (Jolicoeur-Martineau 2018): RSGAN, or RaGAN
 * with `average: true`; see {@linkcode relativisticDiscriminatorLoss} and
 * {@linkcode relativisticGeneratorLoss}. Both sides score the real and the
 * generated batch.
 *
 * Terms, which sum to the total: RSGAN has one, `relative`; RaGAN has `real`
 * (the term on real scores) and `fake` (the term on generated scores).
 *
 * @param options RSGAN or RaGAN.
 * @returns A {@linkcode SingleLoss} of kind `"relativistic"`.
 * @throws {TypeError} When an option is unknown or `average` is not a
 * boolean.
 *
 * @example
 * ```ts
 * import { relativisticLoss } from "./relativistic.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = relativisticLoss({ average: true });
 * const critic = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[2, 0]]),
 *   fake: tf.tensor2d([[0, 0]]),
 *   uniform: tf.tensor1d([0.5]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * // softplus(0 - 2) + softplus(0 - 2)
 * assert.ok(Math.abs(total.dataSync()[0] - 2 * Math.log(1 + Math.exp(-2))) < 1e-6);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function relativisticLoss(
  options: RelativisticLossOptions = {},
): RelativisticLoss {
  const where = "relativisticLoss";
  checkKeys(where, options, ["average"], "relativistic");
  const average = checkBoolean(where, "average", options.average ?? false);

  function side(
    critic: Critic,
    batch: SingleBatch,
    name: "discriminator" | "generator",
  ): LossValue {
    return tf.tidy(() => {
      const s = scoreSingle(`${where} (${name})`, critic, batch);
      const [up, down] = name === "discriminator"
        ? [s.real, s.fake]
        : [s.fake, s.real];
      const parts = relativisticTerms(up, down, average).map((t) =>
        tf.mean(t) as tf.Scalar
      ); // [] each
      const total = tf.addN(parts) as tf.Scalar;
      // For the discriminator `up` is real; for the generator it is fake.
      const [onUp, onDown] = parts;
      const terms: Record<string, tf.Scalar> = !average
        ? { relative: onUp }
        : name === "discriminator"
        ? { real: onUp, fake: onDown }
        : { fake: onUp, real: onDown };
      return { total, terms };
    });
  }

  return Object.freeze({
    input: "single" as const,
    kind: "relativistic" as const,
    options: Object.freeze({ average }),
    discriminator: (critic: Critic, batch: SingleBatch) =>
      side(critic, batch, "discriminator"),
    generator: (critic: Critic, batch: SingleBatch) =>
      side(critic, batch, "generator"),
  });
}
