/**
 * Batched feature (and class-probability) extraction through a
 * {@linkcode FeatureNetwork}.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { FeatureNetwork } from "./feature_network.ts";
import { prepareImages, type ResizeMethod } from "./prepare_images.ts";

/** Options for {@linkcode extractFeatures}. */
export interface ExtractFeaturesOptions {
  /**
   * Images per forward pass.
   *
   * @default {50}
   */
  batchSize?: number;
  /**
   * Interpolation when the image size differs from the network's.
   *
   * @default {"bilinear"}
   */
  resize?: ResizeMethod;
  /**
   * Whether to return features, class probabilities or both.
   *
   * @default {{ features: true, probabilities: false }}
   */
  outputs?: { features?: boolean; probabilities?: boolean };
}

/** What {@linkcode extractFeatures} returns. */
export interface ExtractedFeatures {
  /** Images processed. */
  readonly count: number;
  /** `[count, featureDim]` row-major, when asked for. */
  readonly features?: Float32Array;
  /** `[count, numClasses]` row-major, when asked for. */
  readonly probabilities?: Float32Array;
}

/**
 * Draws `count` images in batches from `draw`, fits them to the network
 * ({@linkcode prepareImages}) and collects features and/or probabilities.
 * One device sync (`await data()`) per batch and output.
 *
 * @param network The feature network.
 * @param draw Returns `n` images `[n, h, w, c]` in [-1, 1], row-major.
 * @param count Number of images.
 * @param shape Per-image shape `[h, w, c]`.
 * @param options Batch size, resizing, outputs.
 * @returns The collected arrays.
 * @throws {TypeError} When `shape` is not `[h, w, c]`, a draw returns the
 *   wrong length, or probabilities are asked of a network without a head.
 * @throws {RangeError} When `count` or `batchSize` is not a positive integer.
 *
 * @example Features of two constant images through a stand-in network
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { extractFeatures } from "./extract_features.ts";
 * import assert from "node:assert/strict";
 *
 * await tf.setBackend("cpu");
 * const net = {
 *   name: "mean", featureDim: 1, inputSize: [2, 2, 1] as const, inputRange: [0, 1] as const,
 *   weightsHash: "sha256:none", dispose() {},
 *   features: (x: tf.Tensor4D) => tf.reshape(tf.mean(x, [1, 2, 3]), [-1, 1]) as tf.Tensor2D,
 * };
 * const draw = (n: number) => Promise.resolve(new Float32Array(n * 4).fill(1));
 * const out = await extractFeatures(net, draw, 2, [2, 2, 1], { batchSize: 1 });
 * assert.deepEqual([...out.features!], [1, 1]); // 1 in [-1, 1] is 1 in [0, 1]
 * ```
 */
export async function extractFeatures(
  network: FeatureNetwork,
  draw: (n: number) => Promise<Float32Array> | Float32Array,
  count: number,
  shape: readonly number[],
  options: ExtractFeaturesOptions = {},
): Promise<ExtractedFeatures> {
  if (shape.length !== 3) {
    throw new TypeError(
      `Cannot extract features: images must be [h, w, c], current shape is [${
        shape.join(", ")
      }]; image metrics do not apply to this data`,
    );
  }
  const batchSize = options.batchSize ?? 50;
  for (const [name, v] of [["count", count], ["batchSize", batchSize]]) {
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new RangeError(
        `Cannot extract features: ${name} must be a positive integer, current value is ${v}`,
      );
    }
  }
  const wantFeatures = options.outputs?.features ?? true;
  const wantProbabilities = options.outputs?.probabilities ?? false;
  if (wantProbabilities && network.probabilities === undefined) {
    throw new TypeError(
      `Cannot extract class probabilities: the feature network ${network.name} has no classifier head; load it with a classifier output`,
    );
  }
  const [h, w, c] = shape;
  const per = h * w * c;
  const features = wantFeatures
    ? new Float32Array(count * network.featureDim)
    : undefined;
  const classes = network.numClasses ?? 0;
  const probabilities = wantProbabilities
    ? new Float32Array(count * classes)
    : undefined;

  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const pixels = await draw(n);
    if (pixels.length !== n * per) {
      throw new TypeError(
        `Cannot extract features: a draw of ${n} images returned ${pixels.length} values, expected ${
          n * per
        } (${n} × ${h} × ${w} × ${c})`,
      );
    }
    const images = tf.tensor4d(pixels, [n, h, w, c]); // [n, h, w, c]
    const input = prepareImages(images, network, { resize: options.resize }); // [n, H, W, C]
    images.dispose();
    try {
      if (features !== undefined) {
        const f = network.features(input); // [n, featureDim]
        const data = await f.data(); // device sync
        f.dispose();
        features.set(data, start * network.featureDim);
      }
      if (probabilities !== undefined) {
        const p = network.probabilities!(input); // [n, numClasses]
        const data = await p.data(); // device sync
        p.dispose();
        probabilities.set(data, start * classes);
      }
    } finally {
      input.dispose();
    }
  }
  return { count, features, probabilities };
}
