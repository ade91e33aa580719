/**
 * Metrics of the 2-D toy experiments (the paper's figure 3): mode coverage
 * and sample quality on the Gaussian mixtures, and a distance between the
 * generated and the real distribution for the Swiss roll.
 *
 * **Mode rule** ({@linkcode modeStatistics}, evaluator `toy_modes`). Draw
 * 2500 generated samples (the sample count of VEEGAN, Srivastava et al.
 * 2017, for the same ring and grid). Assign each sample to its nearest
 * centre. A sample is *high quality* when its Euclidean distance to that
 * centre is at most 3σ, σ the mixture's per-coordinate standard deviation.
 * A mode is *covered* when at least 20 high-quality samples are assigned to
 * it: 0.8 % of the samples, a fifth of a mode's expected share on the
 * 25-mode grid (100) and about a sixteenth on the ring (312.5), so a mode
 * counts only when the generator puts real mass on it, not a stray point.
 * Then
 *
 * - `modes_covered` = the number of covered modes;
 * - `high_quality_fraction` = high-quality samples / all samples (for the
 *   real data itself this is P(χ²₂ ≤ 9) = 1 − e^{−4.5} ≈ 0.9889);
 * - `mode_kl` = KL(p̂ ‖ u) = Σ_k p̂_k ln(K p̂_k) in nats, with p̂ the
 *   histogram of all samples over their nearest modes and u uniform over the
 *   K modes (0 for a perfectly balanced histogram, ln K for a collapse onto
 *   one mode). Every sample counts, so the value is always finite; sample
 *   quality is `high_quality_fraction`'s job.
 *
 * **Swiss-roll distance** ({@linkcode slicedWasserstein}, evaluator
 * `swiss_roll_distance`). The sliced 2-Wasserstein distance
 * SW₂(P, Q) = (1/L Σ_k W₂²(θ_k·P, θ_k·Q))^½ over L = 64 evenly spaced
 * directions θ_k = (cos(πk/L), sin(πk/L)). Each 1-D W₂ is exact (sorted
 * quantile functions), and in 2-D evenly spaced directions are a quadrature
 * of the integral over the circle, so the estimate carries no projection
 * noise. SW₂ is a metric on distributions, is in the data's units, and is
 * exact for a translation: SW₂(P, P + v) = |v| / √2. The evaluator also
 * reports the distance between two independent real samples of the same
 * size (`swiss_roll_sw2_floor`), the value a perfect generator would get.
 *
 * @module
 */

import type { DataSource } from "../data/types.ts";
import { hasModes, type ToyModes } from "../data/toy.ts";
import type { EvalContext, Evaluator, ScoreRecord } from "./types.ts";
import { checkKeys } from "../_options.ts";

/** Options of {@linkcode modeStatistics}. */
export interface ModeStatisticsOptions {
  /**
   * A sample is high quality within this many standard deviations of its
   * nearest centre (Euclidean distance).
   *
   * @default {3}
   */
  readonly sigmas?: number;
  /**
   * High-quality samples a mode needs to count as covered.
   *
   * @default {20}
   */
  readonly minCount?: number;
}

/** What {@linkcode modeStatistics} finds. */
export interface ModeStatistics {
  /** Samples nearest to each mode, `[K]`. */
  readonly nearest: readonly number[];
  /** High-quality samples of each mode, `[K]`. */
  readonly highQuality: readonly number[];
  /** Modes with at least `minCount` high-quality samples. */
  readonly modesCovered: number;
  /** High-quality samples over all samples. */
  readonly highQualityFraction: number;
  /** KL(nearest-mode histogram ‖ uniform), in nats. */
  readonly modeKl: number;
}

