/**
 * The contract for networks that turn images into feature vectors (for FID
 * and KID) and, optionally, class probabilities (for the Inception Score).
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";

/**
 * A frozen network that maps images to features. FID and KID read
 * {@linkcode FeatureNetwork.features}; the Inception Score reads
 * {@linkcode FeatureNetwork.probabilities} when the network has a
 * classifier head.
 *
 * Implementations: {@linkcode loadInceptionV3} (Inception-v3 pool features,
 * 2048 values, from a local TensorFlow.js model directory) in this folder,
 * and the package's MNIST classifier in `src/classifier/` (a domain feature
 * network for MNIST and Stacked MNIST).
 *
 * Callers pass images already resized to {@linkcode FeatureNetwork.inputSize}
 * and mapped to {@linkcode FeatureNetwork.inputRange}; the evaluators do both
 * (see `prepareImages`).
 */
export interface FeatureNetwork {
  /** A short name for score records, e.g. `"inception-v3 (pool_3)"`. */
  readonly name: string;
  /** Length of one feature vector, e.g. `2048` for Inception-v3 pool_3. */
  readonly featureDim: number;
  /**
   * Input size the network expects, `[height, width, channels]`, e.g.
   * `[299, 299, 3]` for Inception-v3 or `[28, 28, 1]` for MNIST.
   */
  readonly inputSize: readonly [number, number, number];
  /**
   * Value range of the input pixels, `[low, high]`, e.g. `[-1, 1]` or
   * `[0, 255]`. Images in [-1, 1] are mapped linearly to it.
   */
  readonly inputRange: readonly [number, number];
  /**
   * Content hash of the weights, `"sha256:<64 hex digits>"`, so a score
   * record says exactly which network produced it.
   */
  readonly weightsHash: string;
  /**
   * Number of classes of the classifier head, when there is one (the
   * Inception Score needs it); `undefined` otherwise.
   */
  readonly numClasses?: number;
  /**
   * Computes features. Must not leak tensors other than the result.
   *
   * @param images `[batch, h, w, c]` with `[h, w, c]` = `inputSize`, values
   *   in `inputRange`.
   * @returns `[batch, featureDim]`, owned by the caller.
   */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Computes class probabilities p(y | x) (rows sum to 1), when the network
   * has a classifier head.
   *
   * @param images `[batch, h, w, c]`, as for `features`.
   * @returns `[batch, numClasses]`, owned by the caller.
   */
  probabilities?(images: tf.Tensor4D): tf.Tensor2D;
  /** Releases the weights. The network must not be used afterwards. */
  dispose(): void;
}
