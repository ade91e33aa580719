/**
 * The original GAN objective (Goodfellow et al. 2014), on raw critic scores.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Critic, SingleBatch, SingleLoss } from "./types.ts";
import type { Reduced, Reduction, ReductionOptions } from "./reduction.ts";
import {
  checkChoice,
  checkKeys,
  checkReduction,
  checkSameLength,
  checkScores,
  reduce,
  scoreFake,
  scoreSingle,
} from "./_private.ts";

/**
 * The generator's objective: `"minimax"` minimises log(1 − σ(D(G(z))))
 * (eq. 1 of Goodfellow et al. 2014), `"non-saturating"` minimises
 * −log σ(D(G(z))) (their section 3), which keeps its gradient when the
 * discriminator rejects the samples confidently.
 */
export type VanillaGenerator = "minimax" | "non-saturating";

const GENERATORS: readonly VanillaGenerator[] = ["minimax", "non-saturating"];

// Every log-sigmoid below is written through softplus, which tfjs evaluates
// without overflow: log σ(t) = −softplus(−t) and log(1 − σ(t)) = −softplus(t).

/**
 * The vanilla GAN discriminator's loss on raw scores (logits):
 *
 *   L_D = −E[log σ(D(x))] − E[log(1 − σ(D(G(z))))]
 *       = E[softplus(−D(x))] + E[softplus(D(G(z)))]
 *
 * (Goodfellow et al. 2014, eq. 1, as a loss to minimise.)
 *
 * @param realScores D(x), `[batch]`.
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The reduction.
 * @returns A scalar, or `[batch]` of softplus(−D(xᵢ)) + softplus(D(G(zᵢ))).
 * @throws {TypeError} When the scores are not `[batch]` of one length.
 *
 * @example At the point of indifference
 * ```ts
 * import { vanillaDiscriminatorLoss } from "./vanilla.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const zero = tf.zeros([3]) as tf.Tensor1D;
 * const loss = vanillaDiscriminatorLoss(zero, zero);
 * assert.ok(Math.abs(loss.dataSync()[0] - 2 * Math.log(2)) < 1e-6);
 * tf.dispose([zero, loss]);
 * ```
 */
