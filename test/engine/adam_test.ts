import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import { adamUpdate, disposeAdam, initAdam } from "../../src/engine/mod.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";

await useBackend("cpu");

const PLAN = { learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-7 };

/** Adam in plain numbers (Kingma and Ba, algorithm 1). */
function reference(w: number[], grads: number[][]): number[] {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const out = [...w];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < out.length; i++) {
      m[i] = PLAN.beta1 * m[i] + (1 - PLAN.beta1) * g[i];
      v[i] = PLAN.beta2 * v[i] + (1 - PLAN.beta2) * g[i] * g[i];
      const mHat = m[i] / (1 - PLAN.beta1 ** t);
      const vHat = v[i] / (1 - PLAN.beta2 ** t);
      out[i] -= PLAN.learningRate * mHat / (Math.sqrt(vHat) + PLAN.epsilon);
    }
  });
  return out;
}

Deno.test("adamUpdate matches a plain-number Adam over five steps within 1e-5", async () => {
  const start = [0.5, -1.5, 2, 0];
  const grads = [
    [0.1, -0.2, 0.3, 0],
    [1, 2, -3, 0.5],
    [-0.5, 0.25, 0, 1e-3],
    [0.2, 0.2, 0.2, 0.2],
    [3, -1, 0.5, -2],
  ];
  const w = tf.variable(tf.tensor1d(start));
  let adam = initAdam([w], "test");
  await assertNoLeak("adamUpdate", () => {
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      adam = adamUpdate(adam, [w], [gt], PLAN);
      gt.dispose();
    }
  });
  assert.equal(adam.step, 5);
  assertClose(w.dataSync(), reference(start, grads), 1e-5, "weights");
  disposeAdam(adam);
  w.dispose();
});

Deno.test("adamUpdate rejects mismatched weights and gradients", () => {
  const w = tf.variable(tf.zeros([2]));
  const adam = initAdam([w], "test");
  assert.throws(
    () => adamUpdate(adam, [w, w], [tf.zeros([2])], PLAN),
    /Cannot apply Adam: the state holds 1 moments, but 2 weights and 1 gradients were given/,
  );
  disposeAdam(adam);
  w.dispose();
});
