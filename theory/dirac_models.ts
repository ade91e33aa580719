/**
 * The catalogue of Dirac-GAN models in the plane (the Relation GAN paper,
 * section 4.3, extending Mescheder, Geiger and Nowozin 2018, section 2 and 3):
 * θ = (t1, t2) is the generated point, the real point is the origin, and each
 * model declares its two losses as mathjs expressions.
 *
 * Conventions shared by the linear-discriminator models: D(x) = φ·x with
 * φ = (p1, p2), so D(real) = 0 and D(fake) = φ·θ; f(t) = −log(1 + e^{−t}),
 * f′(0) = 1/2, f″(0) = −1/4; the discriminator maximises
 * f(D(real)) + f(−D(fake)), i.e. minimises its negative.
 *
 * @module
 */

import { gaussHermite } from "./_gauss_hermite.ts";
import type { DiracModel } from "./dirac_model.ts";

/** Options shared by every model of the catalogue. */
export interface DiracStartOptions {
  /**
   * The generator's initial point θ0 (the paper's figure 2 starts there).
   * @default [0.2, 0.1]
   */
  readonly theta0?: readonly [number, number];
  /**
   * The discriminator's initial effective weights: φ0 for D(x) = φ·x, and
   * θr0 · θe0 for the relation discriminator (θr0 = 1, θe0 = this value).
   * Not zero: a relation discriminator at zero with θ_prev = θ is at rest.
   * @default [0.1, 0.1]
   */
  readonly phi0?: readonly [number, number];
}

const DOT = "(p1 * t1 + p2 * t2)";

/** f(t) = −log(1 + e^{−t}) as mathjs text. */
function f(t: string): string {
  return `(-log(1 + exp(-(${t}))))`;
}

/** [a]₊ = max(0, a) = (a + |a|) / 2, a form mathjs can differentiate. */
function relu(a: string): string {
  return `(((${a}) + abs(${a})) / 2)`;
}

function start(
  options: DiracStartOptions,
): { theta0: readonly [number, number]; phi0: readonly [number, number] } {
  const theta0 = options.theta0 ?? [0.2, 0.1];
  const phi0 = options.phi0 ?? [0.1, 0.1];
  for (const [name, v] of [["theta0", theta0], ["phi0", phi0]] as const) {
    if (v.length !== 2 || !v.every(Number.isFinite)) {
      throw new TypeError(
        `Cannot build a Dirac-GAN model: ${name} must be two finite numbers, current value is ${
          JSON.stringify(v)
        }`,
      );
    }
  }
  return { theta0, phi0 };
}

function linearModel(
  name: string,
  description: string,
  lossD: string,
  lossG: string,
  options: DiracStartOptions,
  extra: Partial<DiracModel> = {},
): DiracModel {
  const { theta0, phi0 } = start(options);
  return {
    kind: "dirac_model",
    name,
    description,
    generator: { params: ["t1", "t2"], loss: lossG },
    discriminator: { params: ["p1", "p2"], loss: lossD },
    equilibrium: { t1: 0, t2: 0, p1: 0, p2: 0 },
    initial: { t1: theta0[0], t2: theta0[1], p1: phi0[0], p2: phi0[1] },
    ...extra,
  };
}

/**
 * The unregularised GAN with the minimax generator loss:
 * L_D = −f(0) − f(−φ·θ), L_G = f(−φ·θ). Jacobian eigenvalues at the origin:
 * ±f′(0)·i = ±i/2, each twice (Mescheder et al. 2018, Lemma 2.2).
 *
 * @example Its losses
 * ```ts
 * import assert from "node:assert/strict";
 * import { vanillaGanModel } from "@relgan/core/theory";
 *
 * assert.equal(vanillaGanModel().generator.params.length, 2);
 * ```
 *
 * @param options Start point.
 * @returns The declaration.
 */
export function vanillaGanModel(options: DiracStartOptions = {}): DiracModel {
  return linearModel(
    "vanilla",
    "GAN, minimax generator loss, f(t) = -log(1+e^-t)",
    `-(${f("0")} + ${f(`-${DOT}`)})`,
    f(`-${DOT}`),
    options,
  );
}

