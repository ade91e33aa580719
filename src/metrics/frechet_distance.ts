/**
 * The Fréchet distance between two Gaussians, the core of FID.
 *
 * @module
 */

import { denseOps, type LinearAlgebraChoice } from "./_dense.ts";
import type { GaussianStatistics } from "./feature_statistics.ts";

const EPS = 2 ** -52;

/** Options for {@linkcode frechetDistance}. */
export interface FrechetDistanceOptions {
  /**
   * Where the eigendecompositions and products run.
   *
   * @default {"auto"}
   */
  linearAlgebra?: LinearAlgebraChoice;
}

/** The Fréchet distance and its two parts. */
export interface FrechetDistance {
  /** ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½). */
  readonly distance: number;
  /** ‖μ₁ − μ₂‖². */
  readonly meanTerm: number;
  /** tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁Σ₂)^½). */
  readonly covarianceTerm: number;
  /** tr((Σ₁Σ₂)^½). */
  readonly traceSqrt: number;
}

/**
 * Computes the Fréchet (2-Wasserstein) distance between N(μ₁, Σ₁) and
 * N(μ₂, Σ₂) in float64:
 *
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁Σ₂)^½)
 *
 * (Dowson and Landau, 1982; FID of Heusel et al., 2017, eq. 6).
 *
 * The trace of the square root uses that Σ₁Σ₂ is similar to the symmetric
 * PSD matrix Σ₁^½ Σ₂ Σ₁^½, so tr((Σ₁Σ₂)^½) = Σⱼ √max(λⱼ, 0) over its
 * eigenvalues λⱼ. Eigenvalues below n·2⁻⁵²·λ_max (n the order) are rounding
 * noise around zero and count as zero in both decompositions. With Σ₁ = V Λ Vᵀ, write W = Λ^½ Vᵀ (rows with λ ≤ 0
 * dropped); W Σ₂ Wᵀ has the same nonzero eigenvalues. Both
 * eigendecompositions are symmetric (LAPACK `dsyevd`, or Householder
 * tridiagonalisation + implicit QL in TypeScript), so no complex square
 * roots or `sqrtm` iterations arise and singular covariances (fewer samples
 * than dimensions) are handled exactly.
 *
 * @param a Statistics of the first set (e.g. real features).
 * @param b Statistics of the second set (e.g. generated features).
 * @param options Where the linear algebra runs.
 * @returns The distance and its parts.
 * @throws {TypeError} When the dimensions differ or arrays have the wrong length.
 *
 * @example Two Gaussians with diagonal covariances
 * ```ts
 * import { frechetDistance } from "./frechet_distance.ts";
 * import assert from "node:assert/strict";
 *
 * const a = { dim: 2, count: 10, mean: new Float64Array([0, 0]), covariance: new Float64Array([4, 0, 0, 1]) };
 * const b = { dim: 2, count: 10, mean: new Float64Array([3, 0]), covariance: new Float64Array([1, 0, 0, 1]) };
 * // ‖μ₁ − μ₂‖² + Σᵢ (σ₁ᵢ − σ₂ᵢ)² = 9 + (2 − 1)² + 0
 * const { distance } = frechetDistance(a, b);
 * assert.ok(Math.abs(distance - 10) < 1e-12);
 * ```
 */
export function frechetDistance(
  a: GaussianStatistics,
  b: GaussianStatistics,
  options: FrechetDistanceOptions = {},
): FrechetDistance {
  const d = a.dim;
  if (b.dim !== d) {
    throw new TypeError(
      `Cannot compute the Fréchet distance: the feature dimensions differ (${d} and ${b.dim}); compute both statistics with the same feature network`,
    );
  }
  for (const [label, s] of [["first", a], ["second", b]] as const) {
    if (s.mean.length !== d || s.covariance.length !== d * d) {
      throw new TypeError(
        `Cannot compute the Fréchet distance: the ${label} statistics have a mean of length ${s.mean.length} and a covariance of length ${s.covariance.length}, expected ${d} and ${
          d * d
        }`,
      );
    }
  }
  const ops = denseOps(options.linearAlgebra ?? "auto");

  let meanTerm = 0;
  let traceA = 0;
  let traceB = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mean[i] - b.mean[i];
    meanTerm += diff * diff;
    traceA += a.covariance[i * d + i];
    traceB += b.covariance[i * d + i];
  }

  // Σ₁ = V Λ Vᵀ; W = Λ^½ Vᵀ over the positive eigenvalues, [k, d].
  const eigA = ops.symmetricEigen(a.covariance, d, true);
  const vt = eigA.vectors as Float64Array;
  // Eigenvalues below d·2⁻⁵²·λ_max are rounding noise of zero ones; their
  // square roots (≈ 1e-8·√λ_max) would add noise, so they count as zero.
  const floorA = d * EPS * Math.max(0, eigA.values[d - 1]);
  let first = 0;
  while (first < d && !(eigA.values[first] > floorA)) first++;
  const k = d - first;
  const w = new Float64Array(k * d);
  for (let r = 0; r < k; r++) {
    const scale = Math.sqrt(eigA.values[first + r]);
    const src = (first + r) * d;
    for (let j = 0; j < d; j++) w[r * d + j] = scale * vt[src + j];
  }

  // M = W Σ₂ Wᵀ, [k, k], symmetrised against rounding.
  const ws = ops.matMul(w, b.covariance, k, d, d, false); // [k, d]
  const m = ops.matMulTransposeB(ws, w, k, d, k); // [k, k]
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = 0.5 * (m[i * k + j] + m[j * k + i]);
      m[i * k + j] = v;
      m[j * k + i] = v;
    }
  }
  const lambdas = ops.symmetricEigen(m, k, false).values;
  const floorM = k * EPS * Math.max(0, lambdas[k - 1] ?? 0);
  let traceSqrt = 0;
  for (let i = 0; i < k; i++) {
    if (lambdas[i] > floorM) traceSqrt += Math.sqrt(lambdas[i]);
  }

  const covarianceTerm = traceA + traceB - 2 * traceSqrt;
  return {
    distance: meanTerm + covarianceTerm,
    meanTerm,
    covarianceTerm,
    traceSqrt,
  };
}
