/**
 * The KID evaluator.
 *
 * @module
 */

import { kernelInceptionDistance } from "./kernel_inception_distance.ts";
import {
  ImageMetric,
  positiveInteger,
  type RealImageMetricOptions,
} from "./_image_metric.ts";
import type { Evaluator, ScoreRecord } from "./types.ts";

/** Options for {@linkcode kidEvaluator}. */
export interface KidEvaluatorOptions extends RealImageMetricOptions {
  /** The declaration's kind, when the whole declaration is passed. */
  kind?: "kid";
  /**
   * Number of random subset pairs the estimate is averaged over. 100 is what
   * torch-fidelity uses; the function in Bińkowski et al.'s
   * `compute_scores.py` defaults to 50 (subset size 1000 in both).
   *
   * @default {100}
   */
  subsets?: number;
  /**
   * Images per set per subset, capped by `samples` and `realSamples`.
   *
   * @default {1000}
   */
  subsetSize?: number;
}

/**
 * An {@linkcode Evaluator} (kind `kid`) that scores the generator by the
 * Kernel Inception Distance ({@linkcode kernelInceptionDistance}: unbiased
 * MMD² with k(x, y) = (xᵀy/d + 1)³ over random subsets, drawn from the
 * evaluation's generator). Real features are computed once and reused while
 * the data source stays the same.
 *
 * Record: `{ kid, kid_std, kid_protocol }`.
 *
 * @param options The network, sample counts, subsets.
 * @returns The evaluator.
 * @throws {TypeError} When `network` is missing, the kind is another
 *   metric's or an option is unknown.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example Creating one
 * ```ts
 * import { kidEvaluator } from "./kid_evaluator.ts";
 * import assert from "node:assert/strict";
 *
 * const kid = kidEvaluator({ network: "models/fid_inception", subsets: 100 });
 * assert.equal(kid.name, "kid");
 * ```
 */
export function kidEvaluator(options: KidEvaluatorOptions): Evaluator {
  const metric = new ImageMetric("kid", options, ["subsets", "subsetSize"]);
  const subsets = positiveInteger("KID", "subsets", options.subsets ?? 100);
  const subsetSize = positiveInteger(
    "KID",
    "subsetSize",
    options.subsetSize ?? 1000,
  );
  return {
    name: "kid",
    async evaluate(context): Promise<ScoreRecord> {
      metric.checkImages(context);
      const network = await metric.network();
      const real = await metric.real(context, network, (f) => f);
      const { features } = await metric.generated(context, network);
      const result = kernelInceptionDistance(
        real.value,
        features as Float32Array,
        network.featureDim,
        {
          subsets,
          subsetSize,
          rng: context.rng.fork("kid subsets"),
          linearAlgebra: metric.linearAlgebra,
        },
      );
      return {
        kid: result.mean,
        kid_std: result.std,
        kid_protocol: metric.protocol(context, network, {
          realFeaturesCached: real.cached,
          kid: { subsets: result.subsets, subsetSize: result.subsetSize },
        }),
      };
    },
  };
}
