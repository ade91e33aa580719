/**
 * The explicit state of a GAN training run.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "../backend/mod.ts";
import type { CompiledExperiment } from "../compiler/types.ts";
import { Rng } from "../random.ts";
import { type AdamState, disposeAdam, initAdam } from "./adam.ts";
import { generate } from "./_sampling.ts";

/** The names of the run's random streams, each forked from the seed. */
export const STREAM_NAMES = [
  "init",
  "latent",
  "data",
  "loss",
  "eval",
] as const;

/** One of {@linkcode STREAM_NAMES}. */
export type StreamName = typeof STREAM_NAMES[number];

/**
 * The run's random streams. `init` draws the first step's y2 latents,
 * `latent` every other latent batch, `data` every real batch, `loss` the
 * uniform draws single-input losses get (WGAN-GP's interpolation factors),
 * and `eval` is the parent of every evaluation's and sample image's stream
 * (forked, never advanced, so evaluating does not change training).
 */
export type RngStreams = Readonly<Record<StreamName, Rng>>;

/**
 * Everything a training step reads and writes besides the compiled
 * experiment's own code.
 *
 * The weights and Adam's moments are `tf.Variable`s that a step assigns in
 * place; the step count, the Adam update counts and the relation history
 * are replaced by each step, and the random streams advance as they draw.
 */
export interface TrainState {
  /** Generator updates completed so far. */
  readonly step: number;
  /** The networks' weights and non-trainable state (the compiled networks' own variables). */
  readonly weights: {
    readonly generator: readonly tf.Variable[];
    readonly generatorState: readonly tf.Variable[];
    readonly discriminator: readonly tf.Variable[];
    readonly discriminatorState: readonly tf.Variable[];
  };
  /** Adam's state for each network. */
  readonly adam: {
    readonly generator: AdamState;
    readonly discriminator: AdamState;
  };
  /**
   * y2 of the relation loss: the generated batch of the most recent update
   * (discriminator or generator), detached, `[batch, ...shape]`. Before the
   * first update it is an independent batch from the initial generator,
   * drawn with latents from the `init` stream. `null` for single-input
   * losses, which do not use it.
   */
  readonly fakePrev: tf.Tensor | null;
  /** The random streams. */
  readonly rng: RngStreams;
  /** Exponential moving average of the generator's weights, or `null` when the plan keeps none. */
  readonly ema: readonly tf.Variable[] | null;
}

/**
 * Forks a seed into the run's named random streams.
 *
 * @param seed The run's seed.
 * @returns One independent generator per name in {@linkcode STREAM_NAMES}.
 *
 * @example Named streams are reproducible and distinct
 * ```ts
 * import { forkStreams } from "./train_state.ts";
 * import assert from "node:assert/strict";
 *
 * const a = forkStreams(7);
 * const b = forkStreams(7);
 * assert.deepEqual(a.latent.uniform(3), b.latent.uniform(3));
 * assert.notDeepEqual(a.data.uniform(3), a.loss.uniform(3));
 * ```
 */
export function forkStreams(seed: number): RngStreams {
  const root = new Rng(seed);
  return Object.fromEntries(
    STREAM_NAMES.map((name) => [name, root.fork(name)]),
  ) as RngStreams;
}

/**
 * Creates the state of a fresh run: step 0, zero Adam moments, the streams
 * forked from the plan's seed, EMA weights copied from the generator when
 * the plan asks for them, and (for pair losses) the first y2 batch.
 *
 * @param compiled The compiled experiment; its networks keep their weights.
 * @returns The initial state; free it with {@linkcode disposeTrainState}.
 * @throws {TypeError} When the loss and the discriminator disagree on
 * single versus pair input.
 */
export function initTrainState(compiled: CompiledExperiment): TrainState {
  const { generator, discriminator, loss, plan } = compiled;
  if (loss.input !== discriminator.input) {
    throw new TypeError(
      `Cannot train ${plan.name}: the loss "${loss.kind}" takes ${loss.input} input but the discriminator takes ${discriminator.input} input; use a pair loss (relation, siamese) with a relation discriminator and a single loss otherwise`,
    );
  }
  const rng = forkStreams(plan.seed);
  const ema = plan.emaDecay > 0
    ? generator.variables.map((w, i) =>
      tf.tidy(() => tf.variable(tf.clone(w), false, `ema/${i}/${w.id}`))
    )
    : null;
  const fakePrev = loss.input === "pair"
    ? generate(compiled, rng.init, plan.batchSize, true) // [batch, ...shape]
    : null;
  return {
    step: 0,
    weights: {
      generator: generator.variables,
      generatorState: generator.state,
      discriminator: discriminator.variables,
      discriminatorState: discriminator.state,
    },
    adam: {
      generator: initAdam(generator.variables, "generator"),
      discriminator: initAdam(discriminator.variables, "discriminator"),
    },
    fakePrev,
    rng,
    ema,
  };
}

/**
 * Frees what a state owns: Adam's moments, the EMA weights and the relation
 * history. The networks' weights belong to the compiled experiment and stay.
 *
 * @param state The state to free.
 */
export function disposeTrainState(state: TrainState): void {
  disposeAdam(state.adam.generator);
  disposeAdam(state.adam.discriminator);
  state.fakePrev?.dispose();
  for (const w of state.ema ?? []) w.dispose();
}
