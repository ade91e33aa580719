import assert from "node:assert/strict";
import {
  FeatureStatistics,
  type GaussianStatistics,
} from "../../src/metrics/feature_statistics.ts";
import { frechetDistance } from "../../src/metrics/frechet_distance.ts";
import { Rng } from "../../src/random.ts";

const PATHS = ["typescript", "auto"] as const;

function stats(mean: number[], covariance: number[]): GaussianStatistics {
  return {
    dim: mean.length,
    count: 100,
    mean: Float64Array.from(mean),
    covariance: Float64Array.from(covariance),
  };
}

/** Σ = G Gᵀ / d + shift·I for a Gaussian matrix G: a random SPD matrix. */
function randomCovariance(d: number, rng: Rng, shift = 0.1): number[] {
  const g = rng.normal(d * d);
  const c: number[] = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += g[i * d + k] * g[j * d + k];
      c[i * d + j] = s / d + (i === j ? shift : 0);
    }
  }
  return c;
}

/** A random orthogonal matrix: the product of three Householder reflections. */
function randomOrthogonal(d: number, rng: Rng): number[] {
  let q: number[] = Array.from(
    { length: d * d },
    (_, i) => i % (d + 1) === 0 ? 1 : 0,
  );
  for (let t = 0; t < 3; t++) {
    const v = rng.normal(d);
    const vv = v.reduce((a, x) => a + x * x, 0);
    const next = new Array(d * d).fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) {
          const h = (k === j ? 1 : 0) - (2 * v[k] * v[j]) / vv;
          next[i * d + j] += q[i * d + k] * h;
        }
      }
    }
    q = next;
  }
  return q;
}

Deno.test("frechetDistance of a set with itself is 0 within rounding", () => {
  const rng = new Rng(10);
  const d = 24;
  const a = new FeatureStatistics(d).add(rng.normal(300 * d)).result();
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a.covariance[i * d + i];
  for (const linearAlgebra of PATHS) {
    const { distance } = frechetDistance(a, a, { linearAlgebra });
    // Tolerance: 1e-12 of tr(Σ₁) + tr(Σ₂), the size of the cancelling terms.
    assert.ok(
      Math.abs(distance) < 1e-12 * 2 * trace,
      `${linearAlgebra}: ${distance}`,
    );
  }
});

Deno.test("frechetDistance with commuting covariances equals ‖μ₁ − μ₂‖² + Σ (σ₁ᵢ − σ₂ᵢ)²", () => {
  const rng = new Rng(11);
  const d = 16;
  const s1 = Array.from(rng.uniform(d, 0.1, 3));
  const s2 = Array.from(rng.uniform(d, 0.1, 3));
  const m1 = Array.from(rng.normal(d));
  const m2 = Array.from(rng.normal(d));
  let expected = 0;
  for (let i = 0; i < d; i++) {
    expected += (m1[i] - m2[i]) ** 2 + (s1[i] - s2[i]) ** 2;
  }

  // Diagonal, then both rotated into one shared random basis Q D Qᵀ.
  const diag = (s: number[]) => {
    const c = new Array(d * d).fill(0);
    s.forEach((v, i) => (c[i * d + i] = v * v));
    return c;
  };
  const q = randomOrthogonal(d, rng);
  const rotate = (s: number[]) => {
    const c = new Array(d * d).fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) {
          c[i * d + j] += q[i * d + k] * s[k] * s[k] * q[j * d + k];
        }
      }
    }
    return c;
  };
  for (const linearAlgebra of PATHS) {
    for (const [c1, c2] of [[diag(s1), diag(s2)], [rotate(s1), rotate(s2)]]) {
      const { distance } = frechetDistance(stats(m1, c1), stats(m2, c2), {
        linearAlgebra,
      });
      // Relative tolerance 1e-10.
      assert.ok(
        Math.abs(distance - expected) <= 1e-10 * expected,
        `${linearAlgebra}: ${distance} vs ${expected}`,
      );
    }
  }
});

Deno.test("frechetDistance of non-commuting 2×2 covariances matches tr √M = √(tr M + 2√det M)", () => {
  const rng = new Rng(12);
  for (let trial = 0; trial < 20; trial++) {
    const c1 = randomCovariance(2, rng);
    const c2 = randomCovariance(2, rng);
    const m1 = Array.from(rng.normal(2));
    const m2 = Array.from(rng.normal(2));
    // M = Σ₁Σ₂ has non-negative real eigenvalues λ₁, λ₂; √λ₁ + √λ₂ = √(λ₁ + λ₂ + 2√(λ₁λ₂)).
    const m = [
      c1[0] * c2[0] + c1[1] * c2[2],
      c1[0] * c2[1] + c1[1] * c2[3],
      c1[2] * c2[0] + c1[3] * c2[2],
      c1[2] * c2[1] + c1[3] * c2[3],
    ];
    const traceSqrt = Math.sqrt(
      m[0] + m[3] + 2 * Math.sqrt(m[0] * m[3] - m[1] * m[2]),
    );
    const expected = (m1[0] - m2[0]) ** 2 + (m1[1] - m2[1]) ** 2 + c1[0] +
      c1[3] + c2[0] +
      c2[3] - 2 * traceSqrt;
    for (const linearAlgebra of PATHS) {
      const result = frechetDistance(stats(m1, c1), stats(m2, c2), {
        linearAlgebra,
      });
      // Relative tolerance 1e-10 on the distance and on tr √M.
      assert.ok(Math.abs(result.traceSqrt - traceSqrt) <= 1e-10 * traceSqrt);
      assert.ok(
        Math.abs(result.distance - expected) <= 1e-10 * Math.max(expected, 1),
        `${linearAlgebra}: ${result.distance} vs ${expected}`,
      );
    }
  }
});