/** Options of {@linkcode toyModesEvaluator}. */
export interface ToyModesEvaluatorOptions extends ModeStatisticsOptions {
  /**
   * Generated samples drawn per evaluation.
   *
   * @default {2500}
   */
  readonly samples?: number;
  /**
   * Generated points kept in the final score record (under
   * `toy_modes_samples`, as `[x, y]` pairs) for figures; 0 keeps none.
   *
   * @default {500}
   */
  readonly keepSamples?: number;
}

/** Options of {@linkcode slicedWasserstein}. */
export interface SlicedWassersteinOptions {
  /**
   * Number of evenly spaced directions over the half circle.
   *
   * @default {64}
   */
  readonly projections?: number;
}

/** Options of {@linkcode swissRollDistanceEvaluator}. */
export interface SwissRollDistanceEvaluatorOptions
  extends SlicedWassersteinOptions {
  /**
   * Generated samples drawn per evaluation, and real samples in each of the
   * two real sets.
   *
   * @default {2500}
   */
  readonly samples?: number;
  /**
   * Generated points kept in the final score record (under
   * `swiss_roll_distance_samples`) for figures; 0 keeps none.
   *
   * @default {500}
   */
  readonly keepSamples?: number;
}

function checkPoints(what: string, name: string, points: Float32Array): void {
  if (!(points instanceof Float32Array)) {
    throw new TypeError(
      `Cannot compute ${what}: ${name} must be a Float32Array of [n, 2] points, current value is ${
        Object.prototype.toString.call(points)
      }`,
    );
  }
  if (points.length % 2 !== 0 || points.length === 0) {
    throw new TypeError(
      `Cannot compute ${what}: ${name} must hold [n, 2] points with n ≥ 1, current length is ${points.length}`,
    );
  }
}

/** Reads an option: a finite positive number, or an integer of at least `rule`. */
function checkNumber(
  what: string,
  option: string,
  value: unknown,
  fallback: number,
  rule: "positive" | number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot build ${what}: option ${option} must be a number, current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  const ok = rule === "positive"
    ? Number.isFinite(value) && value > 0
    : Number.isInteger(value) && value >= rule;
  if (!ok) {
    throw new RangeError(
      `Cannot build ${what}: option ${option} must be ${
        rule === "positive" ? "a finite number above 0" : `an integer ≥ ${rule}`
      }, current value is ${value}`,
    );
  }
  return value;
}

/**
 * Counts samples per mode of a Gaussian mixture and scores coverage,
 * quality and balance (see the module doc for the rule).
 *
 * @param samples Generated points, `[n, 2]` row-major.
 * @param modes The mixture's centres and per-coordinate std.
 * @param options Quality radius in standard deviations, and the count that
 * makes a mode covered.
 * @returns Per-mode counts, `modesCovered`, `highQualityFraction`, `modeKl`.
 * @throws {TypeError} When the samples are not `[n, 2]` with n ≥ 1, or the
 * modes have no centres.
 * @throws {RangeError} When an option is out of range.
 *
 * @example All samples on one of four modes
 * ```ts
 * import { modeStatistics } from "./toy.ts";
 * import assert from "node:assert/strict";
 *
 * const modes = { centers: [[1, 0], [0, 1], [-1, 0], [0, -1]], std: 0.1 };
 * const samples = new Float32Array(2 * 30).map((_, i) => i % 2 === 0 ? 1 : 0);
 * const stats = modeStatistics(samples, modes);
 * assert.equal(stats.modesCovered, 1);
 * assert.equal(stats.highQualityFraction, 1);
 * assert.ok(Math.abs(stats.modeKl - Math.log(4)) < 1e-12);
 * ```
 */
