/**
 * Image-quality metrics: FID, KID and the Inception Score over a pluggable
 * {@linkcode FeatureNetwork}, as evaluators the engine runs on schedule.
 *
 * @module
 */

export type * from "./types.ts";
export type { FeatureNetwork } from "./feature_network.ts";
