import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import { ensureSecondOrderGradients } from "../../src/losses/_second_order.ts";
import { assertNoLeak } from "../_helpers.ts";
import { assertGradientsClose, finiteDifference } from "./_fixtures.ts";

await useBackend("cpu");
ensureSecondOrderGradients();

/**
 * P(w) = ‖∇ₓ Σ f(x, w)‖², the shape of a gradient penalty, and its gradient
 * with respect to w by tfjs (a gradient of a gradient) and by float32
 * central differences of P itself. Step h = 1e-2 and tolerance 2e-2
 * relative (floor 0.1): rounding ~1e-5, truncation ~h²/6·|P'''| ~ 1e-4.
 */
function checkPenaltyGradient(
  label: string,
  f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  w0: number[],
  wShape: number[],
): void {
  const penalty = (w: tf.Tensor) => {
    const g = tf.grad((xx: tf.Tensor) => tf.sum(f(xx, w)))(x);
    return tf.sum(tf.square(g));
  };
  const w = tf.tensor(w0, wShape);
  const autodiff = tf.tidy(() => Array.from(tf.grad(penalty)(w).dataSync()));
  const differences = finiteDifference(
    (values) => tf.tidy(() => penalty(tf.tensor(values, wShape)).dataSync()[0]),
    w0,
    1e-2,
  );
  assertGradientsClose(autodiff, differences, 2e-2, 0.1, label);
  w.dispose();
}

const X = [0.9, -1.3, 0.4, 1.7];
const W = [0.6, 0.8, -1.1, 0.35];
const unary: Array<[string, (t: tf.Tensor) => tf.Tensor]> = [
  ["tanh", tf.tanh],
  ["sigmoid", tf.sigmoid],
  ["exp", tf.exp],
  ["elu", tf.elu],
  ["relu", tf.relu],
  ["leakyRelu", (t) => tf.leakyRelu(t, 0.2)],
  ["softplus", tf.softplus],
  ["square", tf.square],
];

for (const [name, op] of unary) {
  Deno.test(`ensureSecondOrderGradients: the gradient of ${name}'s input gradient matches finite differences`, () =>
    assertNoLeak(name, () => {
      const x = tf.tensor1d(X);
      checkPenaltyGradient(name, (xx, w) => op(tf.mul(xx, w)), x, W, [4]);
      x.dispose();
    }));
}

Deno.test("ensureSecondOrderGradients: a conv2d + bias + tanh + dense critic's penalty gradient matches finite differences", () =>
  assertNoLeak("conv critic", () => {
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => Math.sin(i * 1.7)),
      [1, 4, 4, 1],
    );
    const filter = [0.4, -0.7, 0.2, 0.9];
    checkPenaltyGradient(
      "conv2d",
      (xx, w) =>
        tf.tanh(
          tf.add(
            tf.conv2d(xx as tf.Tensor4D, w as tf.Tensor4D, 2, "valid"),
            0.1,
          ),
        ),
      x,
      filter,
      [2, 2, 1, 1],
    );
    x.dispose();
  }));

Deno.test("ensureSecondOrderGradients keeps first-order gradients unchanged and is idempotent", () => {
  ensureSecondOrderGradients();
  const x = tf.tensor1d(X);
  for (
    const [name, op, derivative] of [
      ["tanh", tf.tanh, (t: number) => 1 - Math.tanh(t) ** 2],
      [
        "sigmoid",
        tf.sigmoid,
        (t: number) => Math.exp(-t) / (1 + Math.exp(-t)) ** 2,
      ],
      ["exp", tf.exp, Math.exp],
      ["elu", tf.elu, (t: number) => (t > 0 ? 1 : Math.exp(t))],
    ] as const
  ) {
    const g = tf.grad((t: tf.Tensor) => tf.sum(op(t)))(x);
    Array.from(g.dataSync()).forEach((v, i) =>
      assert.ok(Math.abs(v - derivative(X[i])) < 1e-6, `${name} at ${X[i]}`)
    );
    g.dispose();
  }
  x.dispose();
});
