import assert from "node:assert/strict";
import { kernelInceptionDistance } from "../../src/metrics/kernel_inception_distance.ts";
import { Rng } from "../../src/random.ts";

/**
 * MMD² with k(x, y) = (xᵀy/d + 1)³ from plain loops: unbiased (the
 * within-set sums leave out i = j), or the biased V-statistic form that
 * keeps the diagonal and divides by m².
 */
function referenceMmd(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  d: number,
  m: number,
  biased = false,
): number {
  const k = (
    a: ArrayLike<number>,
    i: number,
    b: ArrayLike<number>,
    j: number,
  ) => {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += a[i * d + c] * b[j * d + c];
    return (dot / d + 1) ** 3;
  };
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i !== j || biased) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  }
  const within = biased ? m * m : m * (m - 1);
  return xx / within + yy / within - (2 * xy) / (m * m);
}

Deno.test("kernelInceptionDistance with whole-set subsets equals the plain unbiased MMD² on both paths", () => {
  const rng = new Rng(30);
  const d = 5;
  const m = 12;
  const x = rng.normal(m * d);
  const y = rng.normal(m * d, 0.3, 1.2);
  // subsetSize ≥ set size: every subset is a permutation of the whole set,
  // and MMD² does not depend on the order.
  const expected = referenceMmd(x, y, d, m);
  for (const linearAlgebra of ["typescript", "auto"] as const) {
    const kid = kernelInceptionDistance(x, y, d, {
      subsets: 3,
      subsetSize: 50,
      linearAlgebra,
    });
    assert.equal(kid.subsetSize, m);
    for (const v of kid.values) {
      // Relative tolerance 1e-12.
      assert.ok(
        Math.abs(v - expected) <= 1e-12 * Math.abs(expected),
        `${linearAlgebra}: ${v} vs ${expected}`,
      );
    }
    assert.ok(kid.std < 1e-12 * Math.abs(expected));
  }
});

Deno.test("kernelInceptionDistance is unbiased: its mean over draws from one distribution is near 0", () => {
  const rng = new Rng(31);
  const d = 8;
  const m = 40;
  const draws = 300;
  const unbiased: number[] = [];
  const biased: number[] = [];
  for (let t = 0; t < draws; t++) {
    const x = rng.normal(m * d);
    const y = rng.normal(m * d);
    unbiased.push(
      kernelInceptionDistance(x, y, d, { subsets: 1, subsetSize: m, rng }).mean,
    );
    biased.push(referenceMmd(x, y, d, m, true));
  }
  const mean = unbiased.reduce((a, v) => a + v, 0) / draws;
  const sd = Math.sqrt(
    unbiased.reduce((a, v) => a + (v - mean) ** 2, 0) / (draws - 1),
  );
  const tolerance = 4 * sd / Math.sqrt(draws); // 4 standard errors of the mean
  assert.ok(
    Math.abs(mean) < tolerance,
    `mean ${mean} over ${draws} draws, tolerance ${tolerance}`,
  );
  // The test has power: the biased estimator is far outside that band.
  const biasedMean = biased.reduce((a, v) => a + v, 0) / draws;
  assert.ok(
    biasedMean > 10 * tolerance,
    `biased mean ${biasedMean}, tolerance ${tolerance}`,
  );
});

Deno.test("kernelInceptionDistance is clearly positive for shifted distributions", () => {
  const rng = new Rng(32);
  const d = 6;
  const x = rng.normal(400 * d);
  const y = rng.normal(400 * d, 1);
  const kid = kernelInceptionDistance(x, y, d, {
    subsets: 20,
    subsetSize: 100,
    rng,
  });
  assert.equal(kid.values.length, 20);
  assert.ok(kid.mean > 5 * kid.std, `mean ${kid.mean}, std ${kid.std}`);
});

Deno.test("kernelInceptionDistance rejects bad input with the reason", () => {
  assert.throws(() => kernelInceptionDistance([1, 2, 3], [1, 2], 2), TypeError);
  assert.throws(
    () => kernelInceptionDistance([1, 2], [1, 2, 3, 4], 2),
    (e: Error) => e instanceof RangeError && /at least 2/.test(e.message),
  );
  assert.throws(
    () => kernelInceptionDistance([1, 2], [3, 4], 1, { subsets: 0 }),
    (e: Error) => e instanceof RangeError && /subsets/.test(e.message),
  );
});
