/**
 * The classifier's layers as functions of explicit weights, with gradients
 * written out so that they run on every backend: tfjs-backend-wasm 4.22 has
 * no `Conv2DBackpropFilter`, and its transposed-operand matMul is slow, so
 * the filter gradient is itself a forward convolution (batch and channel
 * axes swapped) and every matrix transpose is explicit.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/**
 * A 3 × 3 convolution, stride 1, "same" zero padding, plus bias:
 * `y[n, i, j, o] = b[o] + Σ_{dy, dx, c} x[n, i+dy−1, j+dx−1, c] · k[dy, dx, c, o]`.
 *
 * Gradients: `∂x` is the same convolution of `∂y` with the filter rotated by
 * 180° and its channel axes swapped; `∂k[dy, dx, c, o] = Σ_{n, i, j}
 * xpad[n, i+dy, j+dx, c] · ∂y[n, i, j, o]`, a "valid" convolution of the
 * padded input laid out `[c, h+2, w+2, n]` with `∂y` laid out
 * `[h, w, n, o]`.
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
          // Rotate 180° and swap in/out: [3, 3, cout, cin].
          const flipped = tf.transpose(tf.reverse(ks, [0, 1]), [
            0,
            1,
            3,
            2,
          ]) as tf.Tensor4D;
          const dx = tf.conv2d(dy, flipped, 1, "same"); // [n, h, w, cin]
          const padded = tf.pad(xs, [[0, 0], [1, 1], [1, 1], [0, 0]]); // [n, h+2, w+2, cin]
          const xt = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [cin, h+2, w+2, n]
          const gt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [h, w, n, cout]
          const dkT = tf.conv2d(xt, gt, 1, "valid"); // [cin, 3, 3, cout]
          const dk = tf.transpose(dkT, [1, 2, 0, 3]); // [3, 3, cin, cout]
          const db = tf.sum(dy, [0, 1, 2]); // [cout]
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
