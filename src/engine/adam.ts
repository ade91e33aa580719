/**
 * Adam over explicit state, so a checkpoint holds the optimiser exactly.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { AdamPlan } from "../compiler/types.ts";

/**
 * The whole state of Adam for one network: the update count and the first
 * and second moment estimates, one variable per trainable weight, in the
 * network's variable order.
 */
export interface AdamState {
  /** Updates applied so far (t in the formula). */
  readonly step: number;
  /** First moments m, shaped like the weights. */
  readonly m: readonly tf.Variable[];
  /** Second moments v, shaped like the weights. */
  readonly v: readonly tf.Variable[];
}

/**
 * Creates Adam's state for a list of weights: t = 0, m = v = 0.
 *
 * @param variables The network's trainable weights.
 * @param label A prefix for the moment variables' names, e.g. `"generator"`.
 * @returns Fresh state; dispose it with {@linkcode disposeAdam}.
 *
 * @example Zero moments, one per weight
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { disposeAdam, initAdam } from "./adam.ts";
 * import assert from "node:assert/strict";
 *
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.ones([2, 3]));
 * const adam = initAdam([w], "doc");
 * assert.equal(adam.step, 0);
 * assert.deepEqual(adam.m[0].shape, [2, 3]);
 * assert.deepEqual(Array.from(adam.v[0].dataSync()), [0, 0, 0, 0, 0, 0]);
 * disposeAdam(adam);
 * w.dispose();
 * ```
 */
export function initAdam(
  variables: readonly tf.Variable[],
  label: string,
): AdamState {
  const moment = (kind: string) =>
    variables.map((w, i) =>
      tf.tidy(() =>
        tf.variable(
          tf.zerosLike(w),
          false,
          `${label}/adam_${kind}/${i}/${w.id}`,
        )
      )
    );
  return { step: 0, m: moment("m"), v: moment("v") };
}

/**
 * Applies one Adam update in place and returns the advanced state
 * (Kingma and Ba, 2015, algorithm 1):
 *
 *     m ← β₁ m + (1 − β₁) g
 *     v ← β₂ v + (1 − β₂) g²
 *     w ← w − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * The weights and moments are assigned in place; the returned state carries
 * the new update count t.
 *
 * @param state Adam's state before the update.
 * @param variables The weights, in the order the state was created for.
 * @param grads One gradient per weight, shaped like it.
 * @param plan Learning rate α, β₁, β₂ and ε.
 * @returns The state after the update (same moment variables, t + 1).
 * @throws {TypeError} When the number of weights or gradients differs from
 * the state's.
 *
 * @example One step moves a weight by about the learning rate
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { adamUpdate, disposeAdam, initAdam } from "./adam.ts";
 * import assert from "node:assert/strict";
 *
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.scalar(1));
 * let adam = initAdam([w], "doc");
 * const g = tf.scalar(0.5);
 * adam = adamUpdate(adam, [w], [g], { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
 * // m̂ = 0.5 and v̂ = 0.25 after one step, so w = 1 − 0.1 · 0.5 / (0.5 + 1e-8).
 * assert.ok(Math.abs(w.dataSync()[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-6);
 * assert.equal(adam.step, 1);
 * g.dispose();
 * disposeAdam(adam);
 * w.dispose();
 * ```
 */
export function adamUpdate(
  state: AdamState,
  variables: readonly tf.Variable[],
  grads: readonly tf.Tensor[],
  plan: AdamPlan,
): AdamState {
  if (variables.length !== state.m.length || grads.length !== state.m.length) {
    throw new TypeError(
      `Cannot apply Adam: the state holds ${state.m.length} moments, but ${variables.length} weights and ${grads.length} gradients were given`,
    );
  }
  const t = state.step + 1;
  // Bias corrections in double precision, passed as scalars.
  const c1 = 1 - Math.pow(plan.beta1, t);
  const c2 = 1 - Math.pow(plan.beta2, t);
  tf.tidy(() => {
    const b1 = tf.scalar(plan.beta1);
    const oneMinusB1 = tf.scalar(1 - plan.beta1);
    const b2 = tf.scalar(plan.beta2);
    const oneMinusB2 = tf.scalar(1 - plan.beta2);
    const lr = tf.scalar(plan.learningRate);
    const eps = tf.scalar(plan.epsilon);
    const invC1 = tf.scalar(1 / c1);
    const invC2 = tf.scalar(1 / c2);
    for (let i = 0; i < variables.length; i++) {
      const g = grads[i]; // shaped like the weight
      const m = tf.add(tf.mul(b1, state.m[i]), tf.mul(oneMinusB1, g));
      const v = tf.add(
        tf.mul(b2, state.v[i]),
        tf.mul(oneMinusB2, tf.square(g)),
      );
      state.m[i].assign(m);
      state.v[i].assign(v);
      const mHat = tf.mul(m, invC1);
      const vHat = tf.mul(v, invC2);
      const delta = tf.div(tf.mul(lr, mHat), tf.add(tf.sqrt(vHat), eps));
      variables[i].assign(tf.sub(variables[i], delta));
    }
  });
  return { step: t, m: state.m, v: state.v };
}

/**
 * Frees the moment variables of an Adam state.
 *
 * @param state The state to free.
 */
export function disposeAdam(state: AdamState): void {
  for (const m of state.m) m.dispose();
  for (const v of state.v) v.dispose();
}
