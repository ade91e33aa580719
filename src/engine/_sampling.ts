/**
 * Drawing batches: real data, latent codes and generated samples, all from
 * the run's seeded streams.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { CompiledExperiment } from "../compiler/types.ts";
import type { DataSource } from "../data/types.ts";
import type { Rng } from "../random.ts";

/**
 * Draws a real batch.
 *
 * @returns `[n, ...data.shape]`.
 */
export function realBatch(data: DataSource, rng: Rng, n: number): tf.Tensor {
  const values = data.sample(rng, n);
  const size = data.shape.reduce((a, b) => a * b, 1);
  if (values.length !== n * size) {
    throw new TypeError(
      `Cannot draw a batch of ${n} from ${data.name}: sample() returned ${values.length} values, expected ${n} × ${size} = ${
        n * size
      } for shape [${data.shape.join(", ")}]`,
    );
  }
  return tf.tensor(values, [n, ...data.shape]); // [n, ...shape]
}

/**
 * Draws latent codes z ~ N(0, I).
 *
 * @returns `[n, latentDim]`.
 */
export function latentBatch(
  rng: Rng,
  n: number,
  latentDim: number,
): tf.Tensor2D {
  return tf.tensor2d(rng.normal(n * latentDim), [n, latentDim]); // [n, latentDim]
}

/**
 * Generates a batch with the generator's current weights.
 *
 * @returns `[n, ...shape]`, owned by the caller.
 */
export function generate(
  compiled: CompiledExperiment,
  rng: Rng,
  n: number,
  training: boolean,
): tf.Tensor {
  const z = latentBatch(rng, n, compiled.latentDim); // [n, latentDim]
  const fake = tf.tidy(() => compiled.generator.apply(z, { training })); // [n, ...shape]
  z.dispose();
  return fake;
}

/**
 * Runs `fn` with the generator's weights temporarily replaced by `weights`
 * (the EMA copy), then restores them exactly.
 */
export async function withGeneratorWeights<T>(
  compiled: CompiledExperiment,
  weights: readonly tf.Variable[] | null,
  fn: () => Promise<T>,
): Promise<T> {
  if (weights === null) return await fn();
  const variables = compiled.generator.variables;
  const saved = variables.map((w) => tf.clone(w));
  variables.forEach((w, i) => w.assign(weights[i]));
  try {
    return await fn();
  } finally {
    variables.forEach((w, i) => w.assign(saved[i]));
    for (const s of saved) s.dispose();
  }
}
