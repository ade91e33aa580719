import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  DEFAULT_GP_LAMBDA,
  wassersteinDiscriminatorLoss,
  wassersteinGeneratorLoss,
  wassersteinGradientPenalty,
  wganGpLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  assertGradientsClose,
  CRITIC_PARAMS,
  criticInputGradient,
  criticScore,
  finiteDifference,
  flatGrads,
  generate,
  GENERATOR_PARAMS,
  makeCritic,
  mean,
  REAL,
  UNIFORM,
} from "./_fixtures.ts";
import {
  checkSingleLoss,
  FD_STEP,
  GRAD_FLOOR,
  GRAD_TOLERANCE,
  type SingleReference,
} from "./_single.ts";

await useBackend("cpu");

/** E[(‖∇ D(x̂)‖₂ − 1)²] in float64, x̂ᵢ = εᵢ·xᵢ + (1 − εᵢ)·yᵢ. */
const penalty: SingleReference = (p, real, fake, uniform) =>
  mean(real.map((x, i) => {
    const e = uniform[i];
    const xHat = x.map((xj, j) => e * xj + (1 - e) * fake[i][j]);
    const g = criticInputGradient(p, xHat);
    return (Math.sqrt(g.reduce((s, gj) => s + gj * gj, 0) + 1e-12) - 1) ** 2;
  }));

const refD = (lambda: number): SingleReference => (p, real, fake, uniform) =>
  mean(fake.map((y) => criticScore(p, y))) -
  mean(real.map((x) => criticScore(p, x))) +
  lambda * penalty(p, real, fake, uniform);
const refG: SingleReference = (p, _real, fake) =>
  -mean(fake.map((y) => criticScore(p, y)));

// The discriminator's gradient includes the penalty's, a gradient of
// ∇ₓ D: this compares tfjs's second-order gradient with central
// differences of the float64 penalty.
Deno.test("wganGpLoss matches the plain reference, values and finite-difference gradients through the penalty", () =>
  assertNoLeak(
    "wgan_gp",
    () =>
      checkSingleLoss("wgan_gp", wganGpLoss(), refD(DEFAULT_GP_LAMBDA), refG),
  ));

Deno.test("wganGpLoss uses the declared lambda", () =>
  assertNoLeak(
    "wgan_gp",
    () =>
      checkSingleLoss("wgan_gp λ=3", wganGpLoss({ lambda: 3 }), refD(3), refG),
  ));

Deno.test("wassersteinGradientPenalty: the second-order gradient matches finite differences in float64 and in float32", () =>
  assertNoLeak("gradient penalty", () => {
    const { critic, variables, dispose } = makeCritic();
    const fakeData = generate(GENERATOR_PARAMS);
    const batch = {
      real: tf.tensor2d(REAL),
      fake: tf.tensor2d(fakeData),
      uniform: tf.tensor1d(UNIFORM),
    };
    const f = () => wassersteinGradientPenalty(critic, batch);
    const { value, grads } = tf.variableGrads(f, variables);
    const tfGrad = flatGrads(grads, variables);
    assert.ok(
      Math.abs(
        value.dataSync()[0] - penalty(CRITIC_PARAMS, REAL, fakeData, UNIFORM),
      ) < 1e-5,
    );

    // Against the float64 reference (h = 1e-6): tolerance as in _single.ts.
    assertGradientsClose(
      tfGrad,
      finiteDifference(
        (p) => penalty(p, REAL, fakeData, UNIFORM),
        CRITIC_PARAMS,
        FD_STEP,
      ),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      "penalty vs float64 differences",
    );

    // Against differences of the tfjs penalty itself, in float32 on the cpu
    // backend: with h = 1e-2 the rounding error is about 6e-8·GP/h ≈ 1e-5
    // and the truncation error about h²/6·|GP'''| ≈ 1e-4, so 2e-2 relative
    // (floor 0.1) separates a right gradient from a wrong one.
    const h = 1e-2;
    const flat = variables.map((v) => Array.from(v.dataSync()));
    const setFlat = (values: number[]) => {
      let offset = 0;
      variables.forEach((v, i) => {
        const n = flat[i].length;
        tf.tidy(() =>
          v.assign(tf.tensor(values.slice(offset, offset + n), v.shape))
        );
        offset += n;
      });
    };
    const evaluate = (values: number[]) => {
      setFlat(values);
      return tf.tidy(() => f().dataSync()[0]);
    };
    const fd32 = finiteDifference(evaluate, flat.flat(), h);
    setFlat(flat.flat());
    assertGradientsClose(
      tfGrad,
      fd32,
      2e-2,
      0.1,
      "penalty vs float32 differences",
    );

    tf.dispose([value, ...Object.values(grads), ...Object.values(batch)]);
    dispose();
  }));

