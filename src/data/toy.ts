/**
 * The three 2-D toy distributions of the paper's figure 3: eight Gaussians on
 * a circle, twenty-five Gaussians on a 5 × 5 grid, and the Swiss roll.
 *
 * The settings are those of the toy script of WGAN-GP (Gulrajani et al.,
 * 2017, `gan_toy.py` in `igul222/improved_wgan_training`), which the later
 * 2-D GAN comparisons, the Relation GAN paper's among them, reuse:
 *
 * | dataset | before scaling | divided by | after scaling |
 * |---|---|---|---|
 * | 8 Gaussians | centres on a circle of radius 2, one every 45°, std 0.02 | 1.414 | radius 1.41443, std 0.014144 |
 * | 25 Gaussians | centres at (2i, 2j) for i, j ∈ {−2, …, 2}, std 0.05 | 2.828 | spacing 0.70721, std 0.017680 |
 * | Swiss roll | (t cos t, t sin t) + N(0, 0.25² I), t = 1.5π(1 + 2u), u ~ U(0, 1) | 7.5 | extent about ±1.9, noise std 0.0333 |
 *
 * The Swiss roll is the first and third coordinates of scikit-learn's
 * `make_swiss_roll(noise=0.25)`, as `gan_toy.py` takes them; its second
 * coordinate (the roll's height) is dropped. Every mode of the two mixtures
 * has the same weight: `gan_toy.py` draws the centre uniformly for the eight
 * Gaussians and stores equal counts per centre for the twenty-five.
 *
 * Each sampler draws from an {@linkcode Rng} only, so a batch is fixed by the
 * generator's state and identical on every backend.
 *
 * @module
 */

import type { DataSource } from "./types.ts";
import type { Rng } from "../random.ts";
import { checkKeys } from "../_options.ts";

/** The modes of a Gaussian mixture, in data space. */
export interface ToyModes {
  /** One `[x, y]` centre per mode. */
  readonly centers: readonly (readonly number[])[];
  /** The standard deviation of every mode, per coordinate. */
  readonly std: number;
}

/** A 2-D sampler; mixtures also carry their modes for the mode metrics. */
export interface ToyDataSource extends DataSource {
  /** Always `[2]`. */
  readonly shape: readonly [2];
  /** Always `Infinity`: every batch is freshly drawn. */
  readonly size: number;
  /** The mixture's modes; absent for the Swiss roll. */
  readonly modes?: ToyModes;
}

/** Options of {@linkcode eightGaussians}, in data space (after scaling). */
export interface EightGaussiansOptions {
  /**
   * Radius of the circle the centres lie on.
   *
   * @default {2 / 1.414} (`gan_toy.py`: radius 2, divided by 1.414)
   */
  readonly radius?: number;
  /**
   * Standard deviation of each mode, per coordinate.
   *
   * @default {0.02 / 1.414} (`gan_toy.py`: 0.02, divided by 1.414)
   */
  readonly std?: number;
}

/** Options of {@linkcode twentyFiveGaussians}, in data space (after scaling). */
export interface TwentyFiveGaussiansOptions {
  /**
   * Distance between neighbouring centres of the 5 × 5 grid.
   *
   * @default {2 / 2.828} (`gan_toy.py`: spacing 2, divided by 2.828)
   */
  readonly spacing?: number;
  /**
   * Standard deviation of each mode, per coordinate.
   *
   * @default {0.05 / 2.828} (`gan_toy.py`: 0.05, divided by 2.828)
   */
  readonly std?: number;
}

/** Options of {@linkcode swissRoll}. */
export interface SwissRollOptions {
  /**
   * Standard deviation of the Gaussian noise added to each coordinate,
   * before scaling (scikit-learn's `noise`).
   *
   * @default {0.25}
   */
  readonly noise?: number;
  /**
   * Factor applied to the noisy roll.
   *
   * @default {1 / 7.5} (`gan_toy.py` divides by 7.5)
   */
  readonly scale?: number;
}

/** Default radius of the eight Gaussians: `gan_toy.py`'s 2, divided by 1.414. */
const EIGHT_RADIUS = 2 / 1.414;
/** Default std of the eight Gaussians: `gan_toy.py`'s 0.02, divided by 1.414. */
const EIGHT_STD = 0.02 / 1.414;
/** Default grid spacing of the 25 Gaussians: 2, divided by 2.828. */
const GRID_SPACING = 2 / 2.828;
/** Default std of the 25 Gaussians: `gan_toy.py`'s 0.05, divided by 2.828. */
const GRID_STD = 0.05 / 2.828;

function positive(
  what: string,
  option: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot build ${what}: option ${option} must be a number, current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Cannot build ${what}: option ${option} must be a finite number above 0, current value is ${value}`,
    );
  }
  return value;
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot sample ${what}: the batch size must be a non-negative integer, current value is ${n}`,
    );
  }
}

/** A mixture of equally weighted isotropic Gaussians as a sampler. */
function mixture(
  name: string,
  centers: number[][],
  std: number,
): ToyDataSource {
  const modes: ToyModes = {
    centers: centers.map((c) => Object.freeze(c)),
    std,
  };
  return Object.freeze({
    name,
    shape: [2] as const,
    size: Infinity,
    modes: Object.freeze(modes),
    sample(rng: Rng, n: number): Float32Array {
      checkCount(name, n);
      const out = new Float32Array(2 * n); // [n, 2]
      for (let i = 0; i < n; i++) {
        const c = centers[rng.int(centers.length)];
        out[2 * i] = c[0] + std * rng.nextNormal();
        out[2 * i + 1] = c[1] + std * rng.nextNormal();
      }
      return out;
    },
  });
}

