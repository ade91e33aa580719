import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { type BackendName, useBackend } from "../../src/backend/mod.ts";
import { Rng } from "../../src/random.ts";
import { compile } from "../../src/compiler/mod.ts";
import { type ExperimentDecl, loadExperimentFile } from "../../src/dsl/mod.ts";
import {
  disposeTrainState,
  initTrainState,
  trainStep,
} from "../../src/engine/mod.ts";

/** Initial weights and data of a small conv net, drawn once in JavaScript. */
function problem() {
  const rng = new Rng(11);
  return {
    x: rng.normal(4 * 8 * 8 * 3), // [4, 8, 8, 3]
    y: rng.normal(4), // [4]
    w1: rng.normal(3 * 3 * 3 * 8, 0, 0.3), // [3, 3, 3, 8], stride 2
    w2: rng.normal(3 * 3 * 8 * 8, 0, 0.2), // [3, 3, 8, 8], stride 1
    w3: rng.normal(8, 0, 0.5), // [8, 1]
  };
}

/** Trains the net for a few SGD steps on one backend; returns the losses. */
async function trainOn(backend: BackendName, steps: number): Promise<number[]> {
  await useBackend(backend);
  const p = problem();
  const x = tf.tensor4d(p.x, [4, 8, 8, 3]);
  const y = tf.tensor1d(p.y);
  const w1 = tf.variable(tf.tensor4d(p.w1, [3, 3, 3, 8]));
  const w2 = tf.variable(tf.tensor4d(p.w2, [3, 3, 8, 8]));
  const w3 = tf.variable(tf.tensor2d(p.w3, [8, 1]));
  const optimizer = tf.train.sgd(0.05);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() => {
      const h1 = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 2, "same")); // [4, 4, 4, 8]
      const h2 = tf.relu(tf.conv2d(h1, w2 as tf.Tensor4D, 1, "valid")); // [4, 2, 2, 8]
      const pooled = tf.mean(h2, [1, 2]); // [4, 8]
      const out = tf.reshape(tf.matMul(pooled, w3), [4]); // [4]
      return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    }, true)!;
    losses.push((await loss.data())[0]); // device sync: one per step
    loss.dispose();
  }
  tf.dispose([x, y, w1, w2, w3]);
  optimizer.dispose();
  return losses;
}

Deno.test("a conv net trains to the same losses on webgpu and wasm", async () => {
  const steps = 6;
  const wasm = await trainOn("wasm", steps);
  const webgpu = await trainOn("webgpu", steps);
  await useBackend("cpu");
  // Float32 sums in a different order on each backend: agreement to 1e-4
  // relative is expected, and the losses must actually change (it trains).
  for (let i = 0; i < steps; i++) {
    const rel = Math.abs(webgpu[i] - wasm[i]) / Math.abs(wasm[i]);
    assert.ok(rel < 1e-4, `step ${i}: webgpu ${webgpu[i]} vs wasm ${wasm[i]}`);
  }
  assert.ok(wasm[steps - 1] < wasm[0], `loss did not fall: ${wasm}`);
});

Deno.test("webgpu's AddN sums more inputs than a shader can bind", async () => {
  await useBackend("webgpu");
  // 12 inputs exceed the default 8 storage buffers; tfjs 4.22 alone gives 28.
  const xs = Array.from({ length: 12 }, (_, i) => tf.fill([3], i + 1));
  const sum = tf.addN(xs);
  const values = Array.from(await sum.data());
  tf.dispose([...xs, sum]);
  await useBackend("cpu");
  assert.deepEqual(values, [78, 78, 78]); // 1 + 2 + … + 12
});

Deno.test("a compiled Relation GAN's first step gives the same losses on webgpu and cpu", async () => {
  const losses: Record<string, Record<string, number>> = {};
  for (const backend of ["cpu", "webgpu"] as const) {
    await useBackend(backend);
    const file = await loadExperimentFile(
      new URL("../../experiments/tiny.yaml", import.meta.url).pathname,
    );
    const compiled = await compile(file.declaration as ExperimentDecl);
    const state = initTrainState(compiled);
    const result = await trainStep(compiled, state);
    losses[backend] = result.losses;
    disposeTrainState(result.state);
    compiled.dispose();
  }
  await useBackend("cpu");
  const names = Object.keys(losses.cpu);
  assert.ok(names.length >= 6, `terms: ${names}`);
  for (const name of names) {
    const [a, b] = [losses.cpu[name], losses.webgpu[name]];
    // The generator's terms follow one Adam step of the discriminator,
    // which moves each weight by about ±lr·sign(g): round-off in a
    // near-zero gradient can flip a 1e-3 step, hence 1e-3 relative to
    // max(|a|, 0.01); the discriminator's terms agree far closer.
    assert.ok(
      Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), 0.01),
      `${name}: cpu ${a}, webgpu ${b}`,
    );
  }
});
