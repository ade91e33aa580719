import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  leastSquaresDiscriminatorLoss,
  leastSquaresGeneratorLoss,
  leastSquaresLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import { mean } from "./_fixtures.ts";
import { checkSingleLoss, onScores } from "./_single.ts";

await useBackend("cpu");

// Mao et al. 2017 with a = 0 (fake target), b = 1 (real target), c = 1
// (the generator's target for its samples).
const [a, b, c] = [0, 1, 1];
const refD = (r: number[], f: number[]) =>
  0.5 * mean(r.map((t) => (t - b) ** 2)) +
  0.5 * mean(f.map((t) => (t - a) ** 2));
const refG = (_r: number[], f: number[]) =>
  0.5 * mean(f.map((t) => (t - c) ** 2));

Deno.test("leastSquaresLoss matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak(
    "lsgan",
    () =>
      checkSingleLoss(
        "lsgan",
        leastSquaresLoss(),
        onScores(refD),
        onScores(refG),
      ),
  ));

Deno.test("leastSquaresDiscriminatorLoss and leastSquaresGeneratorLoss give per-example values with reduction none", () => {
  const real = tf.tensor1d([1, 0, 3]);
  const fake = tf.tensor1d([0, -1, 2]);
  const d = leastSquaresDiscriminatorLoss(real, fake, { reduction: "none" });
  const g = leastSquaresGeneratorLoss(fake, { reduction: "none" });
  assert.deepEqual(Array.from(d.dataSync()), [
    0.5 * 0 + 0.5 * 0,
    0.5 * 1 + 0.5 * 1,
    0.5 * 4 + 0.5 * 4,
  ]);
  assert.deepEqual(Array.from(g.dataSync()), [0.5, 0.5 * 4, 0.5]);
  tf.dispose([real, fake, d, g]);
});

Deno.test("leastSquaresLoss takes no options and says so", () => {
  assert.throws(
    () => leastSquaresLoss({ a: 0 } as unknown as Record<string, never>),
    new TypeError(
      'Cannot build leastSquaresLoss: unknown option "a". Fix: use no options',
    ),
  );
  assert.equal(leastSquaresLoss({}).kind, "lsgan");
});
