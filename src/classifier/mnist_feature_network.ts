/**
 * The MNIST classifier as a {@linkcode FeatureNetwork} for the metrics
 * (FID/KID on MNIST-like data, and the Inception Score with the digit
 * probabilities): features are its penultimate layer (dense1, after ReLU).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { FeatureNetwork } from "../metrics/feature_network.ts";
import { DEFAULT_CLASSIFIER_DIR, loadMnistClassifier } from "./tfjs_model.ts";
import type { MnistClassifier } from "./mnist_classifier.ts";

/**
 * Wraps a classifier as a feature network: `features` is `[n, hidden]`
 * (dense1 after ReLU), `probabilities` the softmax over the 10 digits;
 * input `[n, 28, 28, 1]` in [-1, 1].
 *
 * @param classifier The classifier; the network owns it from now on
 * (`dispose()` frees it).
 * @param weightsHash `"sha256:<hex>"` of its weights.
 * @returns The feature network.
 */
export function mnistFeatureNetwork(
  classifier: MnistClassifier,
  weightsHash: string,
): FeatureNetwork {
  return {
    name: "relgan-mnist-classifier (dense1)",
    featureDim: classifier.architecture.hidden,
    inputSize: [28, 28, 1],
    inputRange: [-1, 1],
    weightsHash,
    numClasses: 10,
    features: (images) => classifier.features(images),
    probabilities: (images) =>
      tf.tidy(() => tf.softmax(classifier.logits(images))), // [n, 10]
    dispose: () => classifier.dispose(),
  };
}

/**
 * Loads the saved classifier (see `deno task train-classifier`) as a
 * feature network.
 *
 * @param dir The folder with model.json and weights.bin.
 * @default {DEFAULT_CLASSIFIER_DIR} dir
 * @returns The feature network.
 * @throws {Error} When the files are missing, saying how to make them.
 */
export async function loadMnistFeatureNetwork(
  dir: string = DEFAULT_CLASSIFIER_DIR,
): Promise<FeatureNetwork> {
  const { classifier, weightsHash } = await loadMnistClassifier(dir);
  return mnistFeatureNetwork(classifier, weightsHash);
}
