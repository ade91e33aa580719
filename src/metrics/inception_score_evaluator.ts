/**
 * The Inception Score evaluator.
 *
 * @module
 */

import { inceptionScore } from "./inception_score.ts";
import {
  ImageMetric,
  type ImageMetricOptions,
  positiveInteger,
} from "./_image_metric.ts";
import type { Evaluator, ScoreRecord } from "./types.ts";

/** Options for {@linkcode inceptionScoreEvaluator}. */
export interface InceptionScoreEvaluatorOptions extends ImageMetricOptions {
  /** The declaration's kind, when the whole declaration is passed. */
  kind?: "is";
  /**
   * Splits the samples are scored over.
   *
   * @default {10}
   */
  splits?: number;
}

/**
 * An {@linkcode Evaluator} (kind `is`) that scores the generator by the
 * Inception Score ({@linkcode inceptionScore}) of `samples` generated images
 * under the network's classifier head (for Inception-v3, load it with a
 * `classifierOutput`, e.g. the 1008-way `softmax`).
 *
 * Record: `{ is, is_std, is_protocol }`.
 *
 * @param options The network (with a classifier head), samples, splits.
 * @returns The evaluator.
 * @throws {TypeError} When `network` is missing, the kind is another
 *   metric's or an option is unknown.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example Creating one
 * ```ts
 * import { inceptionScoreEvaluator } from "./inception_score_evaluator.ts";
 * import assert from "node:assert/strict";
 *
 * const is = inceptionScoreEvaluator({
 *   network: { kind: "inception_v3", path: "models/fid_inception", classifierOutput: { name: "softmax", kind: "probabilities" } },
 * });
 * assert.equal(is.name, "is");
 * ```
 */
export function inceptionScoreEvaluator(
  options: InceptionScoreEvaluatorOptions,
): Evaluator {
  const metric = new ImageMetric("is", options, ["splits"]);
  const splits = positiveInteger("IS", "splits", options.splits ?? 10);
  if (splits > metric.samples) {
    throw new RangeError(
      `Cannot create the IS evaluator: splits (${splits}) exceeds samples (${metric.samples}); every split needs at least one image`,
    );
  }
  return {
    name: "is",
    async evaluate(context): Promise<ScoreRecord> {
      metric.checkImages(context);
      const network = await metric.network();
      const { probabilities } = await metric.generated(context, network, {
        features: false,
        probabilities: true,
      });
      const k = network.numClasses as number;
      const result = inceptionScore(probabilities as Float32Array, k, {
        splits,
      });
      return {
        is: result.mean,
        is_std: result.std,
        is_protocol: metric.protocol(context, network, {
          realFeaturesCached: false,
          featureDim: k,
          is: { splits },
        }),
      };
    },
  };
}
