/**
 * The classifier's layers as functions of explicit weights, with gradients
 * written out so that they run on every backend: tfjs-backend-wasm 4.22 has
 * no `Conv2DBackpropFilter`, and its transposed-operand matMul is slow, so
 * the filter gradient is an im2col product and every transpose is explicit.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/**
 * The 3 × 3 neighbourhoods of every pixel, zero-padded ("same"), in the
 * order (dy, dx, channel) that matches a `[3, 3, cin, cout]` filter.
 *
 * @param x `[n, h, w, c]`.
 * @returns `[n·h·w, 9·c]`.
 */
function patches3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]); // [n, h+2, w+2, c]
  const taps: tf.Tensor[] = [];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      taps.push(tf.slice(padded, [0, dy, dx, 0], [n, h, w, c])); // [n, h, w, c]
    }
  }
  return tf.reshape(tf.concat(taps, 3), [n * h * w, 9 * c]); // [n·h·w, 9c]
}

/**
 * A 3 × 3 convolution, stride 1, "same" zero padding, plus bias:
 * `y[n, i, j, o] = b[o] + Σ_{dy, dx, c} x[n, i+dy−1, j+dx−1, c] · k[dy, dx, c, o]`.
 *
 * Gradients: `∂x` is the same convolution of `∂y` with the filter rotated by
 * 180° and its channel axes swapped; `∂k = patches(x)ᵀ · ∂y`.
 *
 * @param x `[n, h, w, cin]`.
 * @param kernel `[3, 3, cin, cout]`.
 * @param bias `[cout]`.
 * @returns `[n, h, w, cout]`.
 */
export function conv3x3(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
): tf.Tensor4D {
  const f = tf.customGrad(
    // deno-lint-ignore no-explicit-any
    (xi: any, ki: any, bi: any, save: any) => {
      save([xi, ki]);
      const y = tf.add(
        tf.conv2d(xi as tf.Tensor4D, ki, 1, "same"),
        bi,
      ) as tf.Tensor4D; // [n, h, w, cout]
      return {
        value: y,
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
          const [n, h, w, cin] = xs.shape;
          const cout = ks.shape[3];
          // Rotate 180° and swap in/out: [3, 3, cout, cin].
          const flipped = tf.transpose(tf.reverse(ks, [0, 1]), [
            0,
            1,
            3,
            2,
          ]) as tf.Tensor4D;
          const dx = tf.conv2d(dy, flipped, 1, "same"); // [n, h, w, cin]
          const dy2 = tf.reshape(dy, [n * h * w, cout]); // [n·h·w, cout]
          const dkT = tf.matMul(tf.transpose(dy2), patches3x3(xs)); // [cout, 9cin]
          const dk = tf.reshape(tf.transpose(dkT), [3, 3, cin, cout]); // [3, 3, cin, cout]
          const db = tf.sum(dy2, 0); // [cout]
          return [dx, dk, db];
        },
      };
    },
  );
  return f(x, kernel, bias) as tf.Tensor4D;
}

/**
 * A dense layer `y = x · W + b`, with gradients `∂x = ∂y · Wᵀ` and
 * `∂W = xᵀ · ∂y` computed with explicit transposes.
 *
 * @param x `[n, in]`.
 * @param weight `[in, out]`.
 * @param bias `[out]`.
 * @returns `[n, out]`.
 */
export function dense(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor2D {
  const f = tf.customGrad(
    // deno-lint-ignore no-explicit-any
    (xi: any, wi: any, bi: any, save: any) => {
      save([xi, wi]);
      return {
        value: tf.add(tf.matMul(xi, wi), bi) as tf.Tensor2D, // [n, out]
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
          const dx = tf.matMul(dy, tf.transpose(ws)); // [n, in]
          const dw = tf.matMul(tf.transpose(xs), dy); // [in, out]
          return [dx, dw, tf.sum(dy, 0)];
        },
      };
    },
  );
  return f(x, weight, bias) as tf.Tensor2D;
}
