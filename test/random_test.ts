import assert from "node:assert/strict";
import { Rng } from "../src/random.ts";

Deno.test("Rng.fromState continues the stream exactly", () => {
  const a = new Rng(42);
  a.uniform(17);
  a.normal(5);
  const saved = a.state();
  const expected = [...a.uniform(8), ...a.normal(8)];
  const b = Rng.fromState(saved);
  assert.deepEqual([...b.uniform(8), ...b.normal(8)], expected);
});

Deno.test("Rng.uniform has the moments of U(0, 1)", () => {
  const x = new Rng(1).uniform(200_000);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  // Standard errors: 1/sqrt(12 n) ≈ 6.5e-4 for the mean; tolerances are 5 s.e.
  assert.ok(Math.abs(mean - 0.5) < 3.3e-3, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 1.5e-3, `variance ${variance}`);
  assert.ok(x.every((v) => v >= 0 && v < 1));
});

Deno.test("Rng.normal has the moments of N(0, 1)", () => {
  const x = new Rng(2).normal(200_000);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  // s.e. of the mean 1/sqrt(n) ≈ 2.2e-3, of the variance sqrt(2/n) ≈ 3.2e-3.
  assert.ok(Math.abs(mean) < 0.011, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.016, `variance ${variance}`);
});

Deno.test("Rng.fork gives distinct, reproducible streams without advancing the parent", () => {
  const parent = new Rng(3);
  const before = parent.state();
  const x = parent.fork("init").uniform(4);
  const y = parent.fork("data").uniform(4);
  assert.deepEqual(parent.state(), before);
  assert.deepEqual(parent.fork("init").uniform(4), x);
  assert.notDeepEqual(x, y);
});

Deno.test("Rng.int is unbiased and in range; permutation is a permutation", () => {
  const rng = new Rng(4);
  const counts = new Array(3).fill(0);
  for (let i = 0; i < 30_000; i++) counts[rng.int(3)]++;
  // Each count ~ Binomial(30000, 1/3): s.e. ≈ 82; tolerance 5 s.e.
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 410, `${counts}`);
  const p = rng.permutation(100);
  assert.deepEqual([...p].sort((a, b) => a - b), [...Array(100).keys()]);
  assert.throws(() => rng.int(0), RangeError);
});
