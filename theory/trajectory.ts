/**
 * Trajectories of Dirac-GAN models in continuous time, integrated with
 * mathjs `solveODE`, and their classification.
 *
 * @module
 */

import * as math from "mathjs";
import type { DiracModel } from "./dirac_model.ts";
import { stateNames } from "./dirac_model.ts";
import { vectorField } from "./vector_field.ts";

/** What the trajectory does in the end. */
export type TrajectoryClass =
  | "converges"
  | "oscillates"
  | "diverges"
  | "stops-elsewhere";

/** A trajectory and the numbers that classify it. */
export interface Trajectory {
  /** The model's name. */
  readonly model: string;
  /** State variable names. */
  readonly names: readonly string[];
  /** Accepted time points of the integrator. */
  readonly t: readonly number[];
  /** The state at each time point, `[t.length][names.length]`. */
  readonly states: readonly (readonly number[])[];
  /** ‖θ(0)‖, the distance the run starts at. */
  readonly initialDistance: number;
  /** ‖θ(T)‖. */
  readonly finalDistance: number;
  /** Where θ ends. */
  readonly finalTheta: readonly [number, number];
  /** Smallest ‖θ‖ over the tail (the last `tailFraction` of the time). */
  readonly tailMin: number;
  /** Largest ‖θ‖ over the tail. */
  readonly tailMax: number;
  /** Length of θ's path over the tail. */
  readonly tailPathLength: number;
  /** The classification. */
  readonly classification: TrajectoryClass;
  /**
   * The ε of |a| → √(a² + ε²) if the exact field made solveODE stall (a
   * hinge switching back and forth on a sliding surface) and the run was
   * redone smoothed; null when the exact field was integrated.
   */
  readonly absSmoothing: number | null;
  /** The options the run used, resolved. */
  readonly settings: Required<TrajectoryOptions>;
}

/** Options of {@linkcode simulateTrajectory}. */
export interface TrajectoryOptions {
  /** End time T. @default 100 */
  readonly tEnd?: number;
  /** solveODE's absolute error tolerance per step (RK45, Dormand–Prince). @default 1e-7 */
  readonly tolerance?: number;
  /** Largest step, so that the path is sampled finely enough to draw. @default 0.05 */
  readonly maxStep?: number;
  /** solveODE's iteration limit (accepted plus rejected steps). @default 200000 */
  readonly maxIter?: number;
  /** The tail, as a fraction of T. @default 0.25 */
  readonly tailFraction?: number;
  /** Converges: ‖θ(T)‖ and the tail's max below this fraction of ‖θ(0)‖. @default 0.01 */
  readonly convergedBelow?: number;
  /** Diverges: ‖θ(T)‖ above this multiple of ‖θ(0)‖. @default 5 */
  readonly divergedAbove?: number;
  /** Stops elsewhere: the tail's path length below this fraction of ‖θ(0)‖. @default 0.001 */
  readonly stoppedBelow?: number;
  /**
   * The ε of the smoothed |·| used when the exact field stalls the
   * integrator (see {@linkcode Trajectory.absSmoothing}).
   * @default 0.001
   */
  readonly fallbackSmoothing?: number;
}

/** mathjs 15 ships solveODE but its type declarations omit it. */
type SolveOde = (
  f: (t: number, y: number[]) => number[],
  tspan: [number, number],
  y0: number[],
  options: Record<string, unknown>,
) => { t: number[]; y: number[][] };
const solveODE = (math as unknown as { solveODE: SolveOde }).solveODE;

const DEFAULTS: Required<TrajectoryOptions> = {
  tEnd: 100,
  tolerance: 1e-7,
  maxStep: 0.05,
  maxIter: 200000,
  tailFraction: 0.25,
  convergedBelow: 0.01,
  divergedAbove: 5,
  stoppedBelow: 0.001,
  fallbackSmoothing: 0.001,
};

/**
 * Integrates a model from its declared initial state and classifies the run:
 * `diverges` when ‖θ(T)‖ > divergedAbove·‖θ(0)‖ (or the state is not finite),
 * `converges` when ‖θ(T)‖ and the tail's largest ‖θ‖ are below
 * convergedBelow·‖θ(0)‖, `stops-elsewhere` when θ's tail path is shorter
 * than stoppedBelow·‖θ(0)‖, and `oscillates` otherwise.
 *
 * @example The R1-regularised GAN converges
 * ```ts
 * import assert from "node:assert/strict";
 * import { r1GanModel, simulateTrajectory } from "@relgan/core/theory";
 *
 * const run = simulateTrajectory(r1GanModel(), { tEnd: 60 });
 * assert.equal(run.classification, "converges");
 * assert.ok(run.finalDistance < 1e-4);
 * ```
 *
 * @param model The declaration.
 * @param options Horizon, tolerances and classification thresholds.
 * @returns The trajectory and its classification.
 * @throws {RangeError} When an option is out of range.
 */