export function vanillaDiscriminatorLoss<R extends Reduction = "mean">(
  realScores: tf.Tensor1D,
  fakeScores: tf.Tensor1D,
  options: ReductionOptions<R> = {},
): Reduced<R> {
  const where = "vanillaDiscriminatorLoss";
  const reduction = checkReduction(where, options.reduction) as R;
  checkSameLength(where, { realScores, fakeScores });
  return tf.tidy(() =>
    reduce(
      tf.add(
        tf.softplus(tf.neg(realScores)),
        tf.softplus(fakeScores),
      ) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/** Options of {@linkcode vanillaGeneratorLoss}. */
export interface VanillaGeneratorOptions<R extends Reduction = "mean">
  extends ReductionOptions<R> {
  /**
   * The generator's objective.
   *
   * @default {"non-saturating"}
   */
  readonly generator?: VanillaGenerator;
}

/**
 * The vanilla GAN generator's loss on raw scores:
 *
 *   minimax:        L_G = E[log(1 − σ(D(G(z))))] = −E[softplus(D(G(z)))]
 *   non-saturating: L_G = −E[log σ(D(G(z)))]     = E[softplus(−D(G(z)))]
 *
 * (Goodfellow et al. 2014, eq. 1 and section 3.)
 *
 * @param fakeScores D(G(z)), `[batch]`.
 * @param options The generator's objective and the reduction.
 * @returns A scalar, or `[batch]`.
 * @throws {TypeError} When the scores are not `[batch]` or the objective is
 * not an accepted value.
 *
 * @example
 * ```ts
 * import { vanillaGeneratorLoss } from "./vanilla.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const fake = tf.tensor1d([0]);
 * const ns = vanillaGeneratorLoss(fake);
 * const mm = vanillaGeneratorLoss(fake, { generator: "minimax" });
 * assert.ok(Math.abs(ns.dataSync()[0] - Math.log(2)) < 1e-6);
 * assert.ok(Math.abs(mm.dataSync()[0] + Math.log(2)) < 1e-6);
 * tf.dispose([fake, ns, mm]);
 * ```
 */
export function vanillaGeneratorLoss<R extends Reduction = "mean">(
  fakeScores: tf.Tensor1D,
  options: VanillaGeneratorOptions<R> = {},
): Reduced<R> {
  const where = "vanillaGeneratorLoss";
  const generator = checkChoice(
    where,
    "generator",
    options.generator ?? "non-saturating",
    GENERATORS,
  );
  const reduction = checkReduction(where, options.reduction) as R;
  checkScores(where, "fakeScores", fakeScores);
  return tf.tidy(() =>
    reduce(
      (generator === "minimax"
        ? tf.neg(tf.softplus(fakeScores))
        : tf.softplus(tf.neg(fakeScores))) as tf.Tensor1D, // [batch]
      reduction,
    )
  );
}

/** Options of {@linkcode vanillaLoss}. */
export interface VanillaLossOptions {
  /**
   * The generator's objective.
   *
   * @default {"non-saturating"}
   */
  readonly generator?: VanillaGenerator;
}

/** The vanilla GAN loss, with its resolved options. */
export interface VanillaLoss extends SingleLoss {
  readonly kind: "vanilla";
  readonly options: { readonly generator: VanillaGenerator };
}

/**
 * The original GAN objective (Goodfellow et al. 2014) for a single-input
 * critic that returns logits: {@linkcode vanillaDiscriminatorLoss} and
 * {@linkcode vanillaGeneratorLoss}.
 *
 * Terms, which sum to the total: the discriminator's `real`
 * (E[softplus(−D(x))]) and `fake` (E[softplus(D(G(z)))]); the generator's
 * `adversarial`.
 *
 * @param options The generator's objective.
 * @returns A {@linkcode SingleLoss} of kind `"vanilla"`.
 * @throws {TypeError} When an option is unknown or not an accepted value.
 *
 * @example
 * ```ts
 * import { vanillaLoss } from "./vanilla.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const loss = vanillaLoss({ generator: "minimax" });
 * const critic = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
 * const batch = {
 *   real: tf.tensor2d([[0, 0]]),
 *   fake: tf.tensor2d([[0, 0]]),
 *   uniform: tf.tensor1d([0.5]),
 * };
 * const { total, terms } = loss.discriminator(critic, batch);
 * assert.ok(Math.abs(total.dataSync()[0] - 2 * Math.log(2)) < 1e-6);
 * tf.dispose([total, ...Object.values(terms), ...Object.values(batch)]);
 * ```
 */
export function vanillaLoss(options: VanillaLossOptions = {}): VanillaLoss {
  const where = "vanillaLoss";
  checkKeys(where, options, ["generator"], "vanilla");
  const generator = checkChoice(
    where,
    "generator",
    options.generator ?? "non-saturating",
    GENERATORS,
  );
  return Object.freeze({
    input: "single" as const,
    kind: "vanilla" as const,
    options: Object.freeze({ generator }),
    discriminator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const s = scoreSingle(`${where} (discriminator)`, critic, batch);
        const real = tf.mean(tf.softplus(tf.neg(s.real))) as tf.Scalar; // []
        const fake = tf.mean(tf.softplus(s.fake)) as tf.Scalar; // []
        return {
          total: tf.add(real, fake) as tf.Scalar,
          terms: { real, fake },
        };
      });
    },
    generator(critic: Critic, batch: SingleBatch) {
      return tf.tidy(() => {
        const fakeScores = scoreFake(`${where} (generator)`, critic, batch); // [batch]
        const adversarial = vanillaGeneratorLoss(fakeScores, { generator }); // []
        return { total: tf.clone(adversarial), terms: { adversarial } };
      });
    },
  });
}