/**
 * The non-saturating GAN: L_D as {@linkcode vanillaGanModel},
 * L_G = −f(φ·θ). Same Jacobian at the origin: ±i/2.
 *
 * @param options Start point.
 * @returns The declaration.
 */
export function nonSaturatingGanModel(
  options: DiracStartOptions = {},
): DiracModel {
  return linearModel(
    "non-saturating",
    "GAN, non-saturating generator loss -f(D(fake))",
    `-(${f("0")} + ${f(`-${DOT}`)})`,
    `-${f(DOT)}`,
    options,
  );
}

/** Options of {@linkcode wganModel}. */
export interface WganOptions extends DiracStartOptions {
  /**
   * Clip each discriminator weight to [−clip, clip].
   * @default undefined (no clipping)
   */
  readonly clip?: number;
}

/**
 * The Wasserstein GAN: L_D = D(fake) − D(real) = φ·θ, L_G = −φ·θ.
 * Eigenvalues at the origin ±i (each twice). With `clip`, φ is held in the
 * box [−clip, clip]² (inactive at the origin, so the eigenvalues are the same).
 *
 * @param options Start point and clipping.
 * @returns The declaration.
 */
export function wganModel(options: WganOptions = {}): DiracModel {
  const model = linearModel(
    options.clip === undefined ? "wgan" : "wgan-clip",
    options.clip === undefined
      ? "WGAN without weight clipping"
      : `WGAN, weights clipped to [-${options.clip}, ${options.clip}]`,
    DOT,
    `-${DOT}`,
    options,
  );
  if (options.clip === undefined) return model;
  return {
    ...model,
    discriminator: { ...model.discriminator, clip: options.clip },
  };
}

/** Options of {@linkcode wganGpModel}. */
export interface WganGpOptions extends DiracStartOptions {
  /** Penalty weight λ. @default 1 */
  readonly lambda?: number;
  /** Target gradient norm g0. @default 1 */
  readonly target?: number;
}

/**
 * WGAN-GP (Gulrajani et al. 2017): L_D = φ·θ + λ(‖∇D(x̂)‖ − g0)²; for a
 * linear D, ∇D = φ at every interpolate x̂, so the penalty is λ(‖φ‖ − g0)².
 * Its vector field is discontinuous at φ = 0: the penalty's gradient
 * 2λ(‖φ‖ − g0) φ/‖φ‖ jumps by 4λg0 across φ = 0, so the origin is not an
 * equilibrium and has no Jacobian.
 *
 * @param options Start point, λ and g0.
 * @returns The declaration.
 */
export function wganGpModel(options: WganGpOptions = {}): DiracModel {
  const lambda = options.lambda ?? 1;
  const target = options.target ?? 1;
  return linearModel(
    "wgan-gp",
    `WGAN-GP, lambda ${lambda}, target norm ${target}`,
    `${DOT} + lambda * (sqrt(p1^2 + p2^2) - g0)^2`,
    `-${DOT}`,
    options,
    { constants: { lambda, g0: target } },
  );
}

/** Options of {@linkcode ganQpModel}. */
export interface GanQpOptions extends DiracStartOptions {
  /** The quadratic penalty's scale λ. @default 1 */
  readonly lambda?: number;
}

/**
 * GAN-QP (Su 2018) with T(x_r, x_f) = D(x_r) − D(x_f) = −φ·θ and the L2
 * distance: the discriminator maximises T − T²/(2λ‖x_r − x_f‖), so
 * L_D = φ·θ + (φ·θ)²/(2λ‖θ‖), and L_G = T = −φ·θ. The penalty's gradient
 * (φ·θ)θ/(λ‖θ‖) is continuous at the origin but not differentiable there.
 *
 * @param options Start point and λ.
 * @returns The declaration.
 */
export function ganQpModel(options: GanQpOptions = {}): DiracModel {
  const lambda = options.lambda ?? 1;
  return linearModel(
    "gan-qp",
    `GAN-QP, L2 distance, lambda ${lambda}`,
    `${DOT} + ${DOT}^2 / (2 * lambda * dist)`,
    `-${DOT}`,
    options,
    {
      constants: { lambda },
      given: { dist: "sqrt(t1^2 + t2^2)" },
      readings: [
        "the distance ‖x_r − x_f‖ = ‖θ‖ enters only L_D and no φ enters it, so it is held constant while L_D is differentiated in φ (exact)",
      ],
    },
  );
}

