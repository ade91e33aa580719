/**
 * Local analysis of a Dirac-GAN model at its candidate equilibrium: the
 * residual of the vector field, the Jacobian (symbolic), its eigenvalues and
 * the verdicts for continuous time and for gradient steps of size h.
 *
 * @module
 */

import { Rng } from "../src/random.ts";
import type { DiracModel } from "./dirac_model.ts";
import { stateNames } from "./dirac_model.ts";
import {
  type Complex,
  eigenvalues,
  identity,
  matmul,
  maxAbsDifference,
  modulus,
  norm,
} from "./_linalg.ts";
import { vectorField } from "./vector_field.ts";

export type { Complex } from "./_linalg.ts";

/** The continuous-time verdict. */
export type ContinuousVerdict =
  | "convergent"
  | "unstable"
  | "purely-imaginary"
  | "zero-eigenvalue"
  | "not-differentiable"
  | "no-equilibrium";

/** The verdict for one discrete update rule. */
export interface DiscreteVerdict {
  /** Spectral radius of the update's Jacobian at the equilibrium. */
  readonly spectralRadius: number;
  /** `convergent` when ρ < 1, `divergent` when ρ > 1, `marginal` when ρ = 1 (within the tolerance). */
  readonly verdict: "convergent" | "divergent" | "marginal" | "undefined";
}

/** Everything the local analysis found. */
export interface LocalAnalysis {
  /** The model's name. */
  readonly model: string;
  /** State variable names. */
  readonly names: readonly string[];
  /** The candidate equilibrium. */
  readonly equilibrium: readonly number[];
  /**
   * ‖v(x*)‖, or where the symbolic field is undefined at x* the largest
   * ‖v(x* + εd)‖ over the probe directions (ε = 1e-8).
   */
  readonly residual: number;
  /** Largest ‖v(x* + εd) − v(x* − εd)‖ over the probe directions: ≈ 0 for a continuous field. */
  readonly fieldJump: number;
  /** The Jacobian at x*, or null where it does not exist. */
  readonly jacobian: number[][] | null;
  /**
   * `symbolic`: the symbolic Jacobian evaluated at x*; `symbolic-limit`: the
   * symbolic form is undefined exactly at x* (a hinge or |·| kink) but its
   * values at x* + εd agree for every probe direction d, so the field is
   * differentiable there with that Jacobian; `none`: the values disagree.
   */
  readonly jacobianSource: "symbolic" | "symbolic-limit" | "none";
  /**
   * Largest difference between the symbolic and the central finite-difference
   * Jacobian at a generic point near x*, divided by max(1, largest entry).
   */
  readonly finiteDifferenceError: number;
  /** Eigenvalues of the Jacobian (empty when it does not exist). */
  readonly eigenvalues: readonly Complex[];
  /** Largest real part of the eigenvalues (NaN when none). */
  readonly maxRealPart: number;
  /** The continuous-time verdict. */
  readonly continuous: ContinuousVerdict;
  /** Why, in words. */
  readonly reason: string;
  /** The step size h of the discrete verdicts. */
  readonly stepSize: number;
  /** x ← x + h v(x) for every player at once: Jacobian I + hJ. */
  readonly simultaneous: DiscreteVerdict;
  /**
   * Discriminator step first, then the generator (and auxiliary) step at the
   * new discriminator: Jacobian (I + h P_G J)(I + h P_D J).
   */
  readonly alternating: DiscreteVerdict;
}

/** Options of {@linkcode localAnalysis}. */
export interface LocalAnalysisOptions {
  /** The step size h of the discrete verdicts. @default 0.1 */
  readonly stepSize?: number;
  /** |Re μ| or |μ| below this counts as zero. @default 1e-5 */
  readonly tolerance?: number;
  /** Probe directions for kinks and discontinuities. @default 8 */
  readonly probes?: number;
  /** Seed of the probe directions. @default 9 */
  readonly seed?: number;
}

function discrete(m: number[][] | null, tol: number): DiscreteVerdict {
  if (m === null) return { spectralRadius: NaN, verdict: "undefined" };
  const rho = Math.max(...eigenvalues(m).map(modulus));
  return {
    spectralRadius: rho,
    verdict: rho < 1 - tol
      ? "convergent"
      : rho > 1 + tol
      ? "divergent"
      : "marginal",
  };
}

