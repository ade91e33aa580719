/**
 * Gradient cases shared by the kernel tests: each is a small network piece
 * whose gradients (with respect to every input) are compared between a
 * backend under test and the `cpu` reference backend.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../../src/random.ts";

/** One computation to differentiate, with the shapes of its inputs. */
export interface GradientCase {
  readonly name: string;
  readonly shapes: number[][];
  readonly f: (inputs: tf.Tensor[]) => tf.Tensor;
}

const t4 = (t: tf.Tensor) => t as tf.Tensor4D;

/** The cases issue 2 item 4 names: dense, conv2d, conv2dTranspose, batch norm, average pooling, nearest upsampling. */
export const GRADIENT_CASES: readonly GradientCase[] = [
  {
    name: "dense (matMul + bias + leaky ReLU)",
    shapes: [[16, 24], [24, 12], [12]],
    f: ([x, w, b]) => tf.leakyRelu(tf.add(tf.matMul(x, w), b), 0.2), // [16, 12]
  },
  {
    name: "fused dense (tf.fused.matMul, transposed weights)",
    shapes: [[16, 24], [12, 24], [12]],
    f: ([x, w, b]) =>
      tf.fused.matMul({
        a: x as tf.Tensor2D,
        b: w as tf.Tensor2D,
        transposeB: true,
        bias: b,
        activation: "relu",
      }), // [16, 12]
  },
  {
    name: "conv2d stride 1 same",
    shapes: [[2, 9, 9, 3], [3, 3, 3, 8]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "same"), // [2, 9, 9, 8]
  },
  {
    name: "conv2d stride 1 valid",
    shapes: [[2, 9, 9, 3], [3, 3, 3, 8]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "valid"), // [2, 7, 7, 8]
  },
  {
    name: "conv2d stride 2 same",
    shapes: [[3, 10, 10, 4], [4, 4, 4, 6]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 2, "same"), // [3, 5, 5, 6]
  },
  {
    name: "conv2d stride 2 valid",
    shapes: [[3, 11, 11, 4], [3, 3, 4, 6]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 2, "valid"), // [3, 5, 5, 6]
  },
  {
    name:
      "conv2d stride 1 same, wide (several im2col chunks when the budget is low)",
    shapes: [[5, 6, 6, 8], [3, 3, 8, 16]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "same"), // [5, 6, 6, 16]
  },
  {
    name:
      "conv2d stride 2 same, 16 input channels (filter gradient as a dilated conv)",
    shapes: [[2, 8, 8, 16], [3, 3, 16, 8]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 2, "same"), // [2, 4, 4, 8]
  },
  {
    name: "conv2d 1 × 1, 16 channels",
    shapes: [[2, 5, 5, 16], [1, 1, 16, 4]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "valid"), // [2, 5, 5, 4]
  },
  {
    name: "conv2d 1 × 1",
    shapes: [[2, 5, 5, 6], [1, 1, 6, 4]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "valid"), // [2, 5, 5, 4]
  },
  {
    name: "conv2dTranspose stride 2 same",
    shapes: [[2, 4, 4, 8], [4, 4, 5, 8]],
    f: ([x, w]) => tf.conv2dTranspose(t4(x), t4(w), [2, 8, 8, 5], 2, "same"), // [2, 8, 8, 5]
  },
  {
    name: "conv2dTranspose stride 1 valid",
    shapes: [[2, 5, 5, 6], [3, 3, 4, 6]],
    f: ([x, w]) => tf.conv2dTranspose(t4(x), t4(w), [2, 7, 7, 4], 1, "valid"), // [2, 7, 7, 4]
  },
  {
    name: "batch norm (batch statistics, scale and offset)",
    shapes: [[4, 5, 5, 6], [6], [6]],
    f: ([x, gamma, beta]) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]); // [6], [6]
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5); // [4, 5, 5, 6]
    },
  },
  {
    name: "average pooling 2 × 2 stride 2",
    shapes: [[2, 8, 8, 3]],
    f: ([x]) => tf.avgPool(t4(x), 2, 2, "valid"), // [2, 4, 4, 3]
  },
  {
    // Batch 1: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad misplaces
    // every image after the first; batch > 1 is checked against plain sums.
    name: "nearest-neighbour upsampling × 2",
    shapes: [[1, 4, 4, 3]],
    f: ([x]) => tf.image.resizeNearestNeighbor(t4(x), [8, 8]), // [1, 8, 8, 3]
  },
];

