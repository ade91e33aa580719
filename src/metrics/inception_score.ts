/**
 * The Inception Score from class probabilities.
 *
 * @module
 */

/** Options for {@linkcode inceptionScore}. */
export interface InceptionScoreOptions {
  /**
   * Number of consecutive splits the score is computed over; split s holds
   * samples ⌊s·n/splits⌋ up to ⌊(s+1)·n/splits⌋ − 1.
   *
   * @default {10}
   */
  splits?: number;
}

/** An Inception Score over splits. */
export interface InceptionScore {
  /** Mean of the per-split scores. */
  readonly mean: number;
  /** Their standard deviation (population form, divided by the count). */
  readonly std: number;
  /** The per-split scores. */
  readonly values: readonly number[];
}

/**
 * Computes the Inception Score of Salimans et al. (2016, sec. 4),
 *
 *   IS = exp(E_x[KL(p(y|x) ‖ p(y))]),  p(y) = E_x[p(y|x)],
 *
 * on each of `splits` consecutive splits of the samples (p(y) taken within
 * the split, as in the reference code), in float64, with 0·log 0 = 0. It
 * lies in [1, K] for K classes: 1 when every prediction equals p(y), K when
 * predictions are one-hot and spread evenly over the classes.
 *
 * @param probabilities `[n, numClasses]` row-major; rows sum to 1.
 * @param numClasses K.
 * @param options Number of splits.
 * @returns Mean, std and the per-split scores.
 * @throws {TypeError} When the length is not a multiple of `numClasses`.
 * @throws {RangeError} When a value is negative or not finite, or there are
 *   fewer samples than splits.
 *
 * @example One-hot predictions over four classes score 4
 * ```ts
 * import { inceptionScore } from "./inception_score.ts";
 * import assert from "node:assert/strict";
 *
 * const p = new Float64Array(4 * 4);
 * for (let i = 0; i < 4; i++) p[i * 4 + i] = 1;
 * const score = inceptionScore(p, 4, { splits: 1 });
 * assert.ok(Math.abs(score.mean - 4) < 1e-12);
 * ```
 */
export function inceptionScore(
  probabilities: ArrayLike<number>,
  numClasses: number,
  options: InceptionScoreOptions = {},
): InceptionScore {
  const k = numClasses;
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(
      `Cannot compute the Inception Score: numClasses must be a positive integer, current value is ${k}`,
    );
  }
  if (probabilities.length % k !== 0) {
    throw new TypeError(
      `Cannot compute the Inception Score: ${probabilities.length} probabilities is not a multiple of numClasses ${k}; pass [n, ${k}] row-major`,
    );
  }
  const n = probabilities.length / k;
  const splits = options.splits ?? 10;
  if (!Number.isInteger(splits) || splits < 1 || splits > n) {
    throw new RangeError(
      `Cannot compute the Inception Score: splits must be an integer in [1, ${n}] (the number of samples), current value is ${splits}`,
    );
  }
  for (let i = 0; i < probabilities.length; i++) {
    const v = probabilities[i];
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot compute the Inception Score: probability ${i % k} of sample ${
          Math.floor(i / k)
        } is ${v}; probabilities must be finite and non-negative`,
      );
    }
  }

  const values: number[] = [];
  const marginal = new Float64Array(k);
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);

    // p(y) over the split.
    marginal.fill(0);
    for (let i = start; i < end; i++) {
      for (let c = 0; c < k; c++) marginal[c] += probabilities[i * k + c];
    }
    for (let c = 0; c < k; c++) marginal[c] /= end - start;

    // Mean KL(p(y|x) ‖ p(y)); p(y) > 0 wherever p(y|x) > 0.
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let c = 0; c < k; c++) {
        const p = probabilities[i * k + c];
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]));
      }
    }
    values.push(Math.exp(kl / (end - start)));
  }

  const mean = values.reduce((a, v) => a + v, 0) / splits;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / splits;
  return { mean, std: Math.sqrt(variance), values };
}
