import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  hingeDiscriminatorLoss,
  hingeGeneratorLoss,
  hingeLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import { mean, relu } from "./_fixtures.ts";
import { checkSingleLoss, onScores } from "./_single.ts";

await useBackend("cpu");

const refD = (r: number[], f: number[]) =>
  mean(r.map((t) => relu(1 - t))) + mean(f.map((t) => relu(1 + t)));
const refG = (_r: number[], f: number[]) => -mean(f);

// The fixture's scores keep every hinge at least 0.3 from its kink, far
// beyond the finite-difference step.
Deno.test("hingeLoss matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak(
    "hinge",
    () => checkSingleLoss("hinge", hingeLoss(), onScores(refD), onScores(refG)),
  ));

Deno.test("hingeDiscriminatorLoss is zero beyond the margins and linear inside them", () => {
  const real = tf.tensor1d([1.5, 0.25, -2]);
  const fake = tf.tensor1d([-1.5, -0.5, 3]);
  const d = hingeDiscriminatorLoss(real, fake, { reduction: "none" });
  assert.deepEqual(Array.from(d.dataSync()), [0, 0.75 + 0.5, 3 + 4]);
  const g = hingeGeneratorLoss(fake);
  assert.ok(Math.abs(g.dataSync()[0] - -(-1.5 - 0.5 + 3) / 3) < 1e-7);
  tf.dispose([real, fake, d, g]);
});

Deno.test("hingeDiscriminatorLoss rejects scores of shape [batch, 1]", () => {
  const real = tf.zeros([3, 1]) as unknown as tf.Tensor1D;
  const fake = tf.zeros([3]) as tf.Tensor1D;
  assert.throws(
    () => hingeDiscriminatorLoss(real, fake),
    new TypeError(
      "Cannot compute hingeDiscriminatorLoss: realScores must be a [batch] vector of scores, but its shape is [3,1]. Fix: pass one score per example (squeeze a trailing axis of size 1)",
    ),
  );
  tf.dispose([real, fake]);
});
