/**
 * The Stacked MNIST mode count (paper section 5.1, table 1): each channel of
 * a generated image is classified as a digit, the three digits name one of
 * 1000 modes, and the histogram over modes gives the number of modes hit
 * and its KL divergence from the uniform distribution.
 *
 * @module
 */

import type { MnistClassifier } from "./mnist_classifier.ts";

/** Options of {@linkcode countModes}. */
export interface CountModesOptions {
  /** Classifies the channels. */
  readonly classifier: Pick<MnistClassifier, "predict">;
  /**
   * Per-sample shape `[s, s, 3]`; s = 28, or 32 (the centred 28 × 28 is
   * classified, matching `loadStackedMnist({ imageSize: 32 })`).
   * @default {[28, 28, 3]}
   */
  readonly shape?: readonly number[];
  /** A mode counts as hit when at least this many samples fall in it. @default {1} */
  readonly minCount?: number;
}

/** What {@linkcode countModes} found. */
export interface ModeCount {
  /** Modes with at least `minCount` samples, 0 … 1000. */
  readonly modes: number;
  /**
   * KL(p ‖ u) = Σₖ pₖ · ln(pₖ · 1000) over modes with pₖ > 0, where pₖ is the
   * share of samples in mode k and u is uniform over the 1000 modes; 0 for a
   * perfectly even histogram, ln 1000 ≈ 6.91 when all samples share one mode.
   */
  readonly kl: number;
  /** Samples counted. */
  readonly samples: number;
  /** The rule used. */
  readonly minCount: number;
  /** Samples per mode, index 100·red + 10·green + blue digit. */
  readonly histogram: Int32Array;
}

/**
 * Mode statistics of a histogram over the 1000 modes.
 *
 * @param histogram 1000 counts.
 * @param minCount Hits a mode needs to count.
 * @returns Modes hit and KL from uniform (see {@linkcode ModeCount}).
 *
 * @example Two even modes
 * ```ts
 * import { stackedModeStatistics } from "./count_modes.ts";
 * import assert from "node:assert/strict";
 *
 * const h = new Int32Array(1000);
 * h[7] = 5;
 * h[123] = 5;
 * const { modes, kl } = stackedModeStatistics(h, 1);
 * assert.equal(modes, 2);
 * assert.ok(Math.abs(kl - Math.log(1000 / 2)) < 1e-12);
 * ```
 */
export function stackedModeStatistics(
  histogram: Int32Array,
  minCount: number,
): Omit<ModeCount, "histogram"> {
  let samples = 0;
  for (const c of histogram) samples += c;
  let modes = 0;
  let kl = 0;
  for (const c of histogram) {
    if (c >= minCount && c > 0) modes++;
    if (c > 0) {
      const p = c / samples;
      kl += p * Math.log(p * histogram.length);
    }
  }
  return { modes, kl: samples === 0 ? NaN : kl, samples, minCount };
}

/**
 * Counts the Stacked MNIST modes of generated images: channel c of each
 * sample is classified as digit d_c, the sample falls in mode
 * `100·d₀ + 10·d₁ + d₂`, and the histogram is summarised by
 * {@linkcode stackedModeStatistics}. How many samples to draw is the caller's
 * choice (the evaluator's `samples`, 26,000 by default).
 *
 * @param generated `n × s × s × 3` values in [-1, 1], HWC.
 * @param options The classifier, the sample shape and the `minCount` rule.
 * @returns The mode count, KL and histogram.
 * @throws {TypeError} When the shape is not `[28, 28, 3]` or `[32, 32, 3]`
 * or the values are not a whole number of samples.
 * @throws {RangeError} When `minCount` is not a positive integer.
 */
export async function countModes(
  generated: Float32Array,
  options: CountModesOptions,
): Promise<ModeCount> {
  const shape = options.shape ?? [28, 28, 3];
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new RangeError(
      `Cannot count modes: minCount must be a positive integer, current value is ${minCount}`,
    );
  }
  const side = shape[0];
  if (
    shape.length !== 3 || shape[2] !== 3 || shape[1] !== side ||
    (side !== 28 && side !== 32)
  ) {
    throw new TypeError(
      `Cannot count Stacked MNIST modes: samples must be [28, 28, 3] or [32, 32, 3], current shape is [${shape}]`,
    );
  }
  const per = side * side * 3;
  const n = generated.length / per;
  if (!Number.isInteger(n)) {
    throw new TypeError(
      `Cannot count modes: ${generated.length} values is not a whole number of [${shape}] samples`,
    );
  }
  const offset = (side - 28) >> 1;
  const modes = new Int32Array(n);
  const channel = new Float32Array(n * 784);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < 28; y++) {
        const src = i * per + ((y + offset) * side + offset) * 3 + c;
        const dst = i * 784 + y * 28;
        for (let x = 0; x < 28; x++) channel[dst + x] = generated[src + 3 * x];
      }
    }
    const digits = await options.classifier.predict(channel);
    for (let i = 0; i < n; i++) modes[i] = modes[i] * 10 + digits[i];
  }
  const histogram = new Int32Array(1000);
  for (const m of modes) histogram[m]++;
  return { ...stackedModeStatistics(histogram, minCount), histogram };
}
