/**
 * `Identity` on the wasm backend without a copy.
 *
 * TensorFlow.js clones every tensor it saves for a backward pass through
 * the `Identity` kernel; tfjs-backend-wasm 4.22 copies the data each time
 * (47 copies of a 16 MiB activation in one DCGAN relation step), while the
 * cpu backend shares it. Kernels never write into their inputs, so sharing
 * is safe; relgan's `Identity` adds a reference to the same data, as the
 * wasm backend's own `Reshape` does.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import { callOriginal, type WasmKernelFunc } from "./_wasm.ts";

/** `Identity` as a new reference to the input's data. */
export const identity: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype === "string") {
    return callOriginal("Identity", backend, inputs, attrs);
  }
  (backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};
