import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  relativisticDiscriminatorLoss,
  relativisticGeneratorLoss,
  relativisticLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import { mean } from "./_fixtures.ts";
import { checkSingleLoss, onScores } from "./_single.ts";

await useBackend("cpu");

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
// RSGAN (Jolicoeur-Martineau 2018, section 4.1), pairs by index.
const rsD = (r: number[], f: number[]) =>
  mean(r.map((ri, i) => -Math.log(sigmoid(ri - f[i]))));
const rsG = (r: number[], f: number[]) =>
  mean(f.map((fi, i) => -Math.log(sigmoid(fi - r[i]))));
// RaGAN (section 4.3).
const raD = (r: number[], f: number[]) =>
  mean(r.map((ri) => -Math.log(sigmoid(ri - mean(f))))) +
  mean(f.map((fi) => -Math.log(1 - sigmoid(fi - mean(r)))));
const raG = (r: number[], f: number[]) =>
  mean(f.map((fi) => -Math.log(sigmoid(fi - mean(r))))) +
  mean(r.map((ri) => -Math.log(1 - sigmoid(ri - mean(f)))));

Deno.test("relativisticLoss (RSGAN) matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak(
    "rsgan",
    () =>
      checkSingleLoss(
        "rsgan",
        relativisticLoss(),
        onScores(rsD),
        onScores(rsG),
      ),
  ));

Deno.test("relativisticLoss (RaGAN) matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak("ragan", () =>
    checkSingleLoss(
      "ragan",
      relativisticLoss({ average: true }),
      onScores(raD),
      onScores(raG),
    )));

Deno.test("relativistic per-example values average to the means, and RaGAN differs from RSGAN", () => {
  const r = [0.3, -1.2, 2.0];
  const f = [1.1, 0.4, -0.7];
  const real = tf.tensor1d(r);
  const fake = tf.tensor1d(f);
  for (const average of [false, true]) {
    const perExample = relativisticDiscriminatorLoss(real, fake, {
      average,
      reduction: "none",
    });
    const g = relativisticGeneratorLoss(real, fake, { average });
    const values = Array.from(perExample.dataSync());
    assert.ok(Math.abs(mean(values) - (average ? raD : rsD)(r, f)) < 1e-5);
    assert.ok(Math.abs(g.dataSync()[0] - (average ? raG : rsG)(r, f)) < 1e-5);
    tf.dispose([perExample, g]);
  }
  assert.ok(Math.abs(raD(r, f) - rsD(r, f)) > 0.1);
  tf.dispose([real, fake]);
});

Deno.test("relativisticLoss rejects a non-boolean average", () => {
  assert.throws(
    () => relativisticLoss({ average: "yes" as unknown as boolean }),
    new TypeError(
      'Cannot build relativisticLoss: average must be true or false, current value is "yes"',
    ),
  );
});
