import assert from "node:assert/strict";
import { inceptionScore } from "../../src/metrics/inception_score.ts";
import { Rng } from "../../src/random.ts";

Deno.test("inceptionScore of uniform predictions is 1", () => {
  const k = 7;
  const n = 50;
  const p = new Float64Array(n * k).fill(1 / k);
  const score = inceptionScore(p, k);
  assert.equal(score.values.length, 10);
  // exp(0) = 1; tolerance 1e-12.
  assert.ok(Math.abs(score.mean - 1) < 1e-12, `${score.mean}`);
  assert.ok(score.std < 1e-12);
});

Deno.test("inceptionScore of one-hot predictions spread evenly over K classes is K", () => {
  const k = 10;
  const n = 10 * k * 3; // every split of 30 holds each class 3 times
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) p[i * k + (i % k)] = 1;
  const score = inceptionScore(p, k, { splits: 10 });
  // KL(onehot ‖ uniform) = log K, so IS = K; tolerance 1e-12 relative.
  for (const v of score.values) assert.ok(Math.abs(v - k) < 1e-12 * k, `${v}`);
  assert.ok(Math.abs(score.mean - k) < 1e-12 * k);
});

Deno.test("inceptionScore matches a plain reference on random predictions with uneven splits", () => {
  const rng = new Rng(40);
  const k = 5;
  const n = 23;
  const logits = rng.normal(n * k, 0, 2);
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logits[i * k + c]);
    for (let c = 0; c < k; c++) p[i * k + c] = Math.exp(logits[i * k + c]) / z;
  }
  const splits = 4;
  const expected: number[] = [];
  for (let s = 0; s < splits; s++) {
    const rows: number[][] = [];
    for (
      let i = Math.floor((s * n) / splits);
      i < Math.floor(((s + 1) * n) / splits);
      i++
    ) {
      rows.push(Array.from(p.subarray(i * k, i * k + k)));
    }
    const py = Array.from(
      { length: k },
      (_, c) => rows.reduce((a, r) => a + r[c], 0) / rows.length,
    );
    // KL = Σ p log p − Σ p log p(y)
    const kl = rows.reduce(
      (a, r) =>
        a + r.reduce((b, v, c) => b + v * Math.log(v) - v * Math.log(py[c]), 0),
      0,
    ) / rows.length;
    expected.push(Math.exp(kl));
  }
  const score = inceptionScore(p, k, { splits });
  for (let s = 0; s < splits; s++) {
    assert.ok(Math.abs(score.values[s] - expected[s]) < 1e-12 * expected[s]);
  }
  const mean = expected.reduce((a, v) => a + v, 0) / splits;
  const std = Math.sqrt(
    expected.reduce((a, v) => a + (v - mean) ** 2, 0) / splits,
  );
  assert.ok(Math.abs(score.mean - mean) < 1e-12 * mean);
  assert.ok(Math.abs(score.std - std) < 1e-9 * Math.max(std, 1e-3));
});

Deno.test("inceptionScore rejects bad input with the reason", () => {
  assert.throws(() => inceptionScore([0.5, 0.5, 1], 2), TypeError);
  assert.throws(
    () => inceptionScore([0.5, 0.5], 2, { splits: 2 }),
    (e: Error) => e instanceof RangeError && /splits/.test(e.message),
  );
  assert.throws(
    () => inceptionScore([-0.5, 1.5], 2, { splits: 1 }),
    (e: Error) => e instanceof RangeError && /non-negative/.test(e.message),
  );
});