export function modeStatistics(
  samples: Float32Array,
  modes: ToyModes,
  options?: ModeStatisticsOptions,
): ModeStatistics {
  const what = "mode statistics";
  checkKeys(what, options, ["sigmas", "minCount"]);
  const sigmas = checkNumber(what, "sigmas", options?.sigmas, 3, "positive");
  const minCount = checkNumber(
    what,
    "minCount",
    options?.minCount,
    20,
    0,
  );
  checkPoints(what, "samples", samples);
  const centers = modes?.centers;
  if (!Array.isArray(centers) || centers.length === 0) {
    throw new TypeError(
      `Cannot compute ${what}: modes.centers must be a non-empty list of [x, y] centres, current value is ${
        JSON.stringify(centers)
      }`,
    );
  }
  if (!(modes.std > 0)) {
    throw new RangeError(
      `Cannot compute ${what}: modes.std must be above 0, current value is ${modes.std}`,
    );
  }

  const k = centers.length;
  const n = samples.length / 2;
  const radiusSq = (sigmas * modes.std) ** 2;
  const nearest = new Array<number>(k).fill(0);
  const highQuality = new Array<number>(k).fill(0);
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    let best = 0;
    let bestSq = Infinity;
    for (let c = 0; c < k; c++) {
      const dSq = (x - centers[c][0]) ** 2 + (y - centers[c][1]) ** 2;
      if (dSq < bestSq) {
        best = c;
        bestSq = dSq;
      }
    }
    nearest[best]++;
    if (bestSq <= radiusSq) {
      highQuality[best]++;
      good++;
    }
  }

  // KL(p̂ ‖ u) = Σ p̂ ln(p̂ / (1/K)); empty bins contribute 0.
  let modeKl = 0;
  for (const count of nearest) {
    if (count > 0) modeKl += (count / n) * Math.log((count / n) * k);
  }
  return {
    nearest,
    highQuality,
    modesCovered: highQuality.filter((c) => c >= minCount).length,
    highQualityFraction: good / n,
    modeKl: Math.max(0, modeKl),
  };
}

/** Squared 1-D W₂ between two sorted empirical distributions. */
function w2SquaredSorted(a: Float64Array, b: Float64Array): number {
  // Quantile functions are steps at i/n and j/m; walk their union in units
  // of 1/(n m) so that equal breakpoints compare exactly.
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let u = 0;
  let total = 0;
  while (i < n && j < m) {
    const nextA = (i + 1) * m;
    const nextB = (j + 1) * n;
    const next = Math.min(nextA, nextB);
    total += (next - u) * (a[i] - b[j]) ** 2;
    u = next;
    if (nextA === next) i++;
    if (nextB === next) j++;
  }
  return total / (n * m);
}

/**
 * The sliced 2-Wasserstein distance between two 2-D point sets:
 * SW₂ = (1/L Σ_k W₂²(θ_k·a, θ_k·b))^½ with θ_k = (cos(πk/L), sin(πk/L)),
 * each 1-D W₂ computed exactly from sorted projections (the sets may differ
 * in size).
 *
 * @param a Points `[n, 2]` row-major.
 * @param b Points `[m, 2]` row-major.
 * @param options Number of directions.
 * @returns SW₂ in the data's units; 0 for identical sets, |v|/√2 for a set
 * and its translate by v.
 * @throws {TypeError} When a set is not `[n, 2]` with n ≥ 1.
 * @throws {RangeError} When `projections` is not an integer ≥ 2.
 *
 * @example A set and its translate by (3, 4)
 * ```ts
 * import { slicedWasserstein } from "./toy.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new Float32Array([0, 0, 1, 0, 0, 1]);
 * const b = a.map((v, i) => v + (i % 2 === 0 ? 3 : 4));
 * assert.ok(Math.abs(slicedWasserstein(a, b) - 5 / Math.SQRT2) < 1e-6);
 * assert.equal(slicedWasserstein(a, a), 0);
 * ```
 */