function fmt(z: Complex): string {
  const re = Math.abs(z.re) < 5e-13 ? 0 : z.re;
  const im = Math.abs(z.im) < 5e-13 ? 0 : z.im;
  if (im === 0) return re.toFixed(4);
  return `${re.toFixed(4)}${im < 0 ? "-" : "+"}${Math.abs(im).toFixed(4)}i`;
}

/**
 * Analyses a model at its declared equilibrium.
 *
 * Continuous time is locally convergent when every eigenvalue of the Jacobian
 * has a negative real part (Mescheder et al. 2018, Theorem A.3); zero or
 * purely imaginary eigenvalues are reported as such, not forced into a
 * verdict. For steps of size h the update is locally convergent when the
 * spectral radius of its Jacobian is below 1.
 *
 * @example The vanilla GAN: eigenvalues ±i/2
 * ```ts
 * import assert from "node:assert/strict";
 * import { localAnalysis, vanillaGanModel } from "@relgan/core/theory";
 *
 * const a = localAnalysis(vanillaGanModel());
 * assert.equal(a.continuous, "purely-imaginary");
 * for (const z of a.eigenvalues) {
 *   assert.ok(Math.abs(z.re) < 1e-9 && Math.abs(Math.abs(z.im) - 0.5) < 1e-9);
 * }
 * ```
 *
 * @param model The declaration.
 * @param options Step size, tolerance and probes.
 * @returns The evidence.
 * @throws {RangeError} When the step size or tolerance is not positive.
 */
export function localAnalysis(
  model: DiracModel,
  options: LocalAnalysisOptions = {},
): LocalAnalysis {
  const h = options.stepSize ?? 0.1;
  const tol = options.tolerance ?? 1e-5;
  if (!(h > 0) || !(tol > 0)) {
    throw new RangeError(
      `Cannot analyse model "${model.name}": stepSize and tolerance must be positive, current values are ${h} and ${tol}`,
    );
  }
  const field = vectorField(model);
  const names = stateNames(model);
  const n = names.length;
  const eq = names.map((k) => model.equilibrium[k]);
  const rng = new Rng(options.seed ?? 9);
  const directions = Array.from({ length: options.probes ?? 8 }, () => {
    const d = Array.from(rng.normal(n));
    const s = norm(d);
    return d.map((x) => x / s);
  });
  const at = (eps: number, d: number[]) => eq.map((x, i) => x + eps * d[i]);

  // Residual and continuity of v at x*.
  const v0 = field.evaluate(eq);
  const probeEps = 1e-8;
  const near = directions.map((d) => field.evaluate(at(probeEps, d)));
  const residual = v0.every(Number.isFinite)
    ? norm(v0)
    : Math.max(...near.map(norm));
  const fieldJump = Math.max(
    ...directions.map((d, k) => {
      const minus = field.evaluate(at(-probeEps, d));
      return norm(near[k].map((x, i) => x - minus[i]));
    }),
  );

  // The Jacobian: symbolic at x*, or the agreeing limit of nearby values.
  let jacobian: number[][] | null = field.jacobian(eq);
  let source: LocalAnalysis["jacobianSource"] = "symbolic";
  if (!jacobian.every((row) => row.every(Number.isFinite))) {
    // Pairs ±εd: the mean cancels the O(ε) terms of a smooth-but-kinked form.
    const samples = directions.flatMap((d) => [
      field.jacobian(at(1e-9, d)),
      field.jacobian(at(-1e-9, d)),
    ]);
    const spread = Math.max(
      ...samples.map((s) => maxAbsDifference(s, samples[0])),
    );
    if (spread < 1e-5) {
      jacobian = samples[0].map((row, i) =>
        row.map((_, j) =>
          samples.reduce((acc, s) => acc + s[i][j], 0) / samples.length
        )
      );
      source = "symbolic-limit";
    } else {
      jacobian = null;
      source = "none";
    }
  }

  // Cross-check: central finite differences at a generic point near x*.
  const base = at(1e-3, directions[0]);
  const symbolicAtBase = field.jacobian(base);
  const fdStep = 1e-6;
  const fd = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[j] += fdStep;
    minus[j] -= fdStep;
    const vp = field.evaluate(plus);
    const vm = field.evaluate(minus);
    for (let i = 0; i < n; i++) fd[i][j] = (vp[i] - vm[i]) / (2 * fdStep);
  }
  const scale = Math.max(1, ...symbolicAtBase.flat().map(Math.abs));
  const finiteDifferenceError = maxAbsDifference(symbolicAtBase, fd) / scale;

  const eig = jacobian === null ? [] : eigenvalues(jacobian);
  const maxRe = eig.length === 0 ? NaN : Math.max(...eig.map((z) => z.re));
  let continuous: ContinuousVerdict;
  let reason: string;
  if (!(residual < 1e-6)) {
    continuous = "no-equilibrium";
    reason = `the real point is not an equilibrium: ‖v‖ = ${
      residual.toExponential(2)
    } next to it${
      fieldJump > 1e-6
        ? `, and v jumps by ${fieldJump.toFixed(4)} across it (discontinuous)`
        : ""
    }`;
  } else if (jacobian === null) {
    continuous = "not-differentiable";
    reason =
      "the vector field is not differentiable at the real point: its Jacobian depends on the direction of approach";
  } else if (maxRe < -tol) {
    continuous = "convergent";
    reason = `every eigenvalue has a negative real part (max ${
      maxRe.toFixed(4)
    })`;
  } else if (maxRe > tol) {
    continuous = "unstable";
    reason = `an eigenvalue has a positive real part (${maxRe.toFixed(4)})`;
  } else {
    const zeros = eig.filter((z) => modulus(z) < tol).length;
    const imaginary = eig.filter((z) =>
      Math.abs(z.re) <= tol && modulus(z) >= tol
    ).length;
    if (zeros > 0) {
      continuous = "zero-eigenvalue";
      reason = `${zeros} zero eigenvalue(s)${
        imaginary > 0 ? ` and ${imaginary} purely imaginary` : ""
      }: linearisation decides nothing (no restoring force along those directions)`;
    } else {
      continuous = "purely-imaginary";
      reason =
        `${imaginary} purely imaginary eigenvalue(s): linearisation decides nothing; no damping`;
    }
  }

  let sim: number[][] | null = null;
  let alt: number[][] | null = null;
  if (jacobian !== null) {
    const I = identity(n);
    const J = jacobian;
    sim = I.map((row, i) => row.map((x, j) => x + h * J[i][j]));
    const isD = field.roles.map((r) => r === "discriminator");
    const stepD = I.map((row, i) =>
      row.map((x, j) => x + (isD[i] ? h * J[i][j] : 0))
    );
    const stepG = I.map((row, i) =>
      row.map((x, j) => x + (isD[i] ? 0 : h * J[i][j]))
    );
    alt = matmul(stepG, stepD);
  }

  return {
    model: model.name,
    names,
    equilibrium: eq,
    residual,
    fieldJump,
    jacobian,
    jacobianSource: source,
    finiteDifferenceError,
    eigenvalues: eig,
    maxRealPart: maxRe,
    continuous,
    reason,
    stepSize: h,
    simultaneous: discrete(sim, 1e-9),
    alternating: discrete(alt, 1e-9),
  };
}

