/**
 * One training step: the plan's discriminator updates and one generator
 * update, in the plan's order.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "../backend/mod.ts";
import type { CompiledExperiment } from "../compiler/types.ts";
import type {
  Critic,
  LossValue,
  PairBatch,
  RelationCritic,
  SingleBatch,
} from "../losses/types.ts";
import { type AdamState, adamUpdate } from "./adam.ts";
import { latentBatch, realBatch } from "./_sampling.ts";
import type { TrainState } from "./train_state.ts";

/** What one step measured, as plain numbers (after the step's single device sync). */
export interface StepResult {
  /** The state after the step. */
  readonly state: TrainState;
  /**
   * Loss values: `d/total` and `d/<term>` (the mean over the step's
   * discriminator updates), `g/total` and `g/<term>`.
   */
  readonly losses: Readonly<Record<string, number>>;
  /** Sum of every weight of each network; non-finite when any weight is. */
  readonly weightSums: {
    readonly generator: number;
    readonly discriminator: number;
  };
}

/** An update's loss values, still on the device, with their names. */
interface UpdateTerms {
  /** `[1 + terms]`: the total, then each term. */
  readonly values: tf.Tensor1D;
  readonly names: readonly string[];
}

/** What an update leaves behind. */
interface UpdateResult {
  readonly adam: AdamState;
  /** This update's generated batch, detached: the next update's y2. */
  readonly fake: tf.Tensor;
  readonly terms: UpdateTerms;
}

/**
 * Runs one training step: `plan.dSteps` discriminator updates and one
 * generator update, ordered by `plan.order`, then one device sync (an
 * awaited `data()`, which every backend supports, webgpu included) that
 * reads every loss term and the weights' sums.
 *
 * Each update draws its own real batch x1 (and, for pair losses, a second
 * real batch x2) from the `data` stream and its own latents from the
 * `latent` stream; single-input losses also get `[batch]` uniform draws
 * from the `loss` stream. For pair losses y2 is `state.fakePrev`, the
 * generated batch of the previous update, and this update's y1 becomes the
 * next update's y2.
 *
 * The weights, Adam's moments and the EMA weights are assigned in place;
 * the returned state carries the new step, Adam counts and history.
 *
 * @param compiled The compiled experiment.
 * @param state The state before the step; its `fakePrev` is freed.
 * @returns The state after the step and what it measured.
 *
 * @example Two explicit steps
 * ```ts
 * import { trainStep } from "./train_step.ts";
 * import { disposeTrainState, initTrainState } from "./train_state.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import { compile } from "../compiler/mod.ts";
 * import { datasets, experiment, losses, networks } from "../dsl/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const compiled = await compile(experiment({
 *   name: "doc",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [8], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [8] }),
 *   loss: losses.wganGp(),
 * }));
 * let state = initTrainState(compiled);
 * const first = await trainStep(compiled, state);
 * const second = await trainStep(compiled, first.state);
 * state = second.state;
 * assert.equal(state.step, 2);
 * assert.equal(state.adam.generator.step, 2);
 * assert.ok("d/gradientPenalty" in second.losses);
 * disposeTrainState(state);
 * compiled.dispose();
 * ```
 */