/** Options of {@linkcode r1GanModel}. */
export interface R1Options extends DiracStartOptions {
  /** Penalty weight γ. @default 0.5 */
  readonly gamma?: number;
}

/**
 * The GAN with the R1 penalty (Mescheder et al. 2018, section 4.1):
 * L_D = −f(0) − f(−φ·θ) + (γ/2)‖∇D(real)‖² = … + (γ/2)‖φ‖², L_G as vanilla.
 * Eigenvalues at the origin: −γ/2 ± √(γ²/4 − f′(0)²), each twice.
 *
 * @param options Start point and γ.
 * @returns The declaration.
 */
export function r1GanModel(options: R1Options = {}): DiracModel {
  const gamma = options.gamma ?? 0.5;
  return linearModel(
    "r1",
    `GAN with R1 penalty, gamma ${gamma}`,
    `-(${f("0")} + ${f(`-${DOT}`)}) + gamma / 2 * (p1^2 + p2^2)`,
    f(`-${DOT}`),
    options,
    { constants: { gamma } },
  );
}

/** Options of {@linkcode instanceNoiseGanModel}. */
export interface InstanceNoiseOptions extends DiracStartOptions {
  /** Noise standard deviation σ. @default 1 */
  readonly sigma?: number;
  /** Gauss–Hermite points per axis for the expectation. @default 5 */
  readonly points?: number;
}

/**
 * The GAN with instance noise N(0, σ²I) added to real and generated points
 * (Mescheder et al. 2018, section 3.3). The expectations over the noise are
 * Gauss–Hermite sums (a tensor rule, `points²` nodes); the rule integrates
 * moments up to degree 2·points − 1 exactly, so the Jacobian at the origin
 * (which needs second moments only) is exact:
 * eigenvalues f″(0)σ² ± √(f″(0)²σ⁴ − f′(0)²), each twice.
 *
 * @param options Start point, σ and the quadrature size.
 * @returns The declaration.
 */
export function instanceNoiseGanModel(
  options: InstanceNoiseOptions = {},
): DiracModel {
  const sigma = options.sigma ?? 1;
  const rule = gaussHermite(options.points ?? 5);
  const real: string[] = [];
  const fake: string[] = [];
  for (let i = 0; i < rule.nodes.length; i++) {
    for (let j = 0; j < rule.nodes.length; j++) {
      const w = rule.weights[i] * rule.weights[j];
      const a = `sigma * ${rule.nodes[i]}`;
      const b = `sigma * ${rule.nodes[j]}`;
      real.push(`${w} * ${f(`p1 * ${a} + p2 * ${b}`)}`);
      fake.push(`${w} * ${f(`-(p1 * (t1 + ${a}) + p2 * (t2 + ${b}))`)}`);
    }
  }
  return linearModel(
    "instance-noise",
    `GAN with instance noise, sigma ${sigma}`,
    `-(${real.join(" + ")} + ${fake.join(" + ")})`,
    `(${fake.join(" + ")})`,
    options,
    { constants: { sigma } },
  );
}

/** How the relation GAN's previous-step sample y2 is read in continuous time. */
export type PreviousSample =
  | "current-detached"
  | "current-through"
  | "lagged";

/** Options of {@linkcode relationGanModel}. */
export interface RelationOptions extends DiracStartOptions {
  /**
   * What y2 is: `"current-detached"` y2 = θ with no gradient through it (a
   * step of length 0 has the previous sample equal to the current one);
   * `"current-through"` y2 = θ with the gradient flowing through both copies;
   * `"lagged"` y2 = θ_prev = (u1, u2) with dθ_prev/dt = (θ − θ_prev)/τ
   * (Euler with step h and τ = h gives θ_prev = the previous iterate exactly).
   * @default "lagged"
   */
  readonly previous?: PreviousSample;
  /** The lag τ of `"lagged"`. @default 1 */
  readonly tau?: number;
  /**
   * The margin Δ: `"distance"` (the paper's Δ(a, b) = ‖a − b‖₂) or
   * `"constant"` (the original triplet loss's fixed margin `marginValue`).
   * @default "distance"
   */
  readonly margin?: "distance" | "constant";
  /** The constant margin's value. @default 1 */
  readonly marginValue?: number;
  /**
   * `"factored"`: θr scalar and θe ∈ R², D = θr(θe·x1 + θe·x2) (the paper's
   * form, three parameters); `"collapsed"`: w = θr θe ∈ R² as the parameters.
   * @default "factored"
   */
  readonly parameters?: "factored" | "collapsed";
}

