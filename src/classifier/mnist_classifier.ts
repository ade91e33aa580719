/**
 * The MNIST digit classifier relgan trains for itself, to count the modes
 * of Stacked MNIST (paper section 5.1) and to give MNIST features to the
 * metrics: a small convolutional network over explicit `tf.Variable`s.
 *
 * Architecture (Keras names in brackets, as saved in model.json):
 * `[n, 28, 28, 1]` in [-1, 1] → x/2 + 1/2 [rescale] → conv 3 × 3, f₁ filters, ReLU [conv1] → max-pool 2
 * [pool1] → conv 3 × 3, f₂, ReLU [conv2] → max-pool 2 [pool2] → flatten
 * `[n, 7·7·f₂]` → dense h, ReLU [dense1] (the features) → dense 10
 * [logits], softmax.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";
import { conv3x3, dense } from "./_layers.ts";

/** Layer sizes of the classifier. */
export interface ClassifierArchitecture {
  /** Filters of the two convolutions, f₁ and f₂. */
  readonly filters: readonly [number, number];
  /** Units of the hidden dense layer (the feature size), h. */
  readonly hidden: number;
}

/** The architecture of the saved classifier (`deno task train-classifier`). */
export const FULL_ARCHITECTURE: ClassifierArchitecture = {
  filters: [16, 32],
  hidden: 128,
};

/** Names and shapes of the weights, in their fixed order. */
export function weightSpecs(
  arch: ClassifierArchitecture,
): Array<{ name: string; shape: number[] }> {
  const [f1, f2] = arch.filters;
  return [
    { name: "conv1/kernel", shape: [3, 3, 1, f1] },
    { name: "conv1/bias", shape: [f1] },
    { name: "conv2/kernel", shape: [3, 3, f1, f2] },
    { name: "conv2/bias", shape: [f2] },
    { name: "dense1/kernel", shape: [7 * 7 * f2, arch.hidden] },
    { name: "dense1/bias", shape: [arch.hidden] },
    { name: "logits/kernel", shape: [arch.hidden, 10] },
    { name: "logits/bias", shape: [10] },
  ];
}

/**
 * Makes a named weight from values without keeping the initial tensor.
 *
 * @param values The weight's values, row-major.
 * @param shape Its shape.
 * @param name Its name inside the classifier, e.g. `"conv1/kernel"`.
 * @param trainable Whether optimisers may update it.
 * @returns A variable named `mnist_classifier/<name>_<n>` (unique per call).
 */
export function variableFrom(
  values: Float32Array,
  shape: readonly number[],
  name: string,
  trainable: boolean,
): tf.Variable {
  const initial = tf.tensor(values, [...shape]);
  const v = tf.variable(
    initial,
    trainable,
    `mnist_classifier_${nextId++}/${name}`,
  );
  initial.dispose();
  return v;
}

let nextId = 0;

