/**
 * What the compiler produces: networks as pure functions over explicit
 * `tf.Variable`s. The engine, the losses and the benchmark depend on these
 * types only, never on how a network was declared.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import type { DataSource } from "../data/types.ts";
import type { GanLoss } from "../losses/types.ts";
import type { Evaluator } from "../metrics/types.ts";

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

/** Adam's settings for one network (paper table 2). */
export interface AdamPlan {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Everything the engine needs to know about how to train, resolved from the
 * declaration to plain numbers (no defaults left to apply).
 */
export interface TrainingPlan {
  /** The run's name, unique within its suite. */
  readonly name: string;
  /** The run's seed; every random stream is forked from it. */
  readonly seed: number;
  /** Number of generator updates. */
  readonly iterations: number;
  readonly batchSize: number;
  /** Discriminator updates per generator update. */
  readonly dSteps: number;
  /** Whether the discriminator's updates come before the generator's in a step. */
  readonly order: "discriminator-first" | "generator-first";
  readonly optim: {
    readonly generator: AdamPlan;
    readonly discriminator: AdamPlan;
  };
  /** Decay of the generator's exponential moving average; 0 keeps no EMA. */
  readonly emaDecay: number;
  /** Steps between metrics records; 0 never. */
  readonly logEvery: number;
  /** Steps between sample images; 0 never. */
  readonly sampleEvery: number;
  /** Number of samples drawn for each sample image. */
  readonly sampleCount: number;
  /** Steps between checkpoints; 0 only at the end. */
  readonly checkpointEvery: number;
  /** Steps between scheduled evaluations; 0 only at the end. */
  readonly evalEvery: number;
}

/** A declaration lowered to networks, a loss, data and a plan. */
export interface CompiledExperiment {
  /** The resolved declaration as plain data (written to spec.yaml, kept in checkpoints). */
  readonly declaration: unknown;
  readonly plan: TrainingPlan;
  /** Length of the latent vector z ~ N(0, I) the generator takes. */
  readonly latentDim: number;
  readonly generator: CompiledNetwork;
  readonly discriminator: CompiledDiscriminator;
  readonly loss: GanLoss;
  readonly data: DataSource;
  readonly evaluators: readonly Evaluator[];
  /**
   * Warnings of the declaration's validation, as sentences (e.g. a linear
   * relation module after a sum merge); absent or empty when there are none.
   */
  readonly warnings?: readonly string[];
  /** Frees every network's variables. */
  dispose(): void;
}
