/**
 * Streaming float64 mean and covariance of feature vectors.
 *
 * @module
 */

import { denseOps, type LinearAlgebraChoice } from "./_dense.ts";

/** Mean and covariance of a set of feature vectors, in float64. */
export interface GaussianStatistics {
  /** Feature dimension d. */
  readonly dim: number;
  /** Number of vectors the statistics were computed from. */
  readonly count: number;
  /** Mean, `[d]`. */
  readonly mean: Float64Array;
  /**
   * Unbiased covariance Σ = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ / (count − 1), full and
   * symmetric, `[d, d]` row-major.
   */
  readonly covariance: Float64Array;
}

/** Options for {@linkcode FeatureStatistics}. */
export interface FeatureStatisticsOptions {
  /**
   * Where the O(n·d²) scatter products run.
   *
   * @default {"auto"}
   */
  linearAlgebra?: LinearAlgebraChoice;
  /**
   * Rows per block: each block is centred on its own mean in float64 before
   * its scatter matrix is formed.
   *
   * @default {512}
   */
  blockSize?: number;
}

/**
 * Accumulates the mean and covariance of feature vectors over batches, in
 * float64, without keeping the vectors.
 *
 * Each block of rows is centred on its own mean and its scatter matrix
 * S_b = Σ (x − x̄_b)(x − x̄_b)ᵀ formed (BLAS `dsyrk` or the TypeScript
 * fallback); blocks merge by the pairwise update of Chan, Golub and LeVeque
 * (1979): with δ = x̄_b − μ, n' = n + m,
 * μ' = μ + δ·m/n' and M₂' = M₂ + S_b + δδᵀ·n·m/n'. Centring per block avoids
 * the cancellation of the one-pass E[xxᵀ] − μμᵀ form.
 *
 * @example Mean and covariance of three points
 * ```ts
 * import { FeatureStatistics } from "./feature_statistics.ts";
 * import assert from "node:assert/strict";
 *
 * const stats = new FeatureStatistics(2)
 *   .add(new Float32Array([0, 0, 2, 0]))
 *   .add(new Float32Array([1, 3]))
 *   .result();
 * assert.deepEqual([...stats.mean], [1, 1]);
 * // Σ = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ / 2
 * assert.deepEqual([...stats.covariance], [1, 0, 0, 3]);
 * ```
 */
export class FeatureStatistics {
  /** Feature dimension d. */
  readonly dim: number;
  #count = 0;
  #mean: Float64Array;
  #m2: Float64Array; // upper triangle of Σ (x − μ)(x − μ)ᵀ
  #ops: ReturnType<typeof denseOps>;
  #blockSize: number;

  /**
   * @param dim Feature dimension d.
   * @param options Linear algebra and block size.
   * @throws {RangeError} When `dim` or `blockSize` is not a positive integer.
   */
  constructor(dim: number, options: FeatureStatisticsOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(
        `Cannot accumulate feature statistics: dim must be a positive integer, current value is ${dim}`,
      );
    }
    const blockSize = options.blockSize ?? 512;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new RangeError(
        `Cannot accumulate feature statistics: blockSize must be a positive integer, current value is ${blockSize}`,
      );
    }
    this.dim = dim;
    this.#blockSize = blockSize;
    this.#mean = new Float64Array(dim);
    this.#m2 = new Float64Array(dim * dim);
    this.#ops = denseOps(options.linearAlgebra ?? "auto");
  }

  /** Number of vectors added so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Adds feature vectors.
   *
   * @param features `[rows, dim]` row-major; its length must be a multiple
   *   of `dim`.
   * @returns This accumulator, for chaining.
   * @throws {TypeError} When the length is not a multiple of `dim`.
   * @throws {RangeError} When a value is NaN or infinite.
   */
  add(features: ArrayLike<number>): this {
    const d = this.dim;
    if (features.length % d !== 0) {
      throw new TypeError(
        `Cannot add features: their length ${features.length} is not a multiple of the feature dimension ${d}; pass [rows, ${d}] row-major`,
      );
    }
    const rows = features.length / d;
    const block = new Float64Array(Math.min(rows, this.#blockSize) * d);
    const blockMean = new Float64Array(d);
    for (let start = 0; start < rows; start += this.#blockSize) {
      const m = Math.min(this.#blockSize, rows - start);
      const x = m * d === block.length ? block : block.subarray(0, m * d);

      // Block mean, then centre the block on it.
      blockMean.fill(0);
      for (let r = 0; r < m; r++) {
        const o = (start + r) * d;
        for (let j = 0; j < d; j++) {
          const v = features[o + j];
          x[r * d + j] = v;
          blockMean[j] += v;
        }
      }
      for (let j = 0; j < d; j++) {
        blockMean[j] /= m;
        if (!Number.isFinite(blockMean[j])) {
          throw new RangeError(
            `Cannot add features: feature ${j} of rows ${start}..${
              start + m - 1
            } holds NaN or Infinity; check the feature network's output`,
          );
        }
      }
      for (let r = 0; r < m; r++) {
        for (let j = 0; j < d; j++) x[r * d + j] -= blockMean[j];
      }

      // Merge: M₂ += S_b + δδᵀ·n·m/(n+m), μ += δ·m/(n+m).
      this.#ops.scatterAddUpper(this.#m2, x, m, d);
      const n = this.#count;
      const total = n + m;
      if (n > 0) {
        const w = (n * m) / total;
        for (let i = 0; i < d; i++) {
          const di = (blockMean[i] - this.#mean[i]) * w;
          const row = i * d;
          for (let j = i; j < d; j++) {
            this.#m2[row + j] += di * (blockMean[j] - this.#mean[j]);
          }
        }
      }
      for (let j = 0; j < d; j++) {
        this.#mean[j] += (blockMean[j] - this.#mean[j]) * (m / total);
      }
      this.#count = total;
    }
    return this;
  }

  /**
   * The statistics of everything added so far.
   *
   * @returns Copies of the mean and the unbiased covariance.
   * @throws {RangeError} With fewer than two vectors.
   */
  result(): GaussianStatistics {
    const n = this.#count;
    if (n < 2) {
      throw new RangeError(
        `Cannot compute a covariance: it needs at least 2 feature vectors, current count is ${n}; add more samples`,
      );
    }
    const d = this.dim;
    const covariance = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = this.#m2[i * d + j] / (n - 1);
        covariance[i * d + j] = v;
        covariance[j * d + i] = v;
      }
    }
    return {
      dim: d,
      count: n,
      mean: Float64Array.from(this.#mean),
      covariance,
    };
  }
}
