/**
 * Small real parts for the evaluator tests: a tfjs feature network (2 × 2
 * average pooling of a 4 × 4 grey image, so 4 features; softmax of the
 * features times a fixed matrix as its classifier), a data source and an
 * evaluation context.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { DataSource } from "../../src/data/types.ts";
import type { FeatureNetwork } from "../../src/metrics/feature_network.ts";
import type { EvalContext } from "../../src/metrics/types.ts";
import { Rng } from "../../src/random.ts";

/** Classifier weights [4, 3]. */
export const CLASSIFIER = [1, -1, 0.5, 0.2, 2, -1, -0.5, 0.3, 1, 1.5, 0, -2];

export function poolingNetwork(): FeatureNetwork {
  return {
    name: "avg-pool 2x2 (test)",
    featureDim: 4,
    inputSize: [4, 4, 1],
    inputRange: [0, 1],
    weightsHash: "sha256:" + "ab".repeat(32),
    numClasses: 3,
    features: (x) =>
      tf.tidy(() => tf.reshape(tf.avgPool(x, 2, 2, "valid"), [x.shape[0], 4])),
    probabilities: (x) =>
      tf.tidy(() => {
        const f = tf.reshape(tf.avgPool(x, 2, 2, "valid"), [x.shape[0], 4]); // [n, 4]
        return tf.softmax(tf.matMul(f, tf.tensor2d(CLASSIFIER, [4, 3]))); // [n, 3]
      }),
    dispose() {},
  };
}

/** Plain-number features of poolingNetwork for images in [-1, 1]. */
export function poolingFeatures(
  pixels: ArrayLike<number>,
  n: number,
): number[] {
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (const [r, c] of [[0, 0], [0, 2], [2, 0], [2, 2]]) {
      let s = 0;
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        s += (pixels[b * 16 + (r + dr) * 4 + c + dc] + 1) / 2; // [-1, 1] → [0, 1]
      }
      out.push(s / 4);
    }
  }
  return out;
}

export function uniformData(low = -1, high = 1): DataSource {
  return {
    name: `uniform [${low}, ${high}] 4x4`,
    shape: [4, 4, 1],
    size: Infinity,
    sample: (rng, n) => rng.uniform(n * 16, low, high),
  };
}

/** A context whose generator draws uniform pixels in [genLow, 1]. */
export function context(
  data: DataSource,
  options: {
    seed?: number;
    genLow?: number;
    checkpoint?: "final" | "scheduled";
  } = {},
): EvalContext & { generatedPixels: number[] } {
  const genRng = new Rng(1000 + (options.seed ?? 0));
  const generatedPixels: number[] = [];
  return {
    generate: (n) => {
      const x = genRng.uniform(n * 16, options.genLow ?? -0.5, 1);
      generatedPixels.push(...x);
      return Promise.resolve(x);
    },
    data,
    rng: new Rng(options.seed ?? 0),
    shape: data.shape,
    checkpoint: options.checkpoint ?? "scheduled",
    generatedPixels,
  };
}