Deno.test("frechetDistance of samples from two known Gaussians approaches the distance of their parameters", () => {
  const rng = new Rng(13);
  const d = 4;
  const n = 40000;
  // N(μ, L Lᵀ) sampled as μ + L z with a lower-triangular L.
  const l1 = [
    1,
    0,
    0,
    0,
    0.5,
    1.2,
    0,
    0,
    -0.3,
    0.2,
    0.8,
    0,
    0.1,
    0.4,
    -0.2,
    0.6,
  ];
  const l2 = [0.7, 0, 0, 0, -0.2, 0.9, 0, 0, 0.4, 0.1, 1.1, 0, 0, -0.3, 0.5, 1];
  const mu1 = [0, 1, -1, 0.5];
  const mu2 = [0.5, 0.5, -1, 0];
  const covarianceOf = (l: number[]) => {
    const c = new Array(d * d).fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) c[i * d + j] += l[i * d + k] * l[j * d + k];
      }
    }
    return c;
  };
  const sample = (l: number[], mu: number[]) => {
    const z = rng.normal(n * d);
    const x = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < d; i++) {
        let s = mu[i];
        for (let k = 0; k <= i; k++) s += l[i * d + k] * z[r * d + k];
        x[r * d + i] = s;
      }
    }
    return x;
  };
  const exact =
    frechetDistance(stats(mu1, covarianceOf(l1)), stats(mu2, covarianceOf(l2)))
      .distance;
  const estimated = frechetDistance(
    new FeatureStatistics(d).add(sample(l1, mu1)).result(),
    new FeatureStatistics(d).add(sample(l2, mu2)).result(),
  ).distance;
  // Sampling error of means and covariances is O(1/√n) ≈ 0.5% per entry;
  // tolerance 5% of the exact distance (≈ 1.1).
  assert.ok(
    Math.abs(estimated - exact) < 0.05 * exact,
    `estimated ${estimated}, exact ${exact}`,
  );
});

Deno.test("frechetDistance handles singular covariances (fewer samples than dimensions) on both paths alike", () => {
  const rng = new Rng(14);
  const d = 30;
  const a = new FeatureStatistics(d).add(rng.normal(8 * d)).result();
  const b = new FeatureStatistics(d).add(rng.normal(12 * d, 0.5)).result();
  const ts = frechetDistance(a, b, { linearAlgebra: "typescript" });
  const blas = frechetDistance(a, b, { linearAlgebra: "auto" });
  assert.ok(Math.abs(ts.distance - blas.distance) <= 1e-10 * ts.distance);
  const self = frechetDistance(a, a, { linearAlgebra: "typescript" }).distance;
  assert.ok(Math.abs(self) < 1e-10, `FID(a, a) = ${self}`);
});

Deno.test("frechetDistance rejects statistics of different dimensions", () => {
  assert.throws(
    () => frechetDistance(stats([0], [1]), stats([0, 0], [1, 0, 0, 1])),
    (e: Error) =>
      e instanceof TypeError && /dimensions differ \(1 and 2\)/.test(e.message),
  );
});

Deno.test("frechetDistance of rank-deficient diagonal covariances equals Σ (σ₁ᵢ − σ₂ᵢ)²", () => {
  // σ₁ = (2, 0, 1), σ₂ = (0, 3, 1): (2 − 0)² + (0 − 3)² + (1 − 1)² = 13.
  const a = stats([0, 0, 0], [4, 0, 0, 0, 0, 0, 0, 0, 1]);
  const b = stats([0, 0, 0], [0, 0, 0, 0, 9, 0, 0, 0, 1]);
  for (const linearAlgebra of PATHS) {
    const { distance } = frechetDistance(a, b, { linearAlgebra });
    assert.ok(
      Math.abs(distance - 13) <= 1e-12 * 13,
      `${linearAlgebra}: ${distance}`,
    );
  }
});

Deno.test("frechetDistance and FeatureStatistics agree across paths on 96-dimensional features", () => {
  const rng = new Rng(15);
  const d = 96;
  const x = rng.normal(400 * d);
  const y = rng.normal(300 * d, 0.2, 1.3);
  const run = (linearAlgebra: "typescript" | "auto") =>
    frechetDistance(
      new FeatureStatistics(d, { linearAlgebra }).add(x).result(),
      new FeatureStatistics(d, { linearAlgebra }).add(y).result(),
      { linearAlgebra },
    ).distance;
  const ts = run("typescript");
  const blas = run("auto");
  // Relative tolerance 1e-11 (observed differences are ~1e-14).
  assert.ok(Math.abs(ts - blas) <= 1e-11 * ts, `${ts} vs ${blas}`);
});
