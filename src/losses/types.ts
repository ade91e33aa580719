/**
 * The contract between GAN objectives and the training engine.
 *
 * A loss is a value with a discriminator side and a generator side. Each
 * side receives the critic as a function (so penalties can evaluate it at
 * new points, e.g. WGAN-GP's interpolates) and a batch, and returns its
 * total and its named terms, every one a scalar.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";

/** A single-input critic: raw scores (logits), `[batch]`. */
export type Critic = (x: tf.Tensor) => tf.Tensor1D;

/** A relation critic D(a, b): raw pair scores, `[batch]`. */
export type RelationCritic = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor1D;

/** A batch for single-input losses. */
export interface SingleBatch {
  /** Real samples, `[batch, ...shape]`. */
  readonly real: tf.Tensor;
  /** Generated samples of this step, `[batch, ...shape]`. */
  readonly fake: tf.Tensor;
  /**
   * Uniform draws in [0, 1), `[batch]`, from the run's seeded generator, for
   * losses that need randomness (WGAN-GP's interpolation factors).
   */
  readonly uniform: tf.Tensor1D;
}

/** A batch for relation (pair) losses; notation of paper section 3.2. */
export interface PairBatch {
  /** x1: real samples, `[batch, ...shape]`. */
  readonly real: tf.Tensor;
  /** x2: a second, independent real batch, `[batch, ...shape]`. */
  readonly real2: tf.Tensor;
  /** y1: generated samples of this step, `[batch, ...shape]`. */
  readonly fake: tf.Tensor;
  /** y2: generated samples of the previous optimisation step, `[batch, ...shape]`. */
  readonly fakePrev: tf.Tensor;
}

/** A loss value: the total to minimise and its named parts, all scalars. */
export interface LossValue {
  readonly total: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/** An objective for a single-input discriminator. */
export interface SingleLoss {
  readonly input: "single";
  /** The declaration kind, e.g. `"wgan_gp"`. */
  readonly kind: string;
  discriminator(critic: Critic, batch: SingleBatch): LossValue;
  generator(critic: Critic, batch: SingleBatch): LossValue;
}

/** An objective for a relation (pair) discriminator. */
export interface PairLoss {
  readonly input: "pair";
  readonly kind: string;
  discriminator(critic: RelationCritic, batch: PairBatch): LossValue;
  generator(critic: RelationCritic, batch: PairBatch): LossValue;
}

/** Any GAN objective. */
export type GanLoss = SingleLoss | PairLoss;
