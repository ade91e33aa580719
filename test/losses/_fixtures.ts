/**
 * Shared by the loss tests: small hand-written critics and generators, each
 * both as tfjs code over tf.Variables and as plain float64 arithmetic, plus
 * central finite differences.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { maxRelativeError } from "../_helpers.ts";

export const softplus = (t: number): number =>
  t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
export const relu = (t: number): number => Math.max(t, 0);
export const mean = (xs: readonly number[]): number =>
  xs.reduce((a, b) => a + b, 0) / xs.length;

/** Central differences of a float64 function of a flat parameter vector. */
export function finiteDifference(
  f: (params: number[]) => number,
  params: readonly number[],
  h: number,
): number[] {
  return params.map((_, i) => {
    const up = [...params];
    const down = [...params];
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/**
 * Asserts that two gradients agree: |a − e| ≤ tolerance · max(|e|, floor)
 * for every entry.
 */
export function assertGradientsClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  floor: number,
  label: string,
): void {
  const err = maxRelativeError(actual, expected, floor);
  assert.ok(
    err <= tolerance,
    `${label}: gradient error ${err} exceeds ${tolerance} (floor ${floor}); got ${
      Array.from(actual)
    }, expected ${Array.from(expected)}`,
  );
}

/** A variable from a tensor built in `make`, without leaving that tensor behind. */
export function keepVariable(make: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(make()));
}

/** Input width, hidden width and batch of the test problems. */
export const DIM = 2;
export const HIDDEN = 3;

/** Fixed example batches, `[4, 2]`. */
export const REAL = [[0.9, -0.3], [0.2, 0.8], [-0.6, 0.4], [0.1, -1.1]];
export const REAL2 = [[-0.4, 0.7], [0.5, 0.1], [1.2, -0.2], [-0.3, -0.5]];
export const FAKE_PREV = [[0.3, 0.3], [-0.8, 0.6], [0.4, -0.9], [1.0, 0.2]];
/** Latent codes of the linear generator, `[4, 2]`. */
export const LATENT = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.9], [0.2, 0.2]];
/** Interpolation factors, `[4]`. */
export const UNIFORM = [0.15, 0.62, 0.91, 0.38];

// ---------------------------------------------------------------------------
// A single-input critic D(x) = Σₖ vₖ tanh((xW + c)ₖ) + b, params flat as
// [W (DIM×HIDDEN, row-major), c (HIDDEN), v (HIDDEN), b].

export const CRITIC_PARAMS = [
  0.7,
  -0.4,
  0.3,
  0.2,
  0.9,
  -0.6, // W
  0.1,
  -0.2,
  0.05, // c
  0.8,
  -0.5,
  1.1, // v
  0.3, // b
];

function unpackCritic(p: readonly number[]) {
  const W = (j: number, k: number) => p[j * HIDDEN + k];
  const c = (k: number) => p[DIM * HIDDEN + k];
  const v = (k: number) => p[DIM * HIDDEN + HIDDEN + k];
  const b = p[DIM * HIDDEN + 2 * HIDDEN];
  return { W, c, v, b };
}

/** The critic's score in float64. */
export function criticScore(
  p: readonly number[],
  x: readonly number[],
): number {
  const { W, c, v, b } = unpackCritic(p);
  let out = b;
  for (let k = 0; k < HIDDEN; k++) {
    let h = c(k);
    for (let j = 0; j < DIM; j++) h += x[j] * W(j, k);
    out += v(k) * Math.tanh(h);
  }
  return out;
}

/** ∇ₓ D(x) in float64. */
export function criticInputGradient(
  p: readonly number[],
  x: readonly number[],
): number[] {
  const { W, c, v } = unpackCritic(p);
  const g = new Array(DIM).fill(0);
  for (let k = 0; k < HIDDEN; k++) {
    let h = c(k);
    for (let j = 0; j < DIM; j++) h += x[j] * W(j, k);
    const t = Math.tanh(h);
    for (let j = 0; j < DIM; j++) g[j] += W(j, k) * v(k) * (1 - t * t);
  }
  return g;
}

/** The same critic over tf.Variables. */
export interface TfCritic {
  readonly variables: tf.Variable[];
  readonly critic: (x: tf.Tensor) => tf.Tensor1D;
  dispose(): void;
}

export function makeCritic(p: readonly number[] = CRITIC_PARAMS): TfCritic {
  const n = DIM * HIDDEN;
  const W = keepVariable(() => tf.tensor2d(p.slice(0, n), [DIM, HIDDEN]));
  const c = keepVariable(() => tf.tensor1d(p.slice(n, n + HIDDEN)));
  const v = keepVariable(() =>
    tf.tensor1d(p.slice(n + HIDDEN, n + 2 * HIDDEN))
  );
  const b = keepVariable(() => tf.scalar(p[n + 2 * HIDDEN]));
  const variables = [W, c, v, b];
  return {
    variables,
    critic: (x) =>
      tf.add(
        tf.sum(
          tf.mul(tf.tanh(tf.add(tf.matMul(x as tf.Tensor2D, W), c)), v),
          1,
        ),
        b,
      ) as tf.Tensor1D, // [batch]
    dispose: () => tf.dispose(variables),
  };
}