/**
 * Formats eigenvalues compactly, merging repeats: `±0.5000i ×2`.
 *
 * @example Pairs and repeats
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEigenvalues } from "@relgan/core/theory";
 *
 * const z = [{ re: 0, im: -0.5 }, { re: 0, im: 0.5 }];
 * assert.equal(formatEigenvalues([...z, ...z]), "0.0000±0.5000i ×2");
 * ```
 *
 * @param values Eigenvalues.
 * @returns One line.
 */
export function formatEigenvalues(values: readonly Complex[]): string {
  if (values.length === 0) return "none";
  const parts: string[] = [];
  const used = new Array<boolean>(values.length).fill(false);
  const close = (a: Complex, b: Complex) =>
    Math.abs(a.re - b.re) < 5e-5 && Math.abs(a.im - b.im) < 5e-5;
  for (let i = 0; i < values.length; i++) {
    if (used[i]) continue;
    const z = values[i];
    const conj = Math.abs(z.im) > 5e-5;
    let count = 0;
    for (let j = i; j < values.length; j++) {
      if (!used[j] && close(values[j], z)) {
        used[j] = true;
        count++;
      }
    }
    if (conj) {
      const partner = { re: z.re, im: -z.im };
      for (let j = 0; j < values.length; j++) {
        if (!used[j] && close(values[j], partner)) used[j] = true;
      }
    }
    const text = conj
      ? `${fmt({ re: z.re, im: 0 })}±${Math.abs(z.im).toFixed(4)}i`
      : fmt(z);
    parts.push(count > 1 ? `${text} ×${count}` : text);
  }
  return parts.join(", ");
}
