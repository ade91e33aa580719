/**
 * Child process of `threads_test.ts`: starts the wasm backend through
 * `useBackend` (so `RELGAN_WASM_THREADS` decides its threads), runs a small
 * conv net forward and backward on seeded inputs, and writes the loss and
 * every gradient, as float32, to the file named by its argument; prints
 * the backend line and the live-tensor counts as one JSON line.
 *
 * Usage: `deno run -A test/backend/threads_probe.ts OUT.bin [wasm|auto]`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { formatBackendLine, useBackend } from "../../src/backend/mod.ts";
import { Rng } from "../../src/random.ts";

const [out, choice = "wasm"] = Deno.args;
const info = await useBackend(choice === "auto" ? "auto" : "wasm");
const rng = new Rng(7);
const tensor = (shape: number[], scale: number) =>
  tf.tensor(
    Array.from(rng.normal(shape.reduce((a, b) => a * b, 1)), (v) => v * scale),
    shape,
    "float32",
  );

// A DCGAN-style critic: two 4 × 4 stride-2 convs, leaky ReLU, a dense head.
const x = tensor([8, 16, 16, 3], 1) as tf.Tensor4D; // [batch, h, w, c]
const w1 = tensor([4, 4, 3, 16], 0.2) as tf.Tensor4D;
const w2 = tensor([4, 4, 16, 32], 0.1) as tf.Tensor4D;
const head = tensor([4 * 4 * 32, 1], 0.05) as tf.Tensor2D;
const before = tf.memory().numTensors;
const critic = (input: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
  tf.tidy(() => {
    const h1 = tf.leakyRelu(
      tf.conv2d(input as tf.Tensor4D, a as tf.Tensor4D, 2, "same"),
      0.2,
    ); // [8, 8, 8, 16]
    const h2 = tf.leakyRelu(tf.conv2d(h1, b as tf.Tensor4D, 2, "same"), 0.2); // [8, 4, 4, 32]
    const score = tf.matMul(tf.reshape(h2, [8, 4 * 4 * 32]), c as tf.Tensor2D); // [8, 1]
    return tf.mean(tf.square(score));
  });
const { value, grads } = tf.valueAndGrads(critic)([x, w1, w2, head]);
const parts = [value, ...grads].map((t) => t.dataSync() as Float32Array);
tf.dispose([value, ...grads]);
const after = tf.memory().numTensors;

const total = parts.reduce((n, p) => n + p.length, 0);
const flat = new Float32Array(total);
let at = 0;
for (const part of parts) {
  flat.set(part, at);
  at += part.length;
}
await Deno.writeFile(out, new Uint8Array(flat.buffer));
console.log(JSON.stringify({
  line: formatBackendLine(info),
  threads: getThreadsCount(),
  sizes: parts.map((p) => p.length),
  before,
  after,
}));