/**
 * The Relation GAN's Dirac-GAN (the paper, section 4.3):
 * D(x1, x2) = θr(θe·x1 + θe·x2) and the triplet loss of eq. (5),
 * L_D = [D(x1, x2) − D(x1, y1) + Δ(x2, y1)]₊ + [D(y1, y2) − D(x1, y1) + Δ(y2, x1)]₊,
 * L_G = 2 D(x1, y1) − D(y1, y2), with x1 = x2 = 0 (real), y1 = θ, y2 the
 * previous-step sample (held constant in L_G). With w = θr θe this is
 * L_D = [−w·θ + Δ(0, θ)]₊ + [w·y2 + Δ(y2, 0)]₊ and L_G = w·θ − w·y2.
 * Since D depends on x1 + x2 only, the real pair scores 0 and, while both
 * hinges are active, ∇_w L_D = y2 − θ: the real point enters only through
 * the margins and the hinges. The per-sample (eq. 6) and batch-mean (eq. 7)
 * forms coincide here (one real point, one generated point).
 *
 * @example The default reading
 * ```ts
 * import assert from "node:assert/strict";
 * import { relationGanModel } from "@relgan/core/theory";
 *
 * const model = relationGanModel();
 * assert.equal(model.name, "relation-lag");
 * assert.deepEqual(model.discriminator.params, ["r", "e1", "e2"]);
 * ```
 *
 * @param options The reading of each ambiguous part.
 * @returns The declaration.
 * @throws {RangeError} When τ or the constant margin is not positive.
 */
