/**
 * Registers TensorFlow.js's gradient functions and chained ops.
 *
 * tfjs-core registers neither by itself, and its unbundled ES modules use
 * extensionless imports that Deno cannot load; the union package's Node
 * bundle registers both when it loads, so relgan loads it once, here.
 *
 * One gradient is then replaced: tfjs's `LeakyRelu` gradient is
 * `where(x > 0, dy, α·dy)`, three passes over the tensor through kernels
 * that are slow on wasm (`Greater`, `Select`); relgan's is
 * `dy · step(x, α)` (`step(x, α)` = 1 where x > 0, else α), two fast passes
 * with bit-identical results. Its own gradient is the same as before: zero
 * through `step`, `step(x, α)` for `dy`.
 *
 * @module
 */

import "@tensorflow/tfjs";
import * as tf from "@tensorflow/tfjs-core";

tf.registerGradient({
  kernelName: tf.LeakyRelu,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const alpha = (attrs as { alpha?: number }).alpha ?? 0.2;
    return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
  },
});