export async function trainStep(
  compiled: CompiledExperiment,
  state: TrainState,
): Promise<StepResult> {
  const { plan } = compiled;
  let adamD = state.adam.discriminator;
  let adamG = state.adam.generator;
  let fakePrev = state.fakePrev;
  const dTerms: UpdateTerms[] = [];
  const gTerms: UpdateTerms[] = [];

  // The updates of this step, in the plan's order.
  const dUpdates = new Array<"d">(plan.dSteps).fill("d");
  const updates = plan.order === "discriminator-first"
    ? [...dUpdates, "g" as const]
    : ["g" as const, ...dUpdates];
  for (const update of updates) {
    if (update === "d") {
      // Sample; discriminator scores, loss and update.
      const result = discriminatorUpdate(compiled, state, adamD, fakePrev);
      adamD = result.adam;
      fakePrev = replaceHistory(fakePrev, result.fake, compiled);
      dTerms.push(result.terms);
    } else {
      // Sample; generator loss and update.
      const result = generatorUpdate(compiled, state, adamG, fakePrev);
      adamG = result.adam;
      fakePrev = replaceHistory(fakePrev, result.fake, compiled);
      gTerms.push(result.terms);
    }
  }

  // EMA of the generator's weights: ema ← decay · ema + (1 − decay) · w.
  if (state.ema !== null) {
    const ema = state.ema;
    tf.tidy(() => {
      const decay = tf.scalar(plan.emaDecay);
      const rest = tf.scalar(1 - plan.emaDecay);
      compiled.generator.variables.forEach((w, i) => {
        ema[i].assign(tf.add(tf.mul(decay, ema[i]), tf.mul(rest, w)));
      });
    });
  }

  // Metrics: one device sync for every loss term and both weight sums.
  const g = gTerms[0];
  const packed = tf.tidy(() =>
    tf.concat([
      ...dTerms.map((t) => t.values),
      g.values,
      weightSum(compiled.generator.variables),
      weightSum(compiled.discriminator.variables),
    ])
  ); // [dSteps · (1 + dTerms) + (1 + gTerms) + 2]
  for (const t of [...dTerms, g]) t.values.dispose();
  const values = await packed.data(); // device sync
  packed.dispose();

  const losses: Record<string, number> = {};
  let offset = 0;
  const dNames = dTerms[0]?.names ?? [];
  const dSums = new Array<number>(dNames.length).fill(0);
  for (const t of dTerms) {
    for (let j = 0; j < t.names.length; j++) dSums[j] += values[offset + j];
    offset += t.names.length;
  }
  dNames.forEach((name, j) => {
    losses[`d/${name}`] = dSums[j] / dTerms.length;
  });
  g.names.forEach((name, j) => {
    losses[`g/${name}`] = values[offset + j];
  });
  offset += g.names.length;

  return {
    state: {
      ...state,
      step: state.step + 1,
      adam: { generator: adamG, discriminator: adamD },
      fakePrev,
    },
    losses,
    weightSums: {
      generator: values[offset],
      discriminator: values[offset + 1],
    },
  };
}

/** One discriminator update. */
function discriminatorUpdate(
  compiled: CompiledExperiment,
  state: TrainState,
  adam: AdamState,
  fakePrev: tf.Tensor | null,
): UpdateResult {
  const { plan, generator, discriminator, loss, data } = compiled;
  const n = plan.batchSize;

  // Sample: x1, x2 (pair losses), z and y1 = G(z), detached.
  const real = realBatch(data, state.rng.data, n); // [n, ...shape]
  const real2 = loss.input === "pair"
    ? realBatch(data, state.rng.data, n) // [n, ...shape]
    : null;
  const z = latentBatch(state.rng.latent, n, compiled.latentDim); // [n, latentDim]
  const fake = tf.tidy(() => generator.apply(z, { training: true })); // [n, ...shape]
  const uniform = loss.input === "single"
    ? tf.tensor1d(state.rng.loss.uniform(n)) // [n]
    : null;

  // Discriminator scores, loss and gradients.
  let terms: UpdateTerms | null = null;
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const value = evaluateLoss(compiled, "discriminator", {
        real,
        real2,
        fake,
        fakePrev,
        uniform,
      });
      terms = keepTerms(value);
      return value.total;
    }, discriminator.variables as tf.Variable[]);
    return discriminator.variables.map((v) => grads[v.name]);
  });

  // Discriminator update.
  const next = adamUpdate(
    adam,
    discriminator.variables,
    grads,
    plan.optim.discriminator,
  );
  tf.dispose([real, z, ...grads]);
  if (real2) real2.dispose();
  if (uniform) uniform.dispose();
  return { adam: next, fake, terms: terms! };
}

