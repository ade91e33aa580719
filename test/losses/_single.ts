/**
 * The checks every single-input loss gets against its plain-number
 * reference: values, and gradients against central finite differences of
 * the float64 reference.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import type { SingleLoss } from "../../src/losses/mod.ts";
import { assertClose } from "../_helpers.ts";
import {
  assertGradientsClose,
  CRITIC_PARAMS,
  criticScore,
  disposeLoss,
  finiteDifference,
  flatGrads,
  generate,
  GENERATOR_PARAMS,
  makeCritic,
  makeGenerator,
  REAL,
  UNIFORM,
  value,
} from "./_fixtures.ts";

/** A plain reference: a side's total from the critic's parameters and the samples. */
export type SingleReference = (
  criticParams: readonly number[],
  real: readonly number[][],
  fake: readonly number[][],
  uniform: readonly number[],
) => number;

/** A reference written on scores only. */
export function onScores(
  f: (real: number[], fake: number[]) => number,
): SingleReference {
  return (p, real, fake) =>
    f(real.map((x) => criticScore(p, x)), fake.map((x) => criticScore(p, x)));
}

/**
 * Float64 central differences with h = 1e-6 have truncation error ~h² and
 * rounding error ~1e-16/h, both far below float32's; the tolerance covers
 * float32 rounding in tfjs: |tf − fd| ≤ 1e-3 · max(|fd|, 1e-2).
 */
export const FD_STEP = 1e-6;
export const GRAD_TOLERANCE = 1e-3;
export const GRAD_FLOOR = 1e-2;

/** Value and gradient checks of both sides of a single-input loss. */
export function checkSingleLoss(
  label: string,
  loss: SingleLoss,
  refD: SingleReference,
  refG: SingleReference,
): void {
  const critic = makeCritic();
  const generator = makeGenerator();
  const real = tf.tensor2d(REAL);
  const uniform = tf.tensor1d(UNIFORM);
  try {
    const fakeData = generate(GENERATOR_PARAMS);

    // Values against the plain reference (float32: 1e-5 relative).
    const fake = generator.fake();
    const batch = { real, fake, uniform };
    const d = loss.discriminator(critic.critic, batch);
    const g = loss.generator(critic.critic, batch);
    assertClose(
      [value(d.total)],
      [refD(CRITIC_PARAMS, REAL, fakeData, UNIFORM)],
      1e-5,
      `${label} discriminator value`,
    );
    assertClose(
      [value(g.total)],
      [refG(CRITIC_PARAMS, REAL, fakeData, UNIFORM)],
      1e-5,
      `${label} generator value`,
    );
    disposeLoss(d);
    disposeLoss(g);

    // The discriminator's gradient with respect to the critic's variables;
    // the generated samples are data.
    const dGrads = tf.variableGrads(
      () => loss.discriminator(critic.critic, batch).total,
      critic.variables,
    );
    assertGradientsClose(
      flatGrads(dGrads.grads, critic.variables),
      finiteDifference(
        (p) => refD(p, REAL, fakeData, UNIFORM),
        CRITIC_PARAMS,
        FD_STEP,
      ),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      `${label} discriminator gradient`,
    );
    tf.dispose([dGrads.value, ...Object.values(dGrads.grads)]);
    fake.dispose();

    // The generator's gradient with respect to the generator's variables,
    // through the generated samples.
    const gGrads = tf.variableGrads(() => {
      const y = generator.fake();
      return loss.generator(critic.critic, { real, fake: y, uniform }).total;
    }, generator.variables);
    assertGradientsClose(
      flatGrads(gGrads.grads, generator.variables),
      finiteDifference(
        (p) => refG(CRITIC_PARAMS, REAL, generate(p), UNIFORM),
        GENERATOR_PARAMS,
        FD_STEP,
      ),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      `${label} generator gradient`,
    );
    assert.ok(
      Object.keys(gGrads.grads).length === generator.variables.length,
      "every generator variable gets a gradient",
    );
    tf.dispose([gGrads.value, ...Object.values(gGrads.grads)]);
  } finally {
    critic.dispose();
    generator.dispose();
    tf.dispose([real, uniform]);
  }
}
