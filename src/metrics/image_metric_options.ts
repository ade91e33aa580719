/**
 * Options shared by the FID, KID and IS evaluators.
 *
 * @module
 */

import type { LinearAlgebraChoice } from "./linear_algebra_choice.ts";
import type { ResizeMethod } from "./prepare_images.ts";
import type { FeatureNetworkSpec } from "./resolve_feature_network.ts";

/** Options every image-metric evaluator takes. */
export interface ImageMetricOptions {
  /** The feature network, its path, or `{ kind, path, ...options }`. */
  network: FeatureNetworkSpec;
  /**
   * Generated images per evaluation.
   *
   * @default {10000}
   */
  samples?: number;
  /**
   * Images per forward pass (and per `generate` call).
   *
   * @default {50}
   */
  batchSize?: number;
  /**
   * Interpolation when image and network sizes differ.
   *
   * @default {"bilinear"}
   */
  resize?: ResizeMethod;
  /**
   * Where the float64 arithmetic runs.
   *
   * @default {"auto"}
   */
  linearAlgebra?: LinearAlgebraChoice;
}

/** Options of the evaluators that compare with real images (FID, KID). */
export interface RealImageMetricOptions extends ImageMetricOptions {
  /**
   * Real images drawn from the run's data source.
   *
   * @default {the value of samples}
   */
  realSamples?: number;
  /**
   * Which real split the data source holds, for the protocol record.
   *
   * @default {"train"}
   */
  realSplit?: string;
}
