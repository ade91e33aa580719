/**
 * The protocol record every image-metric score carries.
 *
 * @module
 */

import type { EvalContext } from "./types.ts";

/**
 * How a score was measured, stored beside it (`fid_protocol`, …) so that
 * numbers from different runs are only compared when their protocols match.
 */
export interface ScoreProtocol {
  /** The metric: `"fid"`, `"kid"` or `"is"`. */
  readonly metric: "fid" | "kid" | "is";
  /** Generated images scored. */
  readonly generatedImages: number;
  /** Real images used (0 for the Inception Score, which uses none). */
  readonly realImages: number;
  /** Which real split, e.g. `"train"`; `null` for the Inception Score. */
  readonly realSplit: string | null;
  /** The real data source's name, e.g. `"mnist (60000)"`; `null` for IS. */
  readonly realData: string | null;
  /** Feature network name, e.g. `"inception-v3 (FID, pool_3)"`. */
  readonly featureNetwork: string;
  /** `"sha256:<hex>"` of its weights. */
  readonly featureNetworkHash: string;
  /** Feature dimension (or class count for IS). */
  readonly featureDim: number;
  /** Per-image shape of the scored images, `[h, w, c]`. */
  readonly imageSize: readonly number[];
  /** The network's input, `[H, W, C]`. */
  readonly networkInputSize: readonly number[];
  /** `"none"`, `"bilinear"` or `"nearest"` (half-pixel centres). */
  readonly resize: "none" | "bilinear" | "nearest";
  /** `"same"`, `"repeat"` (1 → 3 channels) or `"mean"` (3 → 1). */
  readonly channels: "same" | "repeat" | "mean";
  /** Pixel range fed to the network (images are in [-1, 1] before). */
  readonly inputRange: readonly [number, number];
  /**
   * Which checkpoint was scored, as the engine's {@linkcode EvalContext}
   * says: `"final"` or `"scheduled"`.
   */
  readonly checkpoint: EvalContext["checkpoint"];
  /** Images per forward pass. */
  readonly batchSize: number;
  /** Where the float64 arithmetic ran: `"openblas"` or `"typescript"`. */
  readonly linearAlgebra: "openblas" | "typescript";
  /** Whether the real features were reused from an earlier evaluation. */
  readonly realFeaturesCached: boolean;
  /** KID only: number of subsets and their size. */
  readonly kid?: { readonly subsets: number; readonly subsetSize: number };
  /** IS only: number of splits. */
  readonly is?: { readonly splits: number };
}
