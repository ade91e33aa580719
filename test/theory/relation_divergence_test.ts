import assert from "node:assert/strict";
import { relationDivergence } from "../../theory/mod.ts";

const p = { mean: [0], std: 1 };
const q = (mu: number) => ({ mean: [mu], std: 1 });

Deno.test("relationDivergence: a non-linear relation module gives M ≈ 0 at p = q and M growing with separation", () => {
  const m = [0, 1, 4].map((mu) =>
    relationDivergence(p, q(mu), { scoreClass: "mlp-concat" }).testM
  );
  assert.ok(Math.abs(m[0]) < 0.05, `M[p, p] = ${m[0]}`);
  assert.ok(m[1] > 0.5 && m[2] > m[1] + 3, `M = ${m}`);
});

Deno.test("relationDivergence: the paper's linear relation score (and any s(x1) + s(x2)) gives M ≡ 0", () => {
  for (const mu of [0, 4]) {
    const lin = relationDivergence(p, q(mu), { scoreClass: "linear-sum" });
    assert.ok(Math.abs(lin.testM) < 0.01, `linear-sum, μ=${mu}: ${lin.testM}`);
  }
  const sum = relationDivergence(p, q(4), { scoreClass: "mlp-sum" });
  assert.ok(Math.abs(sum.testM) < 0.1, `mlp-sum, μ=4: ${sum.testM}`);
});

Deno.test("relationDivergence: L_D(0) is E|x2 − y1| + E|y2 − x1|", () => {
  // For x − y ~ N(μ, 2): E|x − y| = 2/√π e^{−μ²/4} + μ(1 − 2Φ(−μ/√2)); at μ = 0 it is 2/√π.
  const r = relationDivergence(p, p, {
    scoreClass: "linear-sum",
    steps: 1,
    testSize: 20000,
  });
  assert.ok(
    Math.abs(r.constantLoss - 2 * (2 / Math.sqrt(Math.PI))) < 0.03,
    `${r.constantLoss}`,
  );
});

Deno.test("relationDivergence: rejects distributions of different dimensions", () => {
  assert.throws(
    () => relationDivergence(p, { mean: [0, 0], std: 1 }),
    (e: unknown) => e instanceof TypeError && /dimension/.test(e.message),
  );
});