export function slicedWasserstein(
  a: Float32Array,
  b: Float32Array,
  options?: SlicedWassersteinOptions,
): number {
  const what = "the sliced Wasserstein distance";
  checkKeys(what, options, ["projections"]);
  const projections = checkNumber(
    what,
    "projections",
    options?.projections,
    64,
    2,
  );
  checkPoints(what, "the first set", a);
  checkPoints(what, "the second set", b);

  const pa = new Float64Array(a.length / 2);
  const pb = new Float64Array(b.length / 2);
  let sum = 0;
  for (let k = 0; k < projections; k++) {
    const cos = Math.cos((Math.PI * k) / projections);
    const sin = Math.sin((Math.PI * k) / projections);
    for (let i = 0; i < pa.length; i++) {
      pa[i] = cos * a[2 * i] + sin * a[2 * i + 1];
    }
    for (let i = 0; i < pb.length; i++) {
      pb[i] = cos * b[2 * i] + sin * b[2 * i + 1];
    }
    pa.sort();
    pb.sort();
    sum += w2SquaredSorted(pa, pb);
  }
  return Math.sqrt(sum / projections);
}

/** Rounds points to 5 decimals as `[x, y]` pairs, for JSON. */
function keepPoints(points: Float32Array, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < Math.min(n, points.length / 2); i++) {
    out.push([
      Math.round(points[2 * i] * 1e5) / 1e5,
      Math.round(points[2 * i + 1] * 1e5) / 1e5,
    ]);
  }
  return out;
}

function checkTwoD(name: string, context: EvalContext): void {
  if (context.shape.length !== 1 || context.shape[0] !== 2) {
    throw new TypeError(
      `Cannot evaluate ${name}: it needs 2-D points of shape [2], current shape is [${
        context.shape.join(", ")
      }]`,
    );
  }
}

/**
 * An {@linkcode Evaluator} (kind `toy_modes`) of mode coverage on a Gaussian
 * mixture. It reads the modes from the data source (`eightGaussians`,
 * `twentyFiveGaussians`), draws `samples` generated points and writes
 * `modes_covered`, `high_quality_fraction`, `mode_kl`, the protocol
 * (`toy_modes_protocol`) and, at the final evaluation, up to `keepSamples`
 * points (`toy_modes_samples`).
 *
 * @param options Sample count, quality radius, covering count, kept points.
 * @returns The evaluator, named `toy_modes`.
 * @throws {TypeError} When an option is unknown or not a number; at
 * evaluation, when the data source has no modes or the samples are not 2-D.
 * @throws {RangeError} When an option is out of range.
 *
 * @example The real data covers every mode
 * ```ts
 * import { toyModesEvaluator } from "./toy.ts";
 * import { eightGaussians } from "../data/toy.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const data = eightGaussians();
 * const rng = new Rng(1);
 * const scores = await toyModesEvaluator().evaluate({
 *   generate: (n) => Promise.resolve(data.sample(rng, n)),
 *   data,
 *   rng: new Rng(2),
 *   shape: [2],
 *   checkpoint: "final",
 * });
 * assert.equal(scores.modes_covered, 8);
 * ```
 */
export function toyModesEvaluator(
  options?: ToyModesEvaluatorOptions,
): Evaluator {
  const what = "the toy_modes evaluator";
  checkKeys(what, options, ["samples", "sigmas", "minCount", "keepSamples"]);
  const samples = checkNumber(
    what,
    "samples",
    options?.samples,
    2500,
    1,
  );
  const keep = checkNumber(
    what,
    "keepSamples",
    options?.keepSamples,
    500,
    0,
  );
  const statOptions: ModeStatisticsOptions = {
    sigmas: checkNumber(what, "sigmas", options?.sigmas, 3, "positive"),
    minCount: checkNumber(
      what,
      "minCount",
      options?.minCount,
      20,
      0,
    ),
  };
  return Object.freeze({
    name: "toy_modes",
    async evaluate(context: EvalContext): Promise<ScoreRecord> {
      checkTwoD("toy_modes", context);
      const data: DataSource = context.data;
      if (!hasModes(data)) {
        throw new TypeError(
          `Cannot evaluate toy_modes on "${data.name}": the data source has no modes (only eight_gaussians and twenty_five_gaussians do); use swiss_roll_distance for it instead`,
        );
      }
      const points = await context.generate(samples); // [samples, 2]
      const stats = modeStatistics(points, data.modes, statOptions);
      return {
        modes_covered: stats.modesCovered,
        high_quality_fraction: stats.highQualityFraction,
        mode_kl: stats.modeKl,
        toy_modes_protocol: {
          samples,
          modes: data.modes.centers.length,
          std: data.modes.std,
          sigmas: statOptions.sigmas,
          min_count: statOptions.minCount,
          high_quality_per_mode: stats.highQuality,
          nearest_per_mode: stats.nearest,
          checkpoint: context.checkpoint,
        },
        ...(context.checkpoint === "final" && keep > 0
          ? { toy_modes_samples: keepPoints(points, keep) }
          : {}),
      };
    },
  });
}

