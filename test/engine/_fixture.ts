/**
 * A tiny hand-built CompiledExperiment for the engine's tests: two small
 * MLPs over tf.Variables, a 2-D Gaussian data source, and losses written
 * here (not the losses lane's), so the engine is tested on its own.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type {
  CompiledExperiment,
  CompiledNetwork,
  CompiledPairNetwork,
  TrainingPlan,
} from "../../src/compiler/types.ts";
import type { DataSource } from "../../src/data/types.ts";
import type { GanLoss, LossValue } from "../../src/losses/types.ts";
import type { Evaluator } from "../../src/metrics/types.ts";
import { Rng } from "../../src/random.ts";

/** Options of {@linkcode tinyExperiment}. */
export interface TinyOptions {
  readonly loss?: "pair" | "single";
  readonly plan?: Partial<TrainingPlan>;
  readonly hidden?: number;
  readonly evaluators?: readonly Evaluator[];
  /** Train on 4 × 4 grey images in [-1, 1] instead of 2-D points. */
  readonly images?: boolean;
}

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

let builds = 0;

function dense(rng: Rng, path: string, i: number, n: number, m: number): Dense {
  const scale = Math.sqrt(2 / n);
  const values = rng.normal(n * m, 0, scale);
  return tf.tidy(() => ({
    w: tf.variable(tf.tensor2d(values, [n, m]), true, `${path}/dense${i}/w`),
    b: tf.variable(tf.zeros([m]), true, `${path}/dense${i}/b`),
  }));
}

/** x → relu(x W₁ + b₁) W₂ + b₂, `[n, in]` → `[n, out]`. */
function mlp(layers: Dense[], x: tf.Tensor): tf.Tensor2D {
  let h = x as tf.Tensor2D;
  layers.forEach((layer, i) => {
    h = tf.add(tf.matMul(h, layer.w), layer.b);
    if (i < layers.length - 1) h = tf.relu(h);
  });
  return h;
}

function flat(x: tf.Tensor, size: number): tf.Tensor2D {
  return tf.reshape(x, [-1, size]);
}

function variablesOf(layers: Dense[]): tf.Variable[] {
  return layers.flatMap((l) => [l.w, l.b]);
}

function countOf(vars: tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}

/** A 2-D Gaussian N((1, −1), 0.5² I). */
export const gaussianData: DataSource = {
  name: "2-D gaussian",
  shape: [2],
  size: Infinity,
  sample(rng: Rng, n: number): Float32Array {
    const out = rng.normal(2 * n, 0, 0.5);
    for (let i = 0; i < n; i++) {
      out[2 * i] += 1;
      out[2 * i + 1] -= 1;
    }
    return out;
  },
};

/** 4 × 4 grey images: a bright diagonal on a dark ground, with noise, in [-1, 1]. */
export const imageData: DataSource = {
  name: "4x4 diagonals",
  shape: [4, 4, 1],
  size: Infinity,
  sample(rng: Rng, n: number): Float32Array {
    const out = rng.normal(16 * n, 0, 0.1);
    for (let i = 0; i < 16 * n; i++) {
      const pixel = i % 16;
      const base = Math.floor(pixel / 4) === pixel % 4 ? 0.8 : -0.8;
      out[i] = Math.max(-1, Math.min(1, base + out[i]));
    }
    return out;
  },
};

/** `[n]` → `[n, 1, …, 1]` of the given rank, to scale each example. */
function column(t: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(t, [-1, ...new Array(rank - 1).fill(1)]);
}

/** Least squares: D → 1 on real, 0 on fake; G → 1 on fake. */
const singleLoss: GanLoss = {
  input: "single",
  kind: "test_lsgan",
  discriminator(critic, batch): LossValue {
    const real = tf.mean(tf.square(tf.sub(critic(batch.real), 1))) as tf.Scalar;
    const fake = tf.mean(tf.square(critic(batch.fake))) as tf.Scalar;
    // Uses the uniform draws so that their stream matters to the result.
    const mixed = tf.add(
      tf.mul(batch.real, column(batch.uniform, batch.real.rank)),
      tf.mul(batch.fake, column(tf.sub(1, batch.uniform), batch.real.rank)),
    );
    const penalty = tf.mul(
      0.01,
      tf.mean(tf.square(critic(mixed))),
    ) as tf.Scalar;
    return {
      total: tf.addN([real, fake, penalty]) as tf.Scalar,
      terms: { real, fake, penalty },
    };
  },
  generator(critic, batch): LossValue {
    const fake = tf.mean(tf.square(tf.sub(critic(batch.fake), 1))) as tf.Scalar;
    return { total: fake, terms: { fake } };
  },
};