// ---------------------------------------------------------------------------
// A linear generator G(z) = zA + a, params flat as [A (2×2), a (2)].

export const GENERATOR_PARAMS = [0.6, 0.2, -0.3, 0.9, 0.1, -0.2];

export function generate(
  p: readonly number[],
  z: readonly number[][] = LATENT,
): number[][] {
  return z.map((zi) => [
    zi[0] * p[0] + zi[1] * p[2] + p[4],
    zi[0] * p[1] + zi[1] * p[3] + p[5],
  ]);
}

export interface TfGenerator {
  readonly variables: tf.Variable[];
  /** G(LATENT), `[4, 2]`. */
  readonly fake: () => tf.Tensor2D;
  dispose(): void;
}

export function makeGenerator(
  p: readonly number[] = GENERATOR_PARAMS,
  z: readonly number[][] = LATENT,
): TfGenerator {
  const A = keepVariable(() => tf.tensor2d(p.slice(0, 4), [2, 2]));
  const a = keepVariable(() => tf.tensor1d(p.slice(4, 6)));
  const zt = tf.tensor2d(z as number[][]);
  return {
    variables: [A, a],
    fake: () => tf.tidy(() => tf.add(tf.matMul(zt, A), a) as tf.Tensor2D), // [batch, 2]
    dispose: () => tf.dispose([A, a, zt]),
  };
}

// ---------------------------------------------------------------------------
// A relation critic D(a, b) = Σₖ vₖ tanh((aW₁ + bW₂ + c)ₖ), params flat as
// [W₁ (2×3), W₂ (2×3), c (3), v (3)]. It is not symmetric in a and b.

export const RELATION_PARAMS = [
  0.5,
  -0.7,
  0.2,
  0.3,
  0.4,
  -0.9, // W1
  -0.6,
  0.8,
  0.1,
  0.2,
  -0.3,
  0.7, // W2
  0.05,
  -0.1,
  0.2, // c
  1.2,
  0.9,
  -0.8, // v
];

export function relationScore(
  p: readonly number[],
  a: readonly number[],
  b: readonly number[],
): number {
  let out = 0;
  for (let k = 0; k < HIDDEN; k++) {
    let h = p[2 * DIM * HIDDEN + k];
    for (let j = 0; j < DIM; j++) {
      h += a[j] * p[j * HIDDEN + k] + b[j] * p[DIM * HIDDEN + j * HIDDEN + k];
    }
    out += p[2 * DIM * HIDDEN + HIDDEN + k] * Math.tanh(h);
  }
  return out;
}

export interface TfRelationCritic {
  readonly variables: tf.Variable[];
  readonly critic: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor1D;
  dispose(): void;
}

export function makeRelationCritic(
  p: readonly number[] = RELATION_PARAMS,
): TfRelationCritic {
  const n = DIM * HIDDEN;
  const W1 = keepVariable(() => tf.tensor2d(p.slice(0, n), [DIM, HIDDEN]));
  const W2 = keepVariable(() => tf.tensor2d(p.slice(n, 2 * n), [DIM, HIDDEN]));
  const c = keepVariable(() => tf.tensor1d(p.slice(2 * n, 2 * n + HIDDEN)));
  const v = keepVariable(() => tf.tensor1d(p.slice(2 * n + HIDDEN)));
  const variables = [W1, W2, c, v];
  return {
    variables,
    critic: (a, b) => {
      const h = tf.add(
        tf.add(
          tf.matMul(a as tf.Tensor2D, W1),
          tf.matMul(b as tf.Tensor2D, W2),
        ),
        c,
      ); // [batch, HIDDEN]
      return tf.sum(tf.mul(tf.tanh(h), v), 1) as tf.Tensor1D; // [batch]
    },
    dispose: () => tf.dispose(variables),
  };
}

/** Flattens the gradients of `variables` (in their order) to one array. */
export function flatGrads(
  grads: Record<string, tf.Tensor>,
  variables: readonly tf.Variable[],
): number[] {
  // A variable the value does not depend on gets no entry: its gradient is 0.
  return variables.flatMap((v) =>
    grads[v.name]
      ? Array.from(grads[v.name].dataSync())
      : new Array(v.size).fill(0)
  );
}

/** Reads a scalar (a device sync). */
export function value(t: tf.Tensor): number {
  return t.dataSync()[0];
}

/** Disposes a loss value's tensors. */
export function disposeLoss(
  v: { total: tf.Tensor; terms: Readonly<Record<string, tf.Tensor>> },
): void {
  tf.dispose([v.total, ...Object.values(v.terms)]);
}
