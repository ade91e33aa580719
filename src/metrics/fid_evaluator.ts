/**
 * The FID evaluator.
 *
 * @module
 */

import { FeatureStatistics } from "./feature_statistics.ts";
import { frechetDistance } from "./frechet_distance.ts";
import { ImageMetric, type RealImageMetricOptions } from "./_image_metric.ts";
import type { Evaluator, ScoreRecord } from "./types.ts";

/** Options for {@linkcode fidEvaluator}. */
export interface FidEvaluatorOptions extends RealImageMetricOptions {
  /** The declaration's kind, when the whole declaration is passed. */
  kind?: "fid";
}

/**
 * An {@linkcode Evaluator} (kind `fid`) that scores the generator by the
 * Fréchet Inception Distance (Heusel et al., 2017): features of `samples`
 * generated and `realSamples` real images (resized to the network's input),
 * float64 means and covariances, then {@linkcode frechetDistance}. The real
 * statistics are computed once and reused while the data source stays the
 * same.
 *
 * Record: `{ fid, fid_mean_term, fid_covariance_term, fid_protocol }`, the
 * protocol a {@linkcode ScoreProtocol}.
 *
 * @param options The network and sample counts.
 * @returns The evaluator.
 * @throws {TypeError} When `network` is missing, the kind is another
 *   metric's or an option is unknown.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example Creating one (scores need a run's EvalContext)
 * ```ts
 * import { fidEvaluator } from "./fid_evaluator.ts";
 * import assert from "node:assert/strict";
 *
 * const fid = fidEvaluator({ network: "models/fid_inception", samples: 10000 });
 * assert.equal(fid.name, "fid");
 * ```
 */
export function fidEvaluator(options: FidEvaluatorOptions): Evaluator {
  const metric = new ImageMetric("fid", options);
  return {
    name: "fid",
    async evaluate(context): Promise<ScoreRecord> {
      metric.checkImages(context);
      const network = await metric.network();
      const statistics = (features: Float32Array) =>
        new FeatureStatistics(network.featureDim, {
          linearAlgebra: metric.linearAlgebra,
        }).add(features).result();

      const real = await metric.real(context, network, statistics);
      const { features } = await metric.generated(context, network);
      const result = frechetDistance(
        real.value,
        statistics(features as Float32Array),
        { linearAlgebra: metric.linearAlgebra },
      );
      return {
        fid: result.distance,
        fid_mean_term: result.meanTerm,
        fid_covariance_term: result.covarianceTerm,
        fid_protocol: metric.protocol(context, network, {
          realFeaturesCached: real.cached,
        }),
      };
    },
  };
}
