/**
 * Timing of FID's float64 arithmetic on random features, for the benchmark
 * suite in `bench/`.
 *
 * @module
 */

import { denseOps, type LinearAlgebraChoice } from "./_dense.ts";
import { FeatureStatistics } from "./feature_statistics.ts";
import { frechetDistance } from "./frechet_distance.ts";
import { Rng } from "../random.ts";

/** Options for {@linkcode benchFid}. */
export interface BenchFidOptions {
  /**
   * Where the linear algebra runs.
   *
   * @default {"auto"}
   */
  linearAlgebra?: LinearAlgebraChoice;
  /**
   * Seed of the random features.
   *
   * @default {0}
   */
  seed?: number;
}

/** Timings of one FID computation, in milliseconds. */
export interface BenchFidResult {
  /** Feature vectors per set. */
  readonly n: number;
  /** Feature dimension. */
  readonly d: number;
  /** The implementation that ran: `"openblas"` or `"typescript"`. */
  readonly linearAlgebra: "openblas" | "typescript";
  /** Mean and covariance of both sets (2 × O(n·d²)). */
  readonly statisticsMs: number;
  /** The Fréchet distance from the statistics (O(d³)). */
  readonly distanceMs: number;
  /** Sum of the two. */
  readonly totalMs: number;
  /** The FID value computed (near 0: both sets are N(0, I) samples). */
  readonly fid: number;
}

/**
 * Times FID on two sets of `n` random `d`-dimensional features: streaming
 * float64 statistics of both sets, then the Fréchet distance. Drawing the
 * features is not timed.
 *
 * @param n Feature vectors per set, e.g. `10000`.
 * @param d Feature dimension, e.g. `2048` (Inception-v3 pool_3).
 * @param options Linear algebra and seed.
 * @returns The timings and the FID value.
 *
 * @example A small run
 * ```ts
 * import { benchFid } from "./bench_fid.ts";
 * import assert from "node:assert/strict";
 *
 * const r = benchFid(200, 8);
 * assert.ok(r.statisticsMs >= 0 && r.distanceMs >= 0);
 * assert.ok(r.fid >= 0 && r.fid < 1);
 * ```
 */
export function benchFid(
  n: number,
  d: number,
  options: BenchFidOptions = {},
): BenchFidResult {
  const linearAlgebra = options.linearAlgebra ?? "auto";
  const rng = new Rng(options.seed ?? 0);
  const a = rng.normal(n * d); // [n, d]
  const b = rng.normal(n * d); // [n, d]

  const t0 = performance.now();
  const statsA = new FeatureStatistics(d, { linearAlgebra }).add(a).result();
  const statsB = new FeatureStatistics(d, { linearAlgebra }).add(b).result();
  const t1 = performance.now();
  const { distance } = frechetDistance(statsA, statsB, { linearAlgebra });
  const t2 = performance.now();

  return {
    n,
    d,
    linearAlgebra: denseOps(linearAlgebra).name,
    statisticsMs: t1 - t0,
    distanceMs: t2 - t1,
    totalMs: t2 - t0,
    fid: distance,
  };
}
