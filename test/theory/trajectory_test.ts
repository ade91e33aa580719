import assert from "node:assert/strict";
import {
  r1GanModel,
  relationGanModel,
  simulateTrajectory,
  vanillaGanModel,
  wganGpModel,
} from "../../theory/mod.ts";

Deno.test("simulateTrajectory: vanilla GAN conserves ‖θ‖² + ‖φ‖² and oscillates", () => {
  const run = simulateTrajectory(vanillaGanModel(), { tEnd: 40 });
  // d/dt(‖θ‖² + ‖φ‖²) = 2f′(−φ·θ)(θ·φ − φ·θ) = 0
  const energy = (s: readonly number[]) =>
    s[0] ** 2 + s[1] ** 2 + s[2] ** 2 + s[3] ** 2;
  const e0 = energy(run.states[0]);
  const drift = Math.max(...run.states.map((s) => Math.abs(energy(s) - e0)));
  assert.ok(drift < 1e-5, `energy drift ${drift}`);
  assert.equal(run.classification, "oscillates");
  assert.ok(run.tailMin > 0.01);
});

Deno.test("simulateTrajectory: R1 converges to the real point", () => {
  const run = simulateTrajectory(r1GanModel(), { tEnd: 60 });
  assert.equal(run.classification, "converges");
  assert.ok(run.finalDistance < 1e-5);
});

Deno.test("simulateTrajectory: WGAN-GP ends on a cycle at ‖θ‖ ≈ g0", () => {
  const run = simulateTrajectory(wganGpModel(), { tEnd: 60 });
  assert.equal(run.classification, "oscillates");
  assert.ok(
    Math.abs(run.tailMin - 1) < 0.01 && Math.abs(run.tailMax - 1) < 0.01,
  );
});

Deno.test("simulateTrajectory: relation GAN without lag drifts as θ(t) = θ0 − w0 t", () => {
  const run = simulateTrajectory(
    relationGanModel({ previous: "current-detached" }),
    { tEnd: 20 },
  );
  // L_D's gradient is y2 − θ = 0, so w stays at w0 = (0.1, 0.1)
  assert.ok(Math.abs(run.finalTheta[0] - (0.2 - 0.1 * 20)) < 1e-6);
  assert.ok(Math.abs(run.finalTheta[1] - (0.1 - 0.1 * 20)) < 1e-6);
});

Deno.test("simulateTrajectory: lagged relation GAN stops at θ0 − w0/τ, not at the real point", () => {
  // With the hinges active: θ' = −w, w' = δ, δ' = −w − δ/τ (δ = θ − θ_prev),
  // so ∫w dt = w0/τ and θ(∞) = θ0 − w0/τ.
  for (const tau of [1, 2]) {
    const run = simulateTrajectory(
      relationGanModel({ previous: "lagged", tau, parameters: "collapsed" }),
      { tEnd: 80 },
    );
    assert.ok(
      Math.abs(run.finalTheta[0] - (0.2 - 0.1 / tau)) < 1e-5,
      `τ=${tau}: ${run.finalTheta}`,
    );
    assert.ok(
      Math.abs(run.finalTheta[1] - (0.1 - 0.1 / tau)) < 1e-5,
      `τ=${tau}: ${run.finalTheta}`,
    );
    assert.equal(run.classification, "stops-elsewhere");
  }
});

Deno.test("simulateTrajectory: rejects a non-positive horizon", () => {
  assert.throws(
    () => simulateTrajectory(vanillaGanModel(), { tEnd: -1 }),
    (e: unknown) => e instanceof RangeError && /tEnd/.test(e.message),
  );
});

Deno.test("simulateTrajectory: a hinge that switches on a sliding surface is integrated with |·| smoothed, and says so", () => {
  // From φ0 = (1, 1) the lagged relation GAN's second hinge turns off and on:
  // the exact field stalls solveODE, the smoothed one (ε = 1e-3) does not.
  const run = simulateTrajectory(relationGanModel({ phi0: [1, 1] }), {
    tEnd: 60,
  });
  assert.equal(run.absSmoothing, 1e-3);
  assert.equal(run.classification, "stops-elsewhere");
  assert.ok(run.finalDistance > 0.3, `${run.finalDistance}`);
  // the constant-margin reading never reaches a kink from there: exact field
  const constant = simulateTrajectory(
    relationGanModel({ phi0: [1, 1], margin: "constant" }),
    { tEnd: 60 },
  );
  assert.equal(constant.absSmoothing, null);
});
