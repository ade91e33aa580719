import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { prepareImages } from "../../src/metrics/prepare_images.ts";
import { extractFeatures } from "../../src/metrics/extract_features.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";
import { poolingNetwork } from "./_stand_ins.ts";

await tf.setBackend("cpu");

Deno.test("prepareImages resizes bilinearly with half-pixel centres and maps [-1, 1] to the input range", async () => {
  // A 1 × 2 row [a, b] resized to 1 × 4: output x samples source
  // (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped to [0, 1]:
  // a, 0.75a + 0.25b, 0.25a + 0.75b, b.
  const [a, b] = [-1, 0.6];
  const x = tf.tensor4d([a, b], [1, 1, 2, 1]);
  const y = await assertNoLeak("prepareImages", () => {
    const out = prepareImages(x, {
      inputSize: [1, 4, 1],
      inputRange: [0, 255],
    });
    const data = out.dataSync();
    out.dispose();
    return data;
  });
  const toRange = (v: number) => ((v + 1) / 2) * 255;
  assertClose(
    y,
    [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b].map(toRange),
    1e-5,
    "resized",
  );
  x.dispose();
});

Deno.test("prepareImages averages three channels for a one-channel network", () => {
  const x = tf.tensor4d([0.3, -0.6, 0.9], [1, 1, 1, 3]);
  const y = prepareImages(x, { inputSize: [1, 1, 1], inputRange: [-1, 1] });
  assertClose(y.dataSync(), [0.2], 1e-6, "mean"); // (0.3 − 0.6 + 0.9)/3
  tf.dispose([x, y]);
  const two = tf.zeros([1, 1, 1, 2]) as tf.Tensor4D;
  assert.throws(
    () => prepareImages(two, { inputSize: [1, 1, 3], inputRange: [0, 1] }),
    TypeError,
  );
  two.dispose();
});

Deno.test("extractFeatures checks the draw's length and the image rank", async () => {
  const net = poolingNetwork();
  await assert.rejects(
    extractFeatures(net, (n) => new Float32Array(n * 15), 2, [4, 4, 1]),
    (e: Error) =>
      e instanceof TypeError &&
      /returned 30 values, expected 32/.test(e.message),
  );
  await assert.rejects(
    extractFeatures(net, (n) => new Float32Array(n * 2), 2, [2]),
    TypeError,
  );
  await assert.rejects(
    extractFeatures(net, (n) => new Float32Array(n * 16), 0, [4, 4, 1]),
    RangeError,
  );
});
