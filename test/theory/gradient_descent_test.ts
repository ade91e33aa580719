import assert from "node:assert/strict";
import {
  gradientDescent,
  localAnalysis,
  r1GanModel,
  relationGanModel,
  vanillaGanModel,
} from "../../theory/mod.ts";

Deno.test("gradientDescent: vanilla GAN spirals out with simultaneous steps and stays bounded with alternating ones", () => {
  const h = 0.1;
  const sim = gradientDescent(vanillaGanModel(), {
    stepSize: h,
    steps: 3000,
    mode: "simultaneous",
  });
  const alt = gradientDescent(vanillaGanModel(), {
    stepSize: h,
    steps: 3000,
    mode: "alternating",
  });
  // ρ(I + hJ) = √(1 + h²/4) > 1: the linearised orbit grows by that factor per step
  assert.ok(
    localAnalysis(vanillaGanModel(), { stepSize: h }).simultaneous
      .spectralRadius > 1,
  );
  const tail = (d: readonly number[]) => Math.max(...d.slice(-500));
  assert.ok(
    tail(sim.distances) > 2 * tail(alt.distances),
    `${tail(sim.distances)} vs ${tail(alt.distances)}`,
  );
  assert.ok(tail(alt.distances) < 0.5);
});

Deno.test("gradientDescent: R1 converges with both update rules (ρ < 1)", () => {
  for (const mode of ["simultaneous", "alternating"] as const) {
    const run = gradientDescent(r1GanModel(), { steps: 2000, mode });
    assert.ok(run.distances.at(-1)! < 1e-6, `${mode}: ${run.distances.at(-1)}`);
  }
});

Deno.test("gradientDescent: relation GAN with θ_prev = the previous iterate (τ = h) stops away from the real point", () => {
  // Euler with step h on dθ_prev/dt = (θ − θ_prev)/τ and τ = h sets θ_prev to
  // the previous θ exactly: the paper's y2 in discrete time.
  const h = 0.1;
  const run = gradientDescent(
    relationGanModel({ tau: h, parameters: "collapsed" }),
    {
      stepSize: h,
      steps: 3000,
      mode: "simultaneous",
    },
  );
  const last = run.states.at(-1)!;
  const before = run.states.at(-2)!;
  assert.ok(
    Math.hypot(last[0] - before[0], last[1] - before[1]) < 1e-8,
    "still moving",
  );
  assert.ok(run.distances.at(-1)! > 0.1, `${run.distances.at(-1)}`);
});

Deno.test("gradientDescent: rejects a non-integer step count", () => {
  assert.throws(
    () => gradientDescent(vanillaGanModel(), { steps: 1.5 }),
    RangeError,
  );
});
