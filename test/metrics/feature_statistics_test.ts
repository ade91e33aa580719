import assert from "node:assert/strict";
import { FeatureStatistics } from "../../src/metrics/feature_statistics.ts";
import { Rng } from "../../src/random.ts";
import { assertClose } from "../_helpers.ts";

/** Two-pass mean and unbiased covariance with plain numbers. */
function reference(x: ArrayLike<number>, d: number) {
  const n = x.length / d;
  const mean = new Array(d).fill(0);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  }
  const cov = new Array(d * d).fill(0);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        cov[i * d + j] += (x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j]) /
          (n - 1);
      }
    }
  }
  return { mean, cov };
}

Deno.test("FeatureStatistics over uneven batches matches a two-pass reference on both paths", () => {
  const rng = new Rng(20);
  const d = 9;
  const x = rng.normal(173 * d, 2, 3);
  const expected = reference(x, d);
  for (const linearAlgebra of ["typescript", "auto"] as const) {
    const acc = new FeatureStatistics(d, { linearAlgebra, blockSize: 16 });
    // Batches of 1, 50, 22 and 100 rows.
    let start = 0;
    for (const rows of [1, 50, 22, 100]) {
      acc.add(x.subarray(start * d, (start + rows) * d));
      start += rows;
    }
    const result = acc.result();
    assert.equal(result.count, 173);
    assertClose(result.mean, expected.mean, 1e-12, `${linearAlgebra} mean`);
    assertClose(
      result.covariance,
      expected.cov,
      1e-11,
      `${linearAlgebra} covariance`,
    );
  }
});

Deno.test("FeatureStatistics keeps the covariance of features with a large common offset", () => {
  // x = 1e6 + N(0, 1): the one-pass E[xxᵀ] − μμᵀ form would lose about
  // 1e12·2⁻⁵² ≈ 2e-4 of the variance; block centring keeps ~1e-9.
  const rng = new Rng(21);
  const d = 3;
  const noise = rng.normal(2000 * d);
  const x = Float64Array.from(noise, (v) => v + 1e6);
  const expected = reference(noise, d).cov; // the offset does not change Σ
  const result = new FeatureStatistics(d, { blockSize: 256 }).add(x).result();
  assertClose(result.covariance, expected, 1e-8, "covariance");
});

Deno.test("FeatureStatistics rejects bad input with the reason", () => {
  assert.throws(() => new FeatureStatistics(0), RangeError);
  const acc = new FeatureStatistics(2);
  assert.throws(
    () => acc.add([1, 2, 3]),
    (e: Error) => e instanceof TypeError && /not a multiple/.test(e.message),
  );
  assert.throws(
    () => acc.add([1, NaN]),
    (e: Error) => e instanceof RangeError && /NaN/.test(e.message),
  );
  assert.throws(
    () => new FeatureStatistics(2).add([1, 2]).result(),
    (e: Error) => e instanceof RangeError && /at least 2/.test(e.message),
  );
});