/**
 * Convolution geometries for the pure-wasm kernels' own paths (sub-pixel
 * phases with unequal taps, phases with none, odd sizes, even kernels with
 * uneven "same" padding, channel counts that are not multiples of 4 or 8,
 * batches of several images), each run with every path forced.
 */
export const WASM_CONV_CASES: readonly GradientCase[] = [
  {
    name: "conv2d stride 2 same, odd 9 × 7 input, 3 channels",
    shapes: [[2, 9, 7, 3], [3, 3, 3, 8]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 2, "same"), // [2, 5, 4, 8]
  },
  {
    name: "conv2d stride 2 valid, 4 × 4 filter, 11 × 10 input",
    shapes: [[2, 11, 10, 8], [4, 4, 8, 16]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 2, "valid"), // [2, 4, 4, 16]
  },
  {
    name: "conv2d stride 1 same, 4 × 4 filter (uneven padding), 12 filters",
    shapes: [[3, 7, 6, 8], [4, 4, 8, 12]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 1, "same"), // [3, 7, 6, 12]
  },
  {
    name: "conv2d stride 3 valid, 2 × 2 filter (phases without taps)",
    shapes: [[2, 8, 8, 8], [2, 2, 8, 8]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), 3, "valid"), // [2, 3, 3, 8]
  },
  {
    name: "conv2d strides [2, 1] same, 5 channels, 7 filters",
    shapes: [[2, 8, 5, 5], [3, 3, 5, 7]],
    f: ([x, w]) => tf.conv2d(t4(x), t4(w), [2, 1], "same"), // [2, 4, 5, 7]
  },
  {
    name:
      "conv2dTranspose stride 2 same to 3 channels (a generator's last layer)",
    shapes: [[2, 4, 4, 16], [4, 4, 3, 16]],
    f: ([x, w]) => tf.conv2dTranspose(t4(x), t4(w), [2, 8, 8, 3], 2, "same"), // [2, 8, 8, 3]
  },
  {
    name:
      "conv2dTranspose stride 2 same, 3 × 3 filter, 16 channels, odd 7 × 7 output",
    shapes: [[3, 4, 4, 8], [3, 3, 16, 8]],
    f: ([x, w]) => tf.conv2dTranspose(t4(x), t4(w), [3, 7, 7, 16], 2, "same"), // [3, 7, 7, 16]
  },
];

/** Inputs, output weights and the gradients of `sum(f(inputs) · r)`. */
export interface GradientResult {
  readonly value: Float32Array;
  readonly grads: Float32Array[];
}

/**
 * Differentiates `sum(f(inputs) · r)` on the active backend, `r` being a
 * fixed random tensor so every output element gets a distinct weight.
 *
 * @param c The case.
 * @param seed Seeds inputs and `r` (the same on every backend).
 */
export function gradients(c: GradientCase, seed: number): GradientResult {
  const rng = new Rng(seed);
  const values = c.shapes.map((s) => rng.normal(s.reduce((p, d) => p * d, 1)));
  return tf.tidy(() => {
    const inputs = c.shapes.map((s, i) => tf.tensor(values[i], s));
    const probe = c.f(inputs);
    const r = tf.tensor(rng.normal(probe.size), probe.shape);
    const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(c.f(xs), r));
    const grads = tf.grads(loss)(inputs);
    return {
      value: probe.dataSync() as Float32Array,
      grads: grads.map((g) => g.dataSync() as Float32Array),
    };
  });
}

/**
 * The largest elementwise error of `actual` against `expected`, relative to
 * `max(|expected_i|, 1e-3 · max_j |expected_j|)`: a relative error that does
 * not blow up on the few elements that float32 rounding leaves near zero.
 */
export function relativeError(
  actual: Float32Array,
  expected: Float32Array,
): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 0;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  const floor = Math.max(1e-3 * scale, 1e-12);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) /
      Math.max(Math.abs(expected[i]), floor);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}