/**
 * Eight Gaussians on a circle, one every 45° starting on the positive x
 * axis: centre k is r·(cos(kπ/4), sin(kπ/4)), each mode N(centre, σ² I) with
 * weight 1/8.
 *
 * @param options Radius and standard deviation in data space.
 * @returns A sampler of `[n, 2]` batches, with its `modes`.
 * @throws {TypeError} When an option is not a number or is unknown.
 * @throws {RangeError} When an option is not a finite positive number.
 *
 * @example Eight modes on the circle of radius 2 / 1.414
 * ```ts
 * import { eightGaussians } from "./toy.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const data = eightGaussians();
 * assert.equal(data.modes?.centers.length, 8);
 * assert.ok(Math.abs(data.modes!.centers[0][0] - 2 / 1.414) < 1e-12);
 * assert.equal(data.sample(new Rng(1), 4).length, 8);
 * ```
 */
export function eightGaussians(
  options?: EightGaussiansOptions,
): ToyDataSource {
  const what = "the eight Gaussians";
  checkKeys(what, options, ["radius", "std"]);
  const radius = positive(what, "radius", options?.radius, EIGHT_RADIUS);
  const std = positive(what, "std", options?.std, EIGHT_STD);
  const centers: number[][] = [];
  for (let k = 0; k < 8; k++) {
    const angle = (k * Math.PI) / 4;
    centers.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
  }
  return mixture("8 gaussians", centers, std);
}

/**
 * Twenty-five Gaussians on a 5 × 5 grid centred on the origin: centre (i, j)
 * is s·(i, j) for i, j ∈ {−2, −1, 0, 1, 2}, each mode N(centre, σ² I) with
 * weight 1/25. Centres are listed row by row (j outer, i inner).
 *
 * @param options Grid spacing and standard deviation in data space.
 * @returns A sampler of `[n, 2]` batches, with its `modes`.
 * @throws {TypeError} When an option is not a number or is unknown.
 * @throws {RangeError} When an option is not a finite positive number.
 *
 * @example A 5 × 5 grid with spacing 2 / 2.828
 * ```ts
 * import { twentyFiveGaussians } from "./toy.ts";
 * import assert from "node:assert/strict";
 *
 * const data = twentyFiveGaussians();
 * assert.equal(data.modes?.centers.length, 25);
 * const [x0, y0] = data.modes!.centers[0];
 * assert.ok(Math.abs(x0 + 2 * (2 / 2.828)) < 1e-12);
 * assert.ok(Math.abs(y0 + 2 * (2 / 2.828)) < 1e-12);
 * ```
 */
export function twentyFiveGaussians(
  options?: TwentyFiveGaussiansOptions,
): ToyDataSource {
  const what = "the twenty-five Gaussians";
  checkKeys(what, options, ["spacing", "std"]);
  const spacing = positive(what, "spacing", options?.spacing, GRID_SPACING);
  const std = positive(what, "std", options?.std, GRID_STD);
  const centers: number[][] = [];
  for (let j = -2; j <= 2; j++) {
    for (let i = -2; i <= 2; i++) centers.push([spacing * i, spacing * j]);
  }
  return mixture("25 gaussians", centers, std);
}

/**
 * The Swiss roll: t = 1.5π(1 + 2u) with u ~ U(0, 1), the point
 * (t cos t, t sin t) plus N(0, noise² I), all multiplied by `scale`.
 *
 * @param options Noise before scaling, and the scale.
 * @returns A sampler of `[n, 2]` batches (no `modes`).
 * @throws {TypeError} When an option is not a number or is unknown.
 * @throws {RangeError} When an option is not a finite positive number.
 *
 * @example Points lie within the roll's outer radius
 * ```ts
 * import { swissRoll } from "./toy.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const data = swissRoll();
 * assert.equal(data.modes, undefined);
 * const x = data.sample(new Rng(3), 100);
 * for (let i = 0; i < 100; i++) {
 *   // Outer radius 4.5π / 7.5 ≈ 1.885, plus a little noise.
 *   assert.ok(Math.hypot(x[2 * i], x[2 * i + 1]) < 2.1);
 * }
 * ```
 */
export function swissRoll(options?: SwissRollOptions): ToyDataSource {
  const what = "the Swiss roll";
  checkKeys(what, options, ["noise", "scale"]);
  const noise = positive(what, "noise", options?.noise, 0.25);
  const scale = positive(what, "scale", options?.scale, 1 / 7.5);
  return Object.freeze({
    name: "swiss roll",
    shape: [2] as const,
    size: Infinity,
    sample(rng: Rng, n: number): Float32Array {
      checkCount(what, n);
      const out = new Float32Array(2 * n); // [n, 2]
      for (let i = 0; i < n; i++) {
        const t = 1.5 * Math.PI * (1 + 2 * rng.nextFloat());
        out[2 * i] = scale * (t * Math.cos(t) + noise * rng.nextNormal());
        out[2 * i + 1] = scale * (t * Math.sin(t) + noise * rng.nextNormal());
      }
      return out;
    },
  });
}

/**
 * Tells whether a data source is a mixture that carries its modes.
 *
 * @param data Any data source.
 * @returns True when `data.modes` holds centres and a positive std.
 *
 * @example A mixture has modes, the Swiss roll has none
 * ```ts
 * import { eightGaussians, hasModes, swissRoll } from "./toy.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hasModes(eightGaussians()), true);
 * assert.equal(hasModes(swissRoll()), false);
 * ```
 */
export function hasModes(
  data: DataSource,
): data is ToyDataSource & { readonly modes: ToyModes } {
  const modes = (data as ToyDataSource).modes;
  return modes !== undefined && Array.isArray(modes.centers) &&
    modes.centers.length > 0 && typeof modes.std === "number" &&
    modes.std > 0;
}
