import assert from "node:assert/strict";
import {
  diracModels,
  relationGanModel,
  validateDiracModel,
  vanillaGanModel,
  vectorField,
} from "../../theory/mod.ts";

Deno.test("diracModels: every declaration is valid and names are unique", () => {
  const models = diracModels();
  for (const m of models) assert.deepEqual(validateDiracModel(m), [], m.name);
  assert.equal(new Set(models.map((m) => m.name)).size, models.length);
});

Deno.test("vectorField: vanilla GAN matches the hand-derived field f′(−φ·θ)(φ, −θ)", () => {
  const field = vectorField(vanillaGanModel());
  const fp = (t: number) => 1 / (1 + Math.exp(t)); // f′(t) = e^{−t}/(1 + e^{−t})
  for (const [t1, t2, p1, p2] of [[0.3, -0.2, 0.7, 0.1], [-1, 2, 0.5, -0.4]]) {
    const s = fp(-(p1 * t1 + p2 * t2));
    const v = field.evaluate([t1, t2, p1, p2]);
    const expected = [s * p1, s * p2, -s * t1, -s * t2];
    v.forEach((x, i) =>
      assert.ok(Math.abs(x - expected[i]) < 1e-12, `component ${i}`)
    );
  }
});

Deno.test("vectorField: relation GAN's discriminator gradient is y2 − θ while the hinges are active", () => {
  const field = vectorField(relationGanModel({ parameters: "collapsed" }));
  // state: t1 t2 w1 w2 u1 u2; dw/dt = −∇_w L_D = θ − θ_prev
  const v = field.evaluate([0.3, -0.1, 0.2, 0.1, 0.25, 0.05]);
  assert.ok(
    Math.abs(v[2] - (0.3 - 0.25)) < 1e-12 &&
      Math.abs(v[3] - (-0.1 - 0.05)) < 1e-12,
  );
  assert.ok(Math.abs(v[0] + 0.2) < 1e-12 && Math.abs(v[1] + 0.1) < 1e-12);
});

Deno.test("vectorField: an undeclared symbol is named in the error", () => {
  const model = {
    ...vanillaGanModel(),
    generator: { params: ["t1", "t2"], loss: "k * t1" },
  };
  assert.throws(
    () => vectorField(model),
    (e: unknown) => e instanceof TypeError && /"k"/.test(e.message),
  );
});

Deno.test("validateDiracModel: names the missing initial value", () => {
  const model = { ...vanillaGanModel(), initial: { t1: 0, t2: 0, p1: 0 } };
  const issues = validateDiracModel(model);
  assert.equal(issues.length, 1);
  assert.match(issues[0], /initial\.p2/);
});

Deno.test("vectorField: absSmoothing changes the field by O(ε²) away from the hinges' kinks", () => {
  const model = relationGanModel({ parameters: "collapsed" });
  const exact = vectorField(model);
  const smooth = vectorField(model, { absSmoothing: 1e-3 });
  const x = [0.3, -0.1, 0.2, 0.1, 0.25, 0.05];
  const a = exact.evaluate(x);
  const b = smooth.evaluate(x);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `component ${i}`));
  assert.throws(() => vectorField(model, { absSmoothing: 0 }), RangeError);
});