export function simulateTrajectory(
  model: DiracModel,
  options: TrajectoryOptions = {},
): Trajectory {
  const settings = { ...DEFAULTS, ...options };
  for (const [key, value] of Object.entries(settings)) {
    if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
      throw new RangeError(
        `Cannot integrate model "${model.name}": option ${key} must be a positive finite number, current value is ${value}`,
      );
    }
  }
  if (settings.tailFraction > 1) {
    throw new RangeError(
      `Cannot integrate model "${model.name}": tailFraction must be at most 1, current value is ${settings.tailFraction}`,
    );
  }
  const names = stateNames(model);
  const y0 = names.map((n) => model.initial[n]);
  const integrate = (absSmoothing: number | undefined) => {
    const field = vectorField(model, { absSmoothing });
    const bounds = field.bounds;
    // Clipped parameters are clamped before the field is read, so that the
    // integrator's trial stages never evaluate the model outside its box.
    const clamp = (y: readonly number[]) =>
      y.map((x, i) =>
        bounds[i] === Infinity
          ? x
          : Math.max(-bounds[i], Math.min(bounds[i], x))
      );
    // solveODE halves its step without end where the field switches on a
    // sliding surface; notice that early (time stuck for 5000 calls) rather
    // than after maxIter rejected steps.
    let anchor = -Infinity;
    let stuck = 0;
    const solution = solveODE(
      (t, y) => {
        if (Math.abs(t - anchor) > 1e-9 * settings.tEnd) {
          anchor = t;
          stuck = 0;
        } else if (++stuck > 5000) {
          throw new Error("Maximum number of iterations (time stuck)");
        }
        return field.evaluate(clamp(y));
      },
      [0, settings.tEnd],
      y0,
      {
        method: "RK45",
        tol: settings.tolerance,
        // Without firstStep, solveODE's first trial step is the whole span.
        firstStep: settings.maxStep / 10,
        maxStep: settings.maxStep,
        maxIter: settings.maxIter,
      },
    );
    return { t: solution.t, states: solution.y.map(clamp) };
  };
  let absSmoothing: number | null = null;
  let run: { t: number[]; states: number[][] };
  try {
    run = integrate(undefined);
  } catch (error) {
    if (!/Maximum number of iterations/.test(String(error))) throw error;
    absSmoothing = settings.fallbackSmoothing;
    try {
      run = integrate(absSmoothing);
    } catch (again) {
      throw new Error(
        `Cannot integrate model "${model.name}": solveODE stalled (${
          String(again)
        }) even with |·| smoothed by ${absSmoothing}; raise maxIter or fallbackSmoothing`,
      );
    }
  }
  const { t, states } = run;

  const distance = (s: readonly number[]) => Math.hypot(s[0], s[1]);
  const d0 = distance(y0);
  const last = states[states.length - 1];
  const finalDistance = distance(last);
  const tailStart = settings.tEnd * (1 - settings.tailFraction);
  let tailMin = Infinity;
  let tailMax = -Infinity;
  let tailPathLength = 0;
  for (let k = 0; k < t.length; k++) {
    if (t[k] < tailStart) continue;
    const d = distance(states[k]);
    tailMin = Math.min(tailMin, d);
    tailMax = Math.max(tailMax, d);
    if (k > 0 && t[k - 1] >= tailStart) {
      tailPathLength += Math.hypot(
        states[k][0] - states[k - 1][0],
        states[k][1] - states[k - 1][1],
      );
    }
  }

  let classification: TrajectoryClass;
  if (
    !last.every(Number.isFinite) || finalDistance > settings.divergedAbove * d0
  ) {
    classification = "diverges";
  } else if (
    finalDistance < settings.convergedBelow * d0 &&
    tailMax < settings.convergedBelow * d0
  ) {
    classification = "converges";
  } else if (tailPathLength < settings.stoppedBelow * d0) {
    classification = "stops-elsewhere";
  } else {
    classification = "oscillates";
  }

  return {
    model: model.name,
    names,
    t,
    states,
    initialDistance: d0,
    finalDistance,
    finalTheta: [last[0], last[1]],
    tailMin,
    tailMax,
    tailPathLength,
    classification,
    absSmoothing,
    settings,
  };
}