/**
 * An {@linkcode Evaluator} (kind `swiss_roll_distance`) of the distance
 * between generated and real 2-D samples: the sliced 2-Wasserstein distance
 * of {@linkcode slicedWasserstein} between `samples` generated and `samples`
 * real points (`swiss_roll_sw2`), and between two independent real sets of
 * that size (`swiss_roll_sw2_floor`, the estimator's value for a perfect
 * generator). Also writes `swiss_roll_distance_protocol` and, at the final
 * evaluation, up to `keepSamples` points (`swiss_roll_distance_samples`).
 * Any 2-D data source works; the Swiss roll is the one it is meant for.
 *
 * @param options Sample count, directions, kept points.
 * @returns The evaluator, named `swiss_roll_distance`.
 * @throws {TypeError} When an option is unknown or not a number; at
 * evaluation, when the samples are not 2-D.
 * @throws {RangeError} When an option is out of range.
 *
 * @example Real samples against real samples
 * ```ts
 * import { swissRollDistanceEvaluator } from "./toy.ts";
 * import { swissRoll } from "../data/toy.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const data = swissRoll();
 * const rng = new Rng(1);
 * const scores = await swissRollDistanceEvaluator({ samples: 500 }).evaluate({
 *   generate: (n) => Promise.resolve(data.sample(rng, n)),
 *   data,
 *   rng: new Rng(2),
 *   shape: [2],
 *   checkpoint: "scheduled",
 * });
 * assert.ok((scores.swiss_roll_sw2 as number) < 0.1);
 * ```
 */
export function swissRollDistanceEvaluator(
  options?: SwissRollDistanceEvaluatorOptions,
): Evaluator {
  const what = "the swiss_roll_distance evaluator";
  checkKeys(what, options, ["samples", "projections", "keepSamples"]);
  const samples = checkNumber(
    what,
    "samples",
    options?.samples,
    2500,
    1,
  );
  const keep = checkNumber(
    what,
    "keepSamples",
    options?.keepSamples,
    500,
    0,
  );
  const projections = checkNumber(
    what,
    "projections",
    options?.projections,
    64,
    2,
  );
  return Object.freeze({
    name: "swiss_roll_distance",
    async evaluate(context: EvalContext): Promise<ScoreRecord> {
      checkTwoD("swiss_roll_distance", context);
      const points = await context.generate(samples); // [samples, 2]
      const real = context.data.sample(context.rng.fork("real"), samples); // [samples, 2]
      const again = context.data.sample(context.rng.fork("floor"), samples); // [samples, 2]
      return {
        swiss_roll_sw2: slicedWasserstein(points, real, { projections }),
        swiss_roll_sw2_floor: slicedWasserstein(again, real, { projections }),
        swiss_roll_distance_protocol: {
          distance: "sliced 2-Wasserstein, evenly spaced directions",
          samples,
          projections,
          data: context.data.name,
          checkpoint: context.checkpoint,
        },
        ...(context.checkpoint === "final" && keep > 0
          ? { swiss_roll_distance_samples: keepPoints(points, keep) }
          : {}),
      };
    },
  });
}
