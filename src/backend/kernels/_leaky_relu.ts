/**
 * `LeakyRelu` on the wasm backend through XNNPACK's PReLU.
 *
 * tfjs-backend-wasm 4.22 computes `LeakyRelu` in a scalar loop whose
 * branch on the sign of each input mispredicts on real activations (about
 * 0.14 G elements/s here, against 1.1 for `Relu`), while its `Prelu` with
 * one slope per channel runs in XNNPACK's vector kernel (about 1.2 G/s).
 * `leakyRelu(x, α) = prelu(x, [α, …, α])` with one slope per entry of the
 * last axis: `x < 0 ? α·x : x` with the product in float32 (the cpu
 * backend rounds it from float64: at most one float32 rounding apart).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  callOriginal,
  heap,
  offsetOf,
  release,
  type WasmKernelFunc,
} from "./_wasm.ts";

/** Below this many elements the backend's own kernel is kept (the call overhead dominates). */
const SMALL = 4096;

/** `LeakyRelu` through XNNPACK's PReLU with a per-channel slope tensor. */
export const leakyRelu: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as tf.TensorInfo;
  const alpha = (attrs?.alpha as number | undefined) ?? 0.2;
  const size = tf.util.sizeFromShape(x.shape);
  if (x.dtype !== "float32" || x.shape.length < 2 || size < SMALL) {
    return callOriginal("LeakyRelu", backend, { x }, attrs);
  }
  const channels = x.shape[x.shape.length - 1];
  const slopes = allocate(backend, [channels]);
  const at = offsetOf(backend, slopes);
  heap(backend).fill(alpha, at, at + channels);
  const y = callOriginal("Prelu", backend, { x, alpha: slopes });
  release(backend, slopes);
  return y;
};
