/**
 * The relation discriminator's triplet loss as a divergence (the paper,
 * section 4.1 and eq. 5–7), estimated by maximising over a stated function
 * class with plain-number Adam and analytic gradients.
 *
 * With x1, x2 ~ p (real) and y1, y2 ~ q (generated), all independent,
 * L_D(D) = E[D(x1, x2) − D(x1, y1) + Δ(x2, y1)]₊ + E[D(y1, y2) − D(x1, y1) + Δ(y2, x1)]₊
 * (per-sample form; the batch-mean form moves [·]₊ outside the means), and
 * M[p, q] = L_D(0) − inf_D L_D(D), the improvement over the constant score.
 * M ≥ 0 whenever the class holds the constants, and M[p, p] = 0 for every
 * class (Jensen: with all four samples exchangeable each hinge's mean is at
 * least E Δ). If D(a, b) = s(a) + s(b) (a linear relation module on summed
 * embeddings, which includes the paper's Dirac-GAN D = θr(θe·x1 + θe·x2)),
 * then L_D(D) = E([a + Δ]₊ + [−a + Δ′]₊) with a = s(x) − s(y), so L_D ≥ 2EΔ
 * = L_D(0) and M ≡ 0 for every p, q: not a divergence.
 *
 * @module
 */

import { Rng } from "../src/random.ts";

/** A Gaussian N(mean, std² I) in `mean.length` dimensions. */
export interface Gaussian {
  readonly mean: readonly number[];
  readonly std: number;
}

/** The function class of the relation score D(x1, x2). */
export type RelationScoreClass =
  | "linear-sum"
  | "mlp-sum"
  | "mlp-concat";

/** Options of {@linkcode relationDivergence}. */
export interface RelationDivergenceOptions {
  /**
   * `"linear-sum"`: D = θr(θe·x1 + θe·x2) (the paper's Dirac-GAN D);
   * `"mlp-sum"`: D = v·(tanh(A x1 + b) + tanh(A x2 + b)) (non-linear embedding,
   * linear relation module on the summed embeddings); `"mlp-concat"`:
   * D = v·tanh(A [x1; x2] + b) + c (a non-linear relation module).
   * @default "mlp-concat"
   */
  readonly scoreClass?: RelationScoreClass;
  /** Per-sample (eq. 6) or batch-mean (eq. 7) hinge. @default "per-sample" */
  readonly form?: "per-sample" | "batch-mean";
  /** Hidden units of the MLP classes. @default 4 */
  readonly hidden?: number;
  /** Samples per role (x1, x2, y1, y2) for fitting. @default 1024 */
  readonly trainSize?: number;
  /** Samples per role, fresh, for the reported held-out estimate. @default 2048 */
  readonly testSize?: number;
  /** Full-batch Adam steps. @default 200 */
  readonly steps?: number;
  /** Adam's learning rate (β1 0.9, β2 0.999, ε 1e-8). @default 0.02 */
  readonly learningRate?: number;
  /** Seed of the samples and the initial weights. @default 0 */
  readonly seed?: number;
}

/** The evidence of one divergence estimate. */
export interface RelationDivergence {
  /** M on the fitting samples (biased upwards by fitting). */
  readonly trainM: number;
  /** M on fresh samples with the fitted D: the reported estimate. */
  readonly testM: number;
  /** L_D(0) = E Δ(x2, y1) + E Δ(y2, x1) on the fresh samples. */
  readonly constantLoss: number;
  /** The options used, resolved. */
  readonly settings: Required<RelationDivergenceOptions>;
}

const DEFAULTS: Required<RelationDivergenceOptions> = {
  scoreClass: "mlp-concat",
  form: "per-sample",
  hidden: 4,
  trainSize: 1024,
  testSize: 2048,
  steps: 200,
  learningRate: 0.02,
  seed: 0,
};

interface Net {
  readonly params: Float64Array;
  /** D(a, b) and, when `grad` is given, adds `weight · ∂D/∂params` to it. */
  score(
    a: Float64Array,
    b: Float64Array,
    weight: number,
    grad?: Float64Array,
  ): number;
}

