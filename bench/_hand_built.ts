/**
 * Steps built by hand from tfjs ops, mirroring bench/torch/bench.py layer
 * for layer: issue 10's DCGAN-style discriminator (three 4×4 stride-2 convs
 * with 64, 128, 256 filters, leaky ReLU 0.2, dense head) and the DSL's
 * DCGAN 32 px generator, trained with Adam (lr 2e-4, β 0.5, 0.999, ε 1e-8)
 * on the vanilla (non-saturating) loss at batch 64.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../src/random.ts";

function weight(rng: Rng, shape: number[]): tf.Variable {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.variable(tf.tensor(rng.normal(size, 0, 0.02), shape));
}

function zeros(shape: number[]): tf.Variable {
  return tf.variable(tf.zeros(shape));
}

/** A training step to time, and how to free it. */
export interface HandBuiltStep {
  readonly step: () => void;
  readonly dispose: () => void;
}

interface Discriminator {
  readonly vars: tf.Variable[];
  readonly apply: (x: tf.Tensor4D) => tf.Tensor;
}

function discriminator(rng: Rng): Discriminator {
  const chans = [3, 64, 128, 256];
  const ws = [1, 2, 3].map((i) => weight(rng, [4, 4, chans[i - 1], chans[i]]));
  const bs = [1, 2, 3].map((i) => zeros([chans[i]]));
  const head = weight(rng, [256 * 4 * 4, 1]);
  const headB = zeros([1]);
  return {
    vars: [...ws, ...bs, head, headB],
    apply: (x) => {
      let h: tf.Tensor4D = x; // [64, 32, 32, 3]
      for (let i = 0; i < 3; i++) {
        h = tf.leakyRelu(
          tf.add(tf.conv2d(h, ws[i] as tf.Tensor4D, 2, "same"), bs[i]),
          0.2,
        );
      } // [64, 4, 4, 256]
      return tf.add(tf.matMul(tf.reshape(h, [-1, 4096]), head), headB); // [64, 1]
    },
  };
}

function adam(): tf.AdamOptimizer {
  return tf.train.adam(2e-4, 0.5, 0.999, 1e-8);
}

/** One Adam step of issue 10's discriminator on a fixed `[64, 32, 32, 3]` batch. */
export function discriminatorStep(seed: number): HandBuiltStep {
  const rng = new Rng(seed);
  const d = discriminator(rng);
  const opt = adam();
  const x = tf.tensor4d(rng.normal(64 * 32 * 32 * 3), [64, 32, 32, 3]);
  return {
    step: () => {
      opt.minimize(
        () => tf.mean(tf.softplus(tf.neg(d.apply(x)))) as tf.Scalar,
        false,
        d.vars,
      );
    },
    dispose: () => {
      opt.dispose();
      x.dispose();
      d.vars.forEach((v) => v.dispose());
    },
  };
}

/** One GAN step: a discriminator update on real and generated batches, then a generator update (DSL DCGAN 32 px generator). */
export function ganStep(seed: number): HandBuiltStep {
  const rng = new Rng(seed);
  const d = discriminator(rng);
  const chans = [512, 256, 128, 64];
  const dense = weight(rng, [128, 4 * 4 * 512]);
  const denseB = zeros([4 * 4 * 512]);
  const ups = [0, 1, 2].map((i) => weight(rng, [4, 4, chans[i + 1], chans[i]]));
  const upsB = [0, 1, 2].map((i) => zeros([chans[i + 1]]));
  const gammas = chans.map((c) => tf.variable(tf.ones([c])));
  const betas = chans.map((c) => zeros([c]));
  const out = weight(rng, [3, 3, 64, 3]);
  const outB = zeros([3]);
  const gVars = [
    dense,
    denseB,
    ...ups,
    ...upsB,
    ...gammas,
    ...betas,
    out,
    outB,
  ];
  const bn = (h: tf.Tensor4D, i: number) => {
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    return tf.relu(
      tf.batchNorm(h, mean, variance, betas[i], gammas[i], 1e-3),
    ) as tf.Tensor4D;
  };
  const generate = (z: tf.Tensor2D) => {
    let h = tf.reshape(tf.add(tf.matMul(z, dense), denseB), [
      -1,
      4,
      4,
      512,
    ]) as tf.Tensor4D;
    h = bn(h, 0); // [64, 4, 4, 512]
    for (let i = 0; i < 3; i++) {
      const side = 8 * 2 ** i;
      h = tf.add(
        tf.conv2dTranspose(
          h,
          ups[i] as tf.Tensor4D,
          [64, side, side, chans[i + 1]],
          2,
          "same",
        ),
        upsB[i],
      );
      h = bn(h, i + 1); // [64, side, side, chans[i + 1]]
    }
    return tf.tanh(
      tf.add(tf.conv2d(h, out as tf.Tensor4D, 1, "same"), outB),
    ) as tf.Tensor4D; // [64, 32, 32, 3]
  };
  const optD = adam();
  const optG = adam();
  const x = tf.tensor4d(rng.normal(64 * 32 * 32 * 3), [64, 32, 32, 3]);
  const z = tf.tensor2d(rng.normal(64 * 128), [64, 128]);
  return {
    step: () => {
      optD.minimize(
        () => {
          const fake = generate(z); // gradients reach only d.vars
          return tf.add(
            tf.mean(tf.softplus(tf.neg(d.apply(x)))),
            tf.mean(tf.softplus(d.apply(fake))),
          ) as tf.Scalar;
        },
        false,
        d.vars,
      );
      optG.minimize(
        () => tf.mean(tf.softplus(tf.neg(d.apply(generate(z))))) as tf.Scalar,
        false,
        gVars,
      );
    },
    dispose: () => {
      optD.dispose();
      optG.dispose();
      x.dispose();
      z.dispose();
      [...d.vars, ...gVars].forEach((v) => v.dispose());
    },
  };
}
