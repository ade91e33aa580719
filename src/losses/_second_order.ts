/**
 * Gradients that stay right when differentiated again.
 *
 * tfjs-core 4.22 gives the gradient functions of `Tanh`, `Sigmoid`, `Exp`
 * and `Elu` the op's saved *output*. The engine saves that output by an
 * identity op that it records on the tape before the op that produced the
 * output, so a gradient of a gradient does not see that the saved output
 * depends on the input: at w = 0.7, x = 1.3, d/dw of d/dx tanh(w·x) came out
 * as 0.480 where central differences give −0.150 (and 2.484 instead of
 * 4.745 for exp). WGAN-GP's penalty differentiates the
 * critic's input gradient, so {@linkcode ensureSecondOrderGradients}
 * re-registers these four gradients written on the saved *input* instead,
 * which the tape orders correctly, and registers the zero gradient of the
 * comparison ops that leakyRelu's gradient uses. First-order gradients are
 * the same functions as before.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** d tanh(x) = (1 − tanh²(x)) dx. */
const tanhGrad: tf.GradConfig = {
  kernelName: tf.Tanh,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return {
      x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x)))),
    };
  },
};

/** d σ(x) = σ(x)(1 − σ(x)) dx. */
const sigmoidGrad: tf.GradConfig = {
  kernelName: tf.Sigmoid,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return {
      x: () => {
        const y = tf.sigmoid(x);
        return tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y)));
      },
    };
  },
};

/** d eˣ = eˣ dx. */
const expGrad: tf.GradConfig = {
  kernelName: tf.Exp,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
  },
};

/** d elu(x) = dx for x > 0, eˣ dx otherwise. */
const eluGrad: tf.GradConfig = {
  kernelName: tf.Elu,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return {
      x: () =>
        tf.where(
          tf.greater(x, 0),
          dy as tf.Tensor,
          tf.mul(dy as tf.Tensor, tf.exp(tf.minimum(x, 0))),
        ),
    };
  },
};

/**
 * Comparisons are piecewise constant, so their gradient is zero; tfjs
 * registers none for `Greater`, `Less`, `LessEqual`, `Equal` and
 * `NotEqual`, and the gradients of leakyRelu, prelu and selu compare their
 * input with `greater`, so differentiating those gradients again throws
 * "gradient function not found for Greater" without these.
 */
function zeroGradient(kernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["a", "b"],
    gradFunc: (_dy, saved) => {
      const [a, b] = saved;
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  };
}

const CONFIGS: readonly tf.GradConfig[] = [
  tanhGrad,
  sigmoidGrad,
  expGrad,
  eluGrad,
  ...[tf.Greater, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual].map(
    zeroGradient,
  ),
];

/**
 * Makes the registered gradients of `Tanh`, `Sigmoid`, `Exp` and `Elu`
 * the input-based ones above, and gives the comparisons their zero
 * gradient, unless the registry already holds these. Cheap to call on every
 * use: it compares nine registry entries.
 */
export function ensureSecondOrderGradients(): void {
  for (const config of CONFIGS) {
    if (tf.getGradient(config.kernelName)?.gradFunc !== config.gradFunc) {
      tf.registerGradient(config);
    }
  }
}
