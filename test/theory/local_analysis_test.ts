import assert from "node:assert/strict";
import {
  type Complex,
  ganQpModel,
  instanceNoiseGanModel,
  localAnalysis,
  nonSaturatingGanModel,
  r1GanModel,
  relationGanModel,
  vanillaGanModel,
  wganGpModel,
  wganModel,
} from "../../theory/mod.ts";

const F1 = 0.5; // f′(0) for f(t) = −log(1 + e^{−t})
const F2 = -0.25; // f″(0)

/** Matches every expected eigenvalue to a distinct computed one within tol. */
function assertEigenvalues(
  actual: readonly Complex[],
  expected: Complex[],
  tol: number,
) {
  assert.equal(actual.length, expected.length, "eigenvalue count");
  const used = new Array<boolean>(actual.length).fill(false);
  for (const e of expected) {
    const k = actual.findIndex((z, i) =>
      !used[i] && Math.abs(z.re - e.re) < tol && Math.abs(z.im - e.im) < tol
    );
    assert.ok(
      k >= 0,
      `expected eigenvalue ${e.re}+${e.im}i not among ${
        JSON.stringify(actual)
      }`,
    );
    used[k] = true;
  }
}

/** Roots of μ² + bμ + c, each `times` times. */
function quadraticRoots(b: number, c: number, times: number): Complex[] {
  const disc = b * b / 4 - c;
  const pair: Complex[] = disc >= 0
    ? [{ re: -b / 2 - Math.sqrt(disc), im: 0 }, {
      re: -b / 2 + Math.sqrt(disc),
      im: 0,
    }]
    : [{ re: -b / 2, im: -Math.sqrt(-disc) }, {
      re: -b / 2,
      im: Math.sqrt(-disc),
    }];
  return Array.from({ length: times }, () => pair).flat();
}

Deno.test("localAnalysis: unregularised Dirac-GANs have eigenvalues ±f′(0)i (vanilla, NS) and ±i (WGAN)", () => {
  for (const model of [vanillaGanModel(), nonSaturatingGanModel()]) {
    const a = localAnalysis(model);
    assert.equal(a.jacobianSource, "symbolic");
    assertEigenvalues(a.eigenvalues, quadraticRoots(0, F1 * F1, 2), 1e-9);
    assert.equal(a.continuous, "purely-imaginary");
    assert.ok(a.finiteDifferenceError < 1e-6);
  }
  for (const model of [wganModel(), wganModel({ clip: 0.1 })]) {
    const a = localAnalysis(model);
    assertEigenvalues(a.eigenvalues, quadraticRoots(0, 1, 2), 1e-9);
    assert.equal(a.continuous, "purely-imaginary");
  }
});

Deno.test("localAnalysis: discrete verdicts — simultaneous steps spiral out, alternating ones stay on the unit circle", () => {
  const h = 0.1;
  const a = localAnalysis(vanillaGanModel(), { stepSize: h });
  // eigenvalues of I + hJ are 1 ± h f′(0) i
  assert.ok(
    Math.abs(a.simultaneous.spectralRadius - Math.hypot(1, h * F1)) < 1e-9,
  );
  assert.equal(a.simultaneous.verdict, "divergent");
  // alternating: det = 1 and |trace| < 2, so both eigenvalues have modulus 1
  assert.ok(Math.abs(a.alternating.spectralRadius - 1) < 1e-9);
  assert.equal(a.alternating.verdict, "marginal");
});

Deno.test("localAnalysis: R1 with γ has eigenvalues −γ/2 ± √(γ²/4 − f′(0)²) (Mescheder et al. 2018)", () => {
  for (const gamma of [0.5, 2]) {
    const a = localAnalysis(r1GanModel({ gamma }));
    assertEigenvalues(a.eigenvalues, quadraticRoots(gamma, F1 * F1, 2), 1e-8);
    assert.equal(a.continuous, "convergent");
    assert.equal(a.simultaneous.verdict, "convergent");
  }
});

Deno.test("localAnalysis: instance noise σ has eigenvalues f″(0)σ² ± √(f″(0)²σ⁴ − f′(0)²)", () => {
  for (const sigma of [1, 0.5]) {
    const a = localAnalysis(instanceNoiseGanModel({ sigma, points: 3 }));
    assertEigenvalues(
      a.eigenvalues,
      quadraticRoots(-2 * F2 * sigma ** 2, F1 * F1, 2),
      1e-8,
    );
    assert.equal(a.continuous, "convergent");
  }
});

Deno.test("localAnalysis: WGAN-GP has no equilibrium at the real point; its field jumps by 4λg0 across φ = 0", () => {
  for (const [lambda, target] of [[1, 1], [2, 0.3]]) {
    const a = localAnalysis(wganGpModel({ lambda, target }));
    assert.equal(a.continuous, "no-equilibrium");
    assert.equal(a.jacobian, null);
    assert.ok(
      Math.abs(a.fieldJump - 4 * lambda * target) < 1e-6,
      `jump ${a.fieldJump}`,
    );
    assert.ok(
      Math.abs(a.residual - 2 * lambda * target) < 1e-6,
      `residual ${a.residual}`,
    );
  }
});

Deno.test("localAnalysis: GAN-QP's penalty is O(‖x‖²), so its Jacobian is WGAN's (±i) as a limit", () => {
  const a = localAnalysis(ganQpModel());
  assert.equal(a.jacobianSource, "symbolic-limit");
  assertEigenvalues(a.eigenvalues, quadraticRoots(0, 1, 2), 1e-6);
  assert.equal(a.continuous, "purely-imaginary");
});

Deno.test("localAnalysis: relation Dirac-GAN readings have zero eigenvalues (the real point is not isolated)", () => {
  // no lag: ∇_w L_D = y2 − θ = 0, so the Jacobian is nilpotent
  const nolag = localAnalysis(
    relationGanModel({ previous: "current-detached" }),
  );
  assert.equal(nolag.continuous, "zero-eigenvalue");
  assert.equal(nolag.eigenvalues.length, 5);
  assert.ok(nolag.eigenvalues.every((z) => Math.hypot(z.re, z.im) < 1e-6));

  // lagged with τ: (w, θ − θ_prev) obey μ² + μ/τ + r² = 0 (r = 1), θ and θe's
  // direction along it and r give three zeros
  for (const tau of [1, 0.1]) {
    const a = localAnalysis(relationGanModel({ previous: "lagged", tau }));
    assert.equal(a.continuous, "zero-eigenvalue");
    const nonzero = a.eigenvalues.filter((z) => Math.hypot(z.re, z.im) > 1e-6);
    assertEigenvalues(nonzero, quadraticRoots(1 / tau, 1, 2), 1e-7);
    assert.equal(a.eigenvalues.length - nonzero.length, 3);
    assert.ok(a.finiteDifferenceError < 1e-6);
  }

  // the constant margin keeps the hinges away from their kink: plain symbolic
  const constant = localAnalysis(relationGanModel({ margin: "constant" }));
  assert.equal(constant.jacobianSource, "symbolic");
  assert.equal(constant.continuous, "zero-eigenvalue");
});

Deno.test("localAnalysis: rejects a non-positive step size", () => {
  assert.throws(
    () => localAnalysis(vanillaGanModel(), { stepSize: 0 }),
    (e: unknown) => e instanceof RangeError && /stepSize/.test(e.message),
  );
});