function makeNet(
  kind: RelationScoreClass,
  dim: number,
  hidden: number,
  rng: Rng,
): Net {
  const normal = () => rng.normal(1)[0];
  if (kind === "linear-sum") {
    // params: [r, e_0..e_{d-1}]
    const params = new Float64Array(1 + dim);
    params[0] = 1;
    for (let i = 0; i < dim; i++) params[1 + i] = 0.1 * normal();
    return {
      params,
      score(a, b, weight, grad) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += params[1 + i] * (a[i] + b[i]);
        if (grad) {
          grad[0] += weight * s;
          for (let i = 0; i < dim; i++) {
            grad[1 + i] += weight * params[0] * (a[i] + b[i]);
          }
        }
        return params[0] * s;
      },
    };
  }
  const inputs = kind === "mlp-concat" ? 2 * dim : dim;
  // params: A [hidden × inputs], bias [hidden], v [hidden], c
  const nA = hidden * inputs;
  const params = new Float64Array(nA + 2 * hidden + 1);
  for (let i = 0; i < nA; i++) params[i] = normal() / Math.sqrt(inputs);
  for (let j = 0; j < hidden; j++) params[nA + hidden + j] = 0.1 * normal();
  const h1 = new Float64Array(hidden);
  const h2 = new Float64Array(hidden);
  const layer = (
    x: Float64Array,
    offset: number,
    count: number,
    out: Float64Array,
    add: boolean,
  ) => {
    for (let j = 0; j < hidden; j++) {
      let z = add ? out[j] : params[nA + j];
      for (let i = 0; i < count; i++) {
        z += params[j * inputs + offset + i] * x[i];
      }
      out[j] = z;
    }
  };
  return {
    params,
    score(a, b, weight, grad) {
      const v = nA + hidden;
      if (kind === "mlp-concat") {
        layer(a, 0, dim, h1, false);
        layer(b, dim, dim, h1, true);
        let s = params[v + hidden];
        for (let j = 0; j < hidden; j++) {
          const t = Math.tanh(h1[j]);
          s += params[v + j] * t;
          if (grad) {
            grad[v + j] += weight * t;
            const back = weight * params[v + j] * (1 - t * t);
            grad[nA + j] += back;
            for (let i = 0; i < dim; i++) {
              grad[j * inputs + i] += back * a[i];
              grad[j * inputs + dim + i] += back * b[i];
            }
          }
        }
        if (grad) grad[v + hidden] += weight;
        return s;
      }
      layer(a, 0, dim, h1, false);
      layer(b, 0, dim, h2, false);
      let s = 0;
      for (let j = 0; j < hidden; j++) {
        const t1 = Math.tanh(h1[j]);
        const t2 = Math.tanh(h2[j]);
        s += params[v + j] * (t1 + t2);
        if (grad) {
          grad[v + j] += weight * (t1 + t2);
          const b1 = weight * params[v + j] * (1 - t1 * t1);
          const b2 = weight * params[v + j] * (1 - t2 * t2);
          grad[nA + j] += b1 + b2;
          for (let i = 0; i < dim; i++) {
            grad[j * inputs + i] += b1 * a[i] + b2 * b[i];
          }
        }
      }
      return s;
    },
  };
}

function sample(g: Gaussian, n: number, rng: Rng): Float64Array[] {
  const z = rng.normal(n * g.mean.length);
  return Array.from(
    { length: n },
    (_, k) =>
      Float64Array.from(g.mean, (m, i) => m + g.std * z[k * g.mean.length + i]),
  );
}

function distance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

interface Batch {
  x1: Float64Array[];
  x2: Float64Array[];
  y1: Float64Array[];
  y2: Float64Array[];
}

/** L_D on a batch, adding its gradient to `grad` when given. */
function tripletLoss(
  net: Net,
  batch: Batch,
  form: "per-sample" | "batch-mean",
  grad?: Float64Array,
): number {
  const n = batch.x1.length;
  const sxx = new Float64Array(n),
    sxy = new Float64Array(n),
    syy = new Float64Array(n);
  const d1 = new Float64Array(n), d2 = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    sxx[k] = net.score(batch.x1[k], batch.x2[k], 0);
    sxy[k] = net.score(batch.x1[k], batch.y1[k], 0);
    syy[k] = net.score(batch.y1[k], batch.y2[k], 0);
    d1[k] = distance(batch.x2[k], batch.y1[k]);
    d2[k] = distance(batch.y2[k], batch.x1[k]);
  }
  let loss = 0;
  const g1 = new Float64Array(n), g2 = new Float64Array(n); // ∂L/∂(hinge argument) per sample
  if (form === "per-sample") {
    for (let k = 0; k < n; k++) {
      const a1 = sxx[k] - sxy[k] + d1[k];
      const a2 = syy[k] - sxy[k] + d2[k];
      loss += (Math.max(0, a1) + Math.max(0, a2)) / n;
      g1[k] = a1 > 0 ? 1 / n : 0;
      g2[k] = a2 > 0 ? 1 / n : 0;
    }
  } else {
    let a1 = 0, a2 = 0;
    for (let k = 0; k < n; k++) {
      a1 += (sxx[k] - sxy[k] + d1[k]) / n;
      a2 += (syy[k] - sxy[k] + d2[k]) / n;
    }
    loss = Math.max(0, a1) + Math.max(0, a2);
    g1.fill(a1 > 0 ? 1 / n : 0);
    g2.fill(a2 > 0 ? 1 / n : 0);
  }
  if (grad) {
    for (let k = 0; k < n; k++) {
      if (g1[k] !== 0) net.score(batch.x1[k], batch.x2[k], g1[k], grad);
      if (g2[k] !== 0) net.score(batch.y1[k], batch.y2[k], g2[k], grad);
      if (g1[k] + g2[k] !== 0) {
        net.score(batch.x1[k], batch.y1[k], -(g1[k] + g2[k]), grad);
      }
    }
  }
  return loss;
}