/** A digit classifier for `[28, 28, 1]` images in [-1, 1]. */
export interface MnistClassifier {
  /** The layer sizes. */
  readonly architecture: ClassifierArchitecture;
  /** The weights in {@linkcode weightSpecs} order. */
  readonly variables: readonly tf.Variable[];
  /**
   * Class scores before the softmax.
   *
   * @param images `[n, 28, 28, 1]` in [-1, 1].
   * @returns `[n, 10]`; allocates only the result.
   */
  logits(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * The penultimate layer (dense1 after ReLU).
   *
   * @param images `[n, 28, 28, 1]` in [-1, 1].
   * @returns `[n, hidden]`; allocates only the result.
   */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Predicted digits, in batches of 256 (one device sync per batch).
   *
   * @param images `n × 784` values in [-1, 1].
   * @returns `n` digits.
   */
  predict(images: Float32Array): Promise<Int32Array>;
  /** Frees the weights. */
  dispose(): void;
}

/**
 * Builds a classifier over given weights (used by training and loading).
 *
 * @param arch The layer sizes.
 * @param variables Weights in {@linkcode weightSpecs} order.
 * @returns The classifier.
 * @throws {TypeError} When a weight's shape differs from the architecture's.
 */
export function mnistClassifierFromVariables(
  arch: ClassifierArchitecture,
  variables: readonly tf.Variable[],
): MnistClassifier {
  const specs = weightSpecs(arch);
  if (variables.length !== specs.length) {
    throw new TypeError(
      `Cannot build the MNIST classifier: expected ${specs.length} weights, got ${variables.length}`,
    );
  }
  specs.forEach((s, i) => {
    if (variables[i].shape.join() !== s.shape.join()) {
      throw new TypeError(
        `Cannot build the MNIST classifier: weight ${s.name} must have shape [${s.shape}], current shape is [${
          variables[i].shape
        }]`,
      );
    }
  });
  const [k1, b1, k2, b2, w3, b3, w4, b4] = variables;
  const hidden = (x: tf.Tensor4D): tf.Tensor2D => {
    const n = x.shape[0];
    // Rescale [-1, 1] to [0, 1]: the background becomes 0, which zero
    // padding matches and which starts the ReLUs from a neutral input.
    const x01 = tf.add(tf.mul(x, 0.5), 0.5) as tf.Tensor4D; // [n, 28, 28, 1]
    let h = tf.relu(conv3x3(x01, k1 as tf.Tensor4D, b1 as tf.Tensor1D)); // [n, 28, 28, f1]
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid"); // [n, 14, 14, f1]
    h = tf.relu(
      conv3x3(h as tf.Tensor4D, k2 as tf.Tensor4D, b2 as tf.Tensor1D),
    ); // [n, 14, 14, f2]
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid"); // [n, 7, 7, f2]
    const flat = tf.reshape(h, [n, -1]) as tf.Tensor2D; // [n, 49·f2]
    return tf.relu(dense(flat, w3 as tf.Tensor2D, b3 as tf.Tensor1D)); // [n, hidden]
  };
  const logits = (x: tf.Tensor4D): tf.Tensor2D =>
    dense(hidden(x), w4 as tf.Tensor2D, b4 as tf.Tensor1D); // [n, 10]
  return {
    architecture: arch,
    variables,
    logits: (x) => tf.tidy(() => logits(x)),
    features: (x) => tf.tidy(() => hidden(x)),
    async predict(images: Float32Array): Promise<Int32Array> {
      const n = images.length / 784;
      if (!Number.isInteger(n)) {
        throw new TypeError(
          `Cannot classify digits: ${images.length} values is not a whole number of 28 × 28 images`,
        );
      }
      const out = new Int32Array(n);
      for (let start = 0; start < n; start += 256) {
        const count = Math.min(256, n - start);
        const labels = tf.tidy(() => {
          const x = tf.tensor4d(
            images.subarray(start * 784, (start + count) * 784),
            [count, 28, 28, 1],
          );
          return tf.argMax(logits(x), 1); // [count]
        });
        out.set(await labels.data(), start); // device sync
        labels.dispose();
      }
      return out;
    },
    dispose(): void {
      for (const v of variables) v.dispose();
    },
  };
}

/**
 * A freshly initialised classifier: He-normal kernels (std √(2 / fan-in))
 * drawn from `rng`, zero biases.
 *
 * @param arch The layer sizes.
 * @param rng Draws the weights.
 * @returns The classifier.
 * @throws {RangeError} When a layer size is not a positive integer.
 *
 * @example Ten scores per image
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "../backend/mod.ts";
 * import { createMnistClassifier } from "./mnist_classifier.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * await tf.setBackend("cpu");
 * const net = createMnistClassifier({ filters: [2, 2], hidden: 4 }, new Rng(0));
 * const scores = net.logits(tf.zeros([3, 28, 28, 1]));
 * assert.deepEqual(scores.shape, [3, 10]);
 * scores.dispose();
 * net.dispose();
 * ```
 */
export function createMnistClassifier(
  arch: ClassifierArchitecture,
  rng: Rng,
): MnistClassifier {
  for (const size of [...arch.filters, arch.hidden]) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot build the MNIST classifier: layer sizes must be positive integers, current value is ${
          JSON.stringify(arch)
        }`,
      );
    }
  }
  const variables = weightSpecs(arch).map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const isKernel = spec.name.endsWith("kernel");
    const fanIn = spec.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const values = isKernel
      ? rng.normal(count, 0, Math.sqrt(2 / fanIn))
      : new Float32Array(count);
    return variableFrom(values, spec.shape, spec.name, true);
  });
  return mnistClassifierFromVariables(arch, variables);
}