Deno.test("wassersteinGradientPenalty interpolates with one ε per example on image-shaped batches", () =>
  assertNoLeak("gradient penalty", () => {
    // D(x) = ½‖x‖² has ∇ D(x̂) = x̂, so each penalty is (‖x̂ᵢ‖ − 1)².
    const critic = (x: tf.Tensor) =>
      tf.mul(
        tf.sum(tf.square(tf.reshape(x, [x.shape[0], -1])), 1),
        0.5,
      ) as tf.Tensor1D;
    const real = [[[1, 0], [0, 1]], [[2, 2], [0, 0]]]; // [2, 2, 2]
    const fake = [[[0, 0], [0, 0]], [[0, 0], [1, 1]]];
    const eps = [0.5, 0.25];
    const batch = {
      real: tf.tensor3d(real),
      fake: tf.tensor3d(fake),
      uniform: tf.tensor1d(eps),
    };
    const perExample = wassersteinGradientPenalty(critic, batch, {
      reduction: "none",
    });
    const expected = real.map((xi, i) => {
      const xHat = xi.flat().map((v, j) =>
        eps[i] * v + (1 - eps[i]) * fake[i].flat()[j]
      );
      return (Math.hypot(...xHat) - 1) ** 2;
    });
    const got = Array.from(perExample.dataSync());
    got.forEach((v, i) =>
      assert.ok(
        Math.abs(v - expected[i]) < 1e-5,
        `example ${i}: ${v} vs ${expected[i]}`,
      )
    );
    tf.dispose([perExample, ...Object.values(batch)]);
  }));

Deno.test("wassersteinGradientPenalty rejects interpolation factors of the wrong shape", () => {
  const critic = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
  const batch = {
    real: tf.zeros([3, 2]),
    fake: tf.zeros([3, 2]),
    uniform: tf.zeros([2]) as tf.Tensor1D,
  };
  assert.throws(
    () => wassersteinGradientPenalty(critic, batch),
    new TypeError(
      "Cannot compute wassersteinGradientPenalty: batch.uniform must hold one interpolation factor per example, shape [3], but its shape is [2]. Fix: draw batch-size uniform numbers for each step",
    ),
  );
  tf.dispose(Object.values(batch));
});

Deno.test("wasserstein per-example losses and the lambda check", () => {
  const real = tf.tensor1d([1, -2]);
  const fake = tf.tensor1d([3, 5]);
  const d = wassersteinDiscriminatorLoss(real, fake, { reduction: "none" });
  const g = wassersteinGeneratorLoss(fake, { reduction: "none" });
  assert.deepEqual(Array.from(d.dataSync()), [3 - 1, 5 - -2]);
  assert.deepEqual(Array.from(g.dataSync()), [-3, -5]);
  tf.dispose([real, fake, d, g]);
  assert.throws(
    () => wganGpLoss({ lambda: -1 }),
    new RangeError(
      "Cannot build wganGpLoss: lambda must be a finite number >= 0, current value is -1",
    ),
  );
});
