/**
 * What the compiler produces: networks as pure functions over explicit
 * `tf.Variable`s. The engine, the losses and the benchmark depend on these
 * types only, never on how a network was declared.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";

/** Options every forward pass takes. */
export interface ApplyOptions {
  /** Batch norm uses batch statistics and updates its running ones when true. */
  readonly training: boolean;
}

/** Parameters and state common to every compiled network. */
export interface CompiledParameters {
  /** The declaration path this network came from, e.g. `"generator"`. */
  readonly path: string;
  /** Trainable weights, in a fixed order; names are unique and stable. */
  readonly variables: readonly tf.Variable[];
  /** Non-trainable state (batch-norm running statistics), in a fixed order. */
  readonly state: readonly tf.Variable[];
  /** Number of trainable scalars. */
  readonly paramCount: number;
  /** Frees every variable. */
  dispose(): void;
}

/** A network of one input: a generator, or a classic discriminator. */
export interface CompiledNetwork extends CompiledParameters {
  readonly input: "single";
  /** Per-example input shape, without the batch axis, e.g. `[128]` or `[32, 32, 3]`. */
  readonly inputShape: readonly number[];
  /** Per-example output shape, without the batch axis; `[]` for a scalar score. */
  readonly outputShape: readonly number[];
  /**
   * Runs the network. Allocates only its result (call it inside `tf.tidy`
   * or dispose the result).
   *
   * @param x `[batch, ...inputShape]`.
   * @returns `[batch, ...outputShape]`; a discriminator returns `[batch]`.
   */
  apply(x: tf.Tensor, options: ApplyOptions): tf.Tensor;
}

/** A relation discriminator: scores a pair of samples (paper section 3.1). */
export interface CompiledPairNetwork extends CompiledParameters {
  readonly input: "pair";
  /** Per-example shape of each sample of the pair. */
  readonly inputShape: readonly number[];
  /**
   * Scores pairs: a high score means the two samples look as if they came
   * from different distributions (asymmetric pair).
   *
   * @param a `[batch, ...inputShape]`.
   * @param b `[batch, ...inputShape]`.
   * @returns `[batch]` relation scores D(a, b).
   */
  apply(a: tf.Tensor, b: tf.Tensor, options: ApplyOptions): tf.Tensor1D;
}

/** Either kind of discriminator. */
export type CompiledDiscriminator = CompiledNetwork | CompiledPairNetwork;