function constantLoss(batch: Batch): number {
  // With D ≡ 0 both hinge arguments are distances (≥ 0): the hinges are
  // inactive and the two forms agree.
  let s = 0;
  for (let k = 0; k < batch.x1.length; k++) {
    s += distance(batch.x2[k], batch.y1[k]) +
      distance(batch.y2[k], batch.x1[k]);
  }
  return s / batch.x1.length;
}

/**
 * Estimates M[p, q] = L_D(0) − min_D L_D(D) over a function class: fits D
 * by full-batch Adam on `trainSize` samples per role, then reports M on
 * `testSize` fresh samples per role (y2 is a second, independent sample of q:
 * the previous generator equals the current one at a fixed q).
 *
 * @example Zero at p = q, positive when the means differ
 * ```ts
 * import assert from "node:assert/strict";
 * import { relationDivergence } from "@relgan/core/theory";
 *
 * const p = { mean: [0], std: 1 };
 * const options = { steps: 60, trainSize: 256, testSize: 512 };
 * const same = relationDivergence(p, p, options);
 * const apart = relationDivergence(p, { mean: [3], std: 1 }, options);
 * assert.ok(Math.abs(same.testM) < 0.15 && apart.testM > 1);
 * ```
 *
 * @param p The real distribution.
 * @param q The generated distribution.
 * @param options Function class, form, sizes, optimiser and seed.
 * @returns The estimates.
 * @throws {TypeError} When p and q differ in dimension.
 * @throws {RangeError} When a size, step count or rate is not positive.
 */
export function relationDivergence(
  p: Gaussian,
  q: Gaussian,
  options: RelationDivergenceOptions = {},
): RelationDivergence {
  const settings = { ...DEFAULTS, ...options };
  if (p.mean.length !== q.mean.length || p.mean.length === 0) {
    throw new TypeError(
      `Cannot estimate M[p, q]: p and q must have the same positive dimension, current dimensions are ${p.mean.length} and ${q.mean.length}`,
    );
  }
  for (
    const key of [
      "hidden",
      "trainSize",
      "testSize",
      "steps",
      "learningRate",
    ] as const
  ) {
    if (!(settings[key] > 0)) {
      throw new RangeError(
        `Cannot estimate M[p, q]: ${key} must be positive, current value is ${
          settings[key]
        }`,
      );
    }
  }
  const rng = new Rng(settings.seed);
  const draw = (label: string, n: number): Batch => {
    const r = rng.fork(label);
    return {
      x1: sample(p, n, r),
      x2: sample(p, n, r),
      y1: sample(q, n, r),
      y2: sample(q, n, r),
    };
  };
  const train = draw("train", settings.trainSize);
  const test = draw("test", settings.testSize);
  const net = makeNet(
    settings.scoreClass,
    p.mean.length,
    settings.hidden,
    rng.fork("init"),
  );

  // Full-batch Adam on L_D.
  const m = new Float64Array(net.params.length);
  const v = new Float64Array(net.params.length);
  const grad = new Float64Array(net.params.length);
  for (let step = 1; step <= settings.steps; step++) {
    grad.fill(0);
    tripletLoss(net, train, settings.form, grad);
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (let i = 0; i < grad.length; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      net.params[i] -= settings.learningRate * (m[i] / c1) /
        (Math.sqrt(v[i] / c2) + 1e-8);
    }
  }

  const trainM = constantLoss(train) -
    tripletLoss(net, train, settings.form);
  const base = constantLoss(test);
  const testM = base - tripletLoss(net, test, settings.form);
  return { trainM, testM, constantLoss: base, settings };
}
