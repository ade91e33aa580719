/**
 * Image-quality metrics: FID, KID and the Inception Score over a pluggable
 * {@linkcode FeatureNetwork}, as evaluators the engine runs on schedule
 * (kinds `fid`, `kid`, `is`), plus the toy-data metrics.
 *
 * The float64 arithmetic (covariances, eigendecompositions, Gram matrices)
 * runs on the system's OpenBLAS through `Deno.dlopen` when it can be opened
 * and in plain TypeScript otherwise.
 *
 * @module
 */

export type * from "./types.ts";
export type { FeatureNetwork } from "./feature_network.ts";
export {
  FeatureStatistics,
  type FeatureStatisticsOptions,
  type GaussianStatistics,
} from "./feature_statistics.ts";
export {
  type FrechetDistance,
  frechetDistance,
  type FrechetDistanceOptions,
} from "./frechet_distance.ts";
export {
  type KernelInceptionDistance,
  kernelInceptionDistance,
  type KernelInceptionDistanceOptions,
} from "./kernel_inception_distance.ts";
export {
  type InceptionScore,
  inceptionScore,
  type InceptionScoreOptions,
} from "./inception_score.ts";
export {
  type ClassifierOutput,
  type GraphFeatureNetworkOptions,
  loadGraphFeatureNetwork,
} from "./graph_feature_network.ts";
export {
  INCEPTION_V3_METADATA_KEY,
  INCEPTION_V3_SOURCE,
  type InceptionV3Options,
  loadInceptionV3,
} from "./inception_v3.ts";
export {
  type FeatureNetworkSpec,
  resolveFeatureNetwork,
} from "./resolve_feature_network.ts";
export {
  prepareImages,
  type PrepareImagesOptions,
  type ResizeMethod,
} from "./prepare_images.ts";
export {
  type ExtractedFeatures,
  extractFeatures,
  type ExtractFeaturesOptions,
} from "./extract_features.ts";
export type { ScoreProtocol } from "./score_protocol.ts";
export type {
  ImageMetricOptions,
  RealImageMetricOptions,
} from "./image_metric_options.ts";
export { fidEvaluator, type FidEvaluatorOptions } from "./fid_evaluator.ts";
export { kidEvaluator, type KidEvaluatorOptions } from "./kid_evaluator.ts";
export {
  inceptionScoreEvaluator,
  type InceptionScoreEvaluatorOptions,
} from "./inception_score_evaluator.ts";
export {
  LINEAR_ALGEBRA_CHOICES,
  type LinearAlgebraChoice,
} from "./linear_algebra_choice.ts";
export {
  benchFid,
  type BenchFidOptions,
  type BenchFidResult,
} from "./bench_fid.ts";
export * from "./toy.ts";