/** A triplet-style pair loss with a constant margin of 1. */
const pairLoss: GanLoss = {
  input: "pair",
  kind: "test_relation",
  discriminator(critic, batch): LossValue {
    const asym = critic(batch.real, batch.fake); // [n]
    const realPair = tf.mean(
      tf.relu(tf.add(tf.sub(critic(batch.real, batch.real2), asym), 1)),
    ) as tf.Scalar;
    const fakePair = tf.mean(
      tf.relu(tf.add(tf.sub(critic(batch.fake, batch.fakePrev), asym), 1)),
    ) as tf.Scalar;
    return {
      total: tf.add(realPair, fakePair) as tf.Scalar,
      terms: { real_pair: realPair, fake_pair: fakePair },
    };
  },
  generator(critic, batch): LossValue {
    const asym = tf.mean(critic(batch.real, batch.fake)) as tf.Scalar;
    const sym = tf.mean(critic(batch.fake, batch.fakePrev)) as tf.Scalar;
    return {
      total: tf.sub(tf.mul(2, asym), sym) as tf.Scalar,
      terms: { asymmetric: asym, symmetric: sym },
    };
  },
};

/** The plan the tests start from. */
export function tinyPlan(overrides: Partial<TrainingPlan> = {}): TrainingPlan {
  const adam = { learningRate: 1e-3, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 };
  return {
    name: "tiny",
    seed: 7,
    iterations: 20,
    batchSize: 16,
    dSteps: 1,
    order: "discriminator-first",
    optim: { generator: adam, discriminator: adam },
    emaDecay: 0,
    logEvery: 5,
    sampleEvery: 0,
    sampleCount: 64,
    checkpointEvery: 0,
    evalEvery: 0,
    ...overrides,
  };
}

/**
 * Builds the tiny experiment. Weights are drawn from the plan seed's `init`
 * stream, so two builds with the same seed are identical.
 */
export function tinyExperiment(options: TinyOptions = {}): CompiledExperiment {
  const plan = tinyPlan(options.plan);
  const hidden = options.hidden ?? 8;
  const latentDim = 2;
  const rng = new Rng(plan.seed).fork("weights");
  const build = builds++; // variable names are unique in a process
  const data = options.images ? imageData : gaussianData;
  const size = data.shape.reduce((a, b) => a * b, 1);
  const gLayers = [
    dense(rng, `generator#${build}`, 0, latentDim, hidden),
    dense(rng, `generator#${build}`, 1, hidden, size),
  ];
  const gVars = variablesOf(gLayers);
  const generator: CompiledNetwork = {
    path: "generator",
    input: "single",
    inputShape: [latentDim],
    outputShape: data.shape,
    variables: gVars,
    state: [],
    paramCount: countOf(gVars),
    apply: (z) =>
      options.images
        ? tf.tidy(() =>
          tf.reshape(tf.tanh(mlp(gLayers, z)), [-1, ...data.shape])
        )
        : mlp(gLayers, z),
    dispose: () => gVars.forEach((v) => v.dispose()),
  };
  const pair = (options.loss ?? "pair") === "pair";
  const dLayers = [
    dense(rng, `discriminator#${build}`, 0, pair ? 2 * size : size, hidden),
    dense(rng, `discriminator#${build}`, 1, hidden, 1),
  ];
  const dVars = variablesOf(dLayers);
  const base = {
    path: "discriminator",
    inputShape: data.shape,
    variables: dVars,
    state: [],
    paramCount: countOf(dVars),
    dispose: () => dVars.forEach((v) => v.dispose()),
  };
  const discriminator: CompiledPairNetwork | CompiledNetwork = pair
    ? {
      ...base,
      input: "pair",
      apply: (a, b) =>
        tf.tidy(() =>
          tf.reshape(
            mlp(dLayers, tf.concat([flat(a, size), flat(b, size)], 1)),
            [-1],
          ) as tf.Tensor1D
        ),
    }
    : {
      ...base,
      input: "single",
      outputShape: [],
      apply: (x) =>
        tf.tidy(() => tf.reshape(mlp(dLayers, flat(x, size)), [-1])),
    };
  return {
    declaration: {
      kind: "experiment",
      name: plan.name,
      seed: plan.seed,
      loss: pair ? "test_relation" : "test_lsgan",
      hidden,
      images: options.images ?? false,
    },
    plan,
    latentDim,
    generator,
    discriminator,
    loss: pair ? pairLoss : singleLoss,
    data,
    evaluators: options.evaluators ?? [],
    dispose() {
      generator.dispose();
      discriminator.dispose();
    },
  };
}
