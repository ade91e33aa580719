/**
 * The checks every pair (relation) loss gets against its plain-number
 * reference: values, and gradients against central finite differences of
 * the float64 reference, for the relation critic's variables and for the
 * generator's.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { PairLoss } from "../../src/losses/mod.ts";
import { assertClose } from "../_helpers.ts";
import {
  assertGradientsClose,
  disposeLoss,
  FAKE_PREV,
  finiteDifference,
  flatGrads,
  generate,
  GENERATOR_PARAMS,
  makeGenerator,
  makeRelationCritic,
  REAL,
  REAL2,
  RELATION_PARAMS,
  relationScore,
  value,
} from "./_fixtures.ts";
import { FD_STEP, GRAD_FLOOR, GRAD_TOLERANCE } from "./_single.ts";

/** The four batches of paper section 3.2 as plain numbers. */
export interface PlainPairBatch {
  readonly x1: readonly number[][];
  readonly x2: readonly number[][];
  readonly y1: readonly number[][];
  readonly y2: readonly number[][];
}

/** The relation scores of the three pairs in float64. */
export function plainScores(p: readonly number[], b: PlainPairBatch) {
  return {
    rr: b.x1.map((x, i) => relationScore(p, x, b.x2[i])),
    ff: b.y1.map((y, i) => relationScore(p, y, b.y2[i])),
    rf: b.x1.map((x, i) => relationScore(p, x, b.y1[i])),
  };
}

/** A plain reference: a side's total from the critic's parameters and the batch. */
export type PairReference = (
  criticParams: readonly number[],
  batch: PlainPairBatch,
) => number;

export const plainBatch = (
  generatorParams: readonly number[],
): PlainPairBatch => ({
  x1: REAL,
  x2: REAL2,
  y1: generate(generatorParams),
  y2: FAKE_PREV,
});

/** Value and gradient checks of both sides of a pair loss. */
export function checkPairLoss(
  label: string,
  loss: PairLoss,
  refD: PairReference,
  refG: PairReference,
): void {
  const critic = makeRelationCritic();
  const generator = makeGenerator();
  const real = tf.tensor2d(REAL);
  const real2 = tf.tensor2d(REAL2);
  const fakePrev = tf.tensor2d(FAKE_PREV);
  const base = plainBatch(GENERATOR_PARAMS);
  try {
    // Values against the plain reference (float32: 1e-5 relative).
    const fake = generator.fake();
    const batch = { real, real2, fake, fakePrev };
    const d = loss.discriminator(critic.critic, batch);
    const g = loss.generator(critic.critic, batch);
    assertClose(
      [value(d.total)],
      [refD(RELATION_PARAMS, base)],
      1e-5,
      `${label} discriminator value`,
    );
    assertClose(
      [value(g.total)],
      [refG(RELATION_PARAMS, base)],
      1e-5,
      `${label} generator value`,
    );
    disposeLoss(d);
    disposeLoss(g);

    // The discriminator's gradient with respect to the critic's variables.
    const dGrads = tf.variableGrads(
      () => loss.discriminator(critic.critic, batch).total,
      critic.variables,
    );
    assertGradientsClose(
      flatGrads(dGrads.grads, critic.variables),
      finiteDifference((p) => refD(p, base), RELATION_PARAMS, FD_STEP),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      `${label} discriminator gradient`,
    );
    tf.dispose([dGrads.value, ...Object.values(dGrads.grads)]);
    fake.dispose();

    // The generator's gradient, through y1 = G(z) (y2 is data).
    const gGrads = tf.variableGrads(() => {
      const y1 = generator.fake();
      return loss.generator(critic.critic, { real, real2, fake: y1, fakePrev })
        .total;
    }, generator.variables);
    assertGradientsClose(
      flatGrads(gGrads.grads, generator.variables),
      finiteDifference(
        (p) => refG(RELATION_PARAMS, plainBatch(p)),
        GENERATOR_PARAMS,
        FD_STEP,
      ),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      `${label} generator gradient`,
    );
    tf.dispose([gGrads.value, ...Object.values(gGrads.grads)]);
  } finally {
    critic.dispose();
    generator.dispose();
    tf.dispose([real, real2, fakePrev]);
  }
}
