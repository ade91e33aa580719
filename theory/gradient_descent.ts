/**
 * Discrete gradient descent on a Dirac-GAN model: simultaneous or
 * alternating steps of size h, the updates whose Jacobians the local
 * analysis judges.
 *
 * @module
 */

import type { DiracModel } from "./dirac_model.ts";
import { stateNames } from "./dirac_model.ts";
import { vectorField } from "./vector_field.ts";

/** Options of {@linkcode gradientDescent}. */
export interface GradientDescentOptions {
  /** Step size h. @default 0.1 */
  readonly stepSize?: number;
  /** Number of steps. @default 1000 */
  readonly steps?: number;
  /**
   * `"simultaneous"`: x ← x + h v(x); `"alternating"`: the discriminator
   * steps first, then the generator and the auxiliary variables step with the
   * field read at the new discriminator.
   * @default "alternating"
   */
  readonly mode?: "simultaneous" | "alternating";
}

/** The iterates of a gradient-descent run. */
export interface GradientDescentRun {
  /** The model's name. */
  readonly model: string;
  /** State variable names. */
  readonly names: readonly string[];
  /** The state after every step, the initial state first: `[steps + 1][names.length]`. */
  readonly states: readonly (readonly number[])[];
  /** ‖θ‖ after every step. */
  readonly distances: readonly number[];
}

/**
 * Runs gradient descent from the model's initial state.
 *
 * @example Alternating steps keep the vanilla GAN's orbit bounded
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradientDescent, vanillaGanModel } from "@relgan/core/theory";
 *
 * const run = gradientDescent(vanillaGanModel(), { steps: 500 });
 * assert.ok(Math.max(...run.distances) < 0.5);
 * ```
 *
 * @param model The declaration.
 * @param options Step size, count and mode.
 * @returns The iterates.
 * @throws {RangeError} When the step size or the step count is not positive.
 */
export function gradientDescent(
  model: DiracModel,
  options: GradientDescentOptions = {},
): GradientDescentRun {
  const h = options.stepSize ?? 0.1;
  const steps = options.steps ?? 1000;
  const mode = options.mode ?? "alternating";
  if (!(h > 0) || !Number.isInteger(steps) || steps < 1) {
    throw new RangeError(
      `Cannot run gradient descent on model "${model.name}": stepSize must be positive and steps a positive integer, current values are ${h} and ${steps}`,
    );
  }
  const field = vectorField(model);
  const names = stateNames(model);
  const isD = field.roles.map((r) => r === "discriminator");
  const clamp = (x: number[]) =>
    x.map((v, i) =>
      field.bounds[i] === Infinity
        ? v
        : Math.max(-field.bounds[i], Math.min(field.bounds[i], v))
    );
  let x = names.map((n) => model.initial[n]);
  const states: number[][] = [x];
  for (let k = 0; k < steps; k++) {
    if (mode === "simultaneous") {
      const v = field.evaluate(x);
      x = clamp(x.map((xi, i) => xi + h * v[i]));
    } else {
      const vd = field.evaluate(x);
      const mid = clamp(x.map((xi, i) => (isD[i] ? xi + h * vd[i] : xi)));
      const vg = field.evaluate(mid);
      x = clamp(mid.map((xi, i) => (isD[i] ? xi : xi + h * vg[i])));
    }
    states.push(x);
  }
  return {
    model: model.name,
    names,
    states,
    distances: states.map((s) => Math.hypot(s[0], s[1])),
  };
}