export function relationGanModel(options: RelationOptions = {}): DiracModel {
  const { theta0, phi0 } = start(options);
  const previous = options.previous ?? "lagged";
  const tau = options.tau ?? 1;
  const margin = options.margin ?? "distance";
  const marginValue = options.marginValue ?? 1;
  const parameters = options.parameters ?? "factored";
  if (!(tau > 0)) {
    throw new RangeError(
      `Cannot build the relation Dirac-GAN: tau must be positive, current value is ${tau}`,
    );
  }
  if (!(marginValue > 0)) {
    throw new RangeError(
      `Cannot build the relation Dirac-GAN: marginValue must be positive, current value is ${marginValue}`,
    );
  }

  const factored = parameters === "factored";
  const w1 = factored ? "(r * e1)" : "w1";
  const w2 = factored ? "(r * e2)" : "w2";
  const y2: [string, string] = previous === "lagged"
    ? ["u1", "u2"]
    : previous === "current-detached"
    ? ["q1", "q2"]
    : ["t1", "t2"];
  const pair = (a: [string, string], b: [string, string]) =>
    `(${w1} * (${a[0]} + ${b[0]}) + ${w2} * (${a[1]} + ${b[1]}))`;
  const zero: [string, string] = ["0", "0"];
  const theta: [string, string] = ["t1", "t2"];
  const dRealReal = pair(zero, zero);
  const dRealFake = pair(zero, theta);
  const dFakeFake = pair(theta, y2);
  const lossD = `${relu(`${dRealReal} - ${dRealFake} + m1`)} + ${
    relu(`${dFakeFake} - ${dRealFake} + m2`)
  }`;
  const lossG = `2 * ${dRealFake} - ${dFakeFake}`;

  const given: Record<string, string> = margin === "distance"
    ? {
      m1: "sqrt(t1^2 + t2^2)",
      m2: `sqrt(${y2[0]}^2 + ${y2[1]}^2)`,
    }
    : { m1: "margin", m2: "margin" };
  if (previous === "current-detached") {
    Object.assign(given, { q1: "t1", q2: "t2" });
  }

  const discParams = factored ? ["r", "e1", "e2"] : ["w1", "w2"];
  const equilibrium: Record<string, number> = { t1: 0, t2: 0 };
  const initial: Record<string, number> = { t1: theta0[0], t2: theta0[1] };
  if (factored) {
    Object.assign(equilibrium, { r: 1, e1: 0, e2: 0 });
    Object.assign(initial, { r: 1, e1: phi0[0], e2: phi0[1] });
  } else {
    Object.assign(equilibrium, { w1: 0, w2: 0 });
    Object.assign(initial, { w1: phi0[0], w2: phi0[1] });
  }
  if (previous === "lagged") {
    Object.assign(equilibrium, { u1: 0, u2: 0 });
    Object.assign(initial, { u1: theta0[0], u2: theta0[1] });
  }

  const name = [
    "relation",
    previous === "lagged"
      ? (tau === 1 ? "lag" : `lag${tau}`)
      : previous === "current-detached"
      ? "nolag"
      : "nolag-through",
    ...(margin === "constant" ? ["const"] : []),
    ...(factored ? [] : ["w"]),
  ].join("-");

  const readings = [
    factored
      ? "θe ∈ R² (θe·x is a dot product with a 2-D x) and θr a scalar: the relation module scales the summed embedding, so D = θr θe·(x1 + x2)"
      : "the product θr θe is collapsed into one weight w ∈ R²: D = w·(x1 + x2)",
    "[a]₊ = max(0, a); near the origin with ‖θr θe‖ < 1 both hinges are active, so the hinge does not change the local analysis",
    margin === "distance"
      ? "Δ(a, b) = ‖a − b‖₂ (the paper's distance margin); Δ enters L_D only and no discriminator parameter enters it"
      : `Δ = ${marginValue}, the constant margin of the original triplet loss`,
    previous === "lagged"
      ? `y2 = θ_prev, a lagged copy with dθ_prev/dt = (θ − θ_prev)/τ, τ = ${tau}, θ_prev(0) = θ(0); no gradient flows into θ_prev`
      : previous === "current-detached"
      ? "y2 = θ (no lag), held constant (stop-gradient) in both losses"
      : "y2 = θ (no lag) with the gradient flowing through it; then L_G = 2w·θ − 2w·θ = 0 and the generator never moves",
    "L_G is the paper's 2E[D(x1, y1)] − E[D(y1, y2)] (the real-pair term has no generator gradient)",
  ];

  return {
    kind: "dirac_model",
    name,
    description: `Relation GAN, y2 ${previous}${
      previous === "lagged" ? ` (tau ${tau})` : ""
    }, ${margin} margin, ${parameters} D`,
    generator: { params: ["t1", "t2"], loss: lossG },
    discriminator: { params: discParams, loss: lossD },
    auxiliary: previous === "lagged"
      ? [
        { param: "u1", rate: "(t1 - u1) / tau" },
        { param: "u2", rate: "(t2 - u2) / tau" },
      ]
      : undefined,
    given,
    constants: {
      ...(previous === "lagged" ? { tau } : {}),
      ...(margin === "constant" ? { margin: marginValue } : {}),
    },
    equilibrium,
    initial,
    readings,
  };
}

/**
 * Every model of the catalogue, in the order of the report: the paper's
 * baselines, the two references known to converge, then the relation GAN's
 * readings.
 *
 * @example Names
 * ```ts
 * import assert from "node:assert/strict";
 * import { diracModels } from "@relgan/core/theory";
 *
 * const names = diracModels().map((m) => m.name);
 * assert.ok(names.includes("vanilla") && names.includes("relation-lag"));
 * ```
 *
 * @param options Start point shared by every model.
 * @returns The declarations.
 */
export function diracModels(options: DiracStartOptions = {}): DiracModel[] {
  return [
    vanillaGanModel(options),
    nonSaturatingGanModel(options),
    wganModel(options),
    wganModel({ ...options, clip: 0.1 }),
    wganGpModel(options),
    ganQpModel(options),
    r1GanModel(options),
    instanceNoiseGanModel(options),
    relationGanModel({ ...options, previous: "current-detached" }),
    relationGanModel({ ...options, previous: "current-through" }),
    relationGanModel({ ...options, previous: "lagged", tau: 1 }),
    relationGanModel({ ...options, previous: "lagged", tau: 0.1 }),
    relationGanModel({ ...options, previous: "lagged", margin: "constant" }),
    relationGanModel({
      ...options,
      previous: "lagged",
      parameters: "collapsed",
    }),
  ];
}