/** One generator update. */
function generatorUpdate(
  compiled: CompiledExperiment,
  state: TrainState,
  adam: AdamState,
  fakePrev: tf.Tensor | null,
): UpdateResult {
  const { plan, generator, loss, data } = compiled;
  const n = plan.batchSize;

  // Sample: x1, x2 (pair losses) and z; y1 = G(z) is computed on the tape.
  const real = realBatch(data, state.rng.data, n); // [n, ...shape]
  const real2 = loss.input === "pair"
    ? realBatch(data, state.rng.data, n) // [n, ...shape]
    : null;
  const z = latentBatch(state.rng.latent, n, compiled.latentDim); // [n, latentDim]
  const uniform = loss.input === "single"
    ? tf.tensor1d(state.rng.loss.uniform(n)) // [n]
    : null;

  // Generator loss and gradients, through the discriminator.
  let terms: UpdateTerms | null = null;
  let fake: tf.Tensor | null = null;
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const y1 = generator.apply(z, { training: true }); // [n, ...shape]
      fake = tf.keep(y1);
      const value = evaluateLoss(compiled, "generator", {
        real,
        real2,
        fake: y1,
        fakePrev,
        uniform,
      });
      terms = keepTerms(value);
      return value.total;
    }, generator.variables as tf.Variable[]);
    return generator.variables.map((v) => grads[v.name]);
  });

  // Generator update.
  const next = adamUpdate(
    adam,
    generator.variables,
    grads,
    plan.optim.generator,
  );
  tf.dispose([real, z, ...grads]);
  if (real2) real2.dispose();
  if (uniform) uniform.dispose();
  return { adam: next, fake: fake!, terms: terms! };
}

/** The tensors an update's loss reads. */
interface UpdateBatch {
  readonly real: tf.Tensor;
  readonly real2: tf.Tensor | null;
  readonly fake: tf.Tensor;
  readonly fakePrev: tf.Tensor | null;
  readonly uniform: tf.Tensor1D | null;
}

/** Calls one side of the loss with the critic and batch its input kind takes. */
function evaluateLoss(
  compiled: CompiledExperiment,
  side: "discriminator" | "generator",
  batch: UpdateBatch,
): LossValue {
  const { loss, discriminator } = compiled;
  if (loss.input === "pair" && discriminator.input === "pair") {
    const critic: RelationCritic = (a, b) =>
      discriminator.apply(a, b, { training: true }); // [n]
    const pair: PairBatch = {
      real: batch.real,
      real2: batch.real2!,
      fake: batch.fake,
      fakePrev: batch.fakePrev!,
    };
    return loss[side](critic, pair);
  }
  if (loss.input === "single" && discriminator.input === "single") {
    const critic: Critic = (x) =>
      discriminator.apply(x, { training: true }) as tf.Tensor1D; // [n]
    const single: SingleBatch = {
      real: batch.real,
      fake: batch.fake,
      uniform: batch.uniform!,
    };
    return loss[side](critic, single);
  }
  throw new TypeError(
    `Cannot evaluate the ${side} loss: the loss "${loss.kind}" takes ${loss.input} input but the discriminator takes ${discriminator.input} input`,
  );
}

/** Packs a loss value's total and terms into one kept vector. */
function keepTerms(value: LossValue): UpdateTerms {
  const names = Object.keys(value.terms);
  const values = tf.keep(
    tf.stack([value.total, ...names.map((k) => value.terms[k])]) as tf.Tensor1D,
  ); // [1 + terms]
  return { values, names: ["total", ...names] };
}

/** Sum of every weight of a network, `[1]`. */
function weightSum(variables: readonly tf.Variable[]): tf.Tensor1D {
  if (variables.length === 0) return tf.zeros([1]);
  return tf.reshape(tf.addN(variables.map((v) => tf.sum(v))), [1]); // [1]
}

/** Swaps the relation history for a new batch, or drops the batch when the loss keeps none. */
function replaceHistory(
  previous: tf.Tensor | null,
  next: tf.Tensor,
  compiled: CompiledExperiment,
): tf.Tensor | null {
  if (compiled.loss.input !== "pair") {
    next.dispose();
    return null;
  }
  previous?.dispose();
  return next;
}
