import * as tf from "@tensorflow/tfjs-core";
import "../../src/backend/mod.ts";
import { conv3x3, dense } from "../../src/classifier/_layers.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";

await tf.setBackend("cpu");

Deno.test("conv3x3 matches tf.conv2d + bias and its autodiff gradients on cpu", async () => {
  const x = tf.randomNormal([2, 5, 6, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const k = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 2) as tf.Tensor4D;
  const b = tf.randomNormal([4], 0, 1, "float32", 3) as tf.Tensor1D;
  const r = tf.randomNormal([2, 5, 6, 4], 0, 1, "float32", 4);
  const ours = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(
      tf.mul(
        conv3x3(xx as tf.Tensor4D, kk as tf.Tensor4D, bb as tf.Tensor1D),
        r,
      ),
    );
  const reference = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(
      tf.mul(
        tf.add(tf.conv2d(xx as tf.Tensor4D, kk as tf.Tensor4D, 1, "same"), bb),
        r,
      ),
    );
  const got = tf.grads(ours)([x, k, b]);
  const want = tf.grads(reference)([x, k, b]);
  for (let i = 0; i < 3; i++) {
    assertClose(
      await got[i].data(),
      await want[i].data(),
      1e-4,
      `gradient ${i}`,
    );
  }
  await assertNoLeak(
    "conv3x3 gradients",
    () => tf.dispose(tf.grads(ours)([x, k, b])),
  );
  tf.dispose([x, k, b, r, ...got, ...want]);
});

Deno.test("dense matches x·W + b and its autodiff gradients", async () => {
  const x = tf.randomNormal([3, 5], 0, 1, "float32", 5) as tf.Tensor2D;
  const w = tf.randomNormal([5, 2], 0, 1, "float32", 6) as tf.Tensor2D;
  const b = tf.randomNormal([2], 0, 1, "float32", 7) as tf.Tensor1D;
  const r = tf.randomNormal([3, 2], 0, 1, "float32", 8);
  const ours = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(
      tf.mul(dense(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), r),
    );
  const reference = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(
      tf.mul(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb), r),
    );
  const got = tf.grads(ours)([x, w, b]);
  const want = tf.grads(reference)([x, w, b]);
  for (let i = 0; i < 3; i++) {
    assertClose(
      await got[i].data(),
      await want[i].data(),
      1e-5,
      `gradient ${i}`,
    );
  }
  await assertNoLeak(
    "dense gradients",
    () => tf.dispose(tf.grads(ours)([x, w, b])),
  );
  tf.dispose([x, w, b, r, ...got, ...want]);
});
