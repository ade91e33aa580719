/**
 * Repairs for tfjs-backend-webgpu 4.22.
 *
 * `AddN` binds every input as a storage buffer in one shader, and WebGPU
 * devices allow `maxStorageBuffersPerShaderStage` of them (8 by default,
 * one taken by the output). With more inputs the pipeline fails validation,
 * which voids the whole command buffer: every result submitted with it reads
 * back as zeros. tfjs's gradient code sums with `AddN` whenever a tensor
 * feeds several ops, and relgan sums weights with it, so the replacement
 * below adds in groups that fit the limit (concat already does this).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

let installed = false;

/** Replaces webgpu's `AddN` with one that respects the device's limit. Idempotent. */
export function installWebgpuFixes(): void {
  if (installed) return;
  const original = tf.getKernel("AddN", "webgpu");
  if (original === undefined) return;
  installed = true;
  tf.unregisterKernel("AddN", "webgpu");
  tf.registerKernel({
    kernelName: "AddN",
    backendName: "webgpu",
    kernelFunc: (args) => {
      const backend = args.backend as unknown as {
        device: GPUDevice;
        disposeData(dataId: unknown): void;
      };
      const limit = Math.max(
        2,
        backend.device.limits.maxStorageBuffersPerShaderStage - 1,
      );
      let inputs = args.inputs as unknown as tf.TensorInfo[];
      const partials: tf.TensorInfo[] = [];
      while (inputs.length > limit) {
        const next: tf.TensorInfo[] = [];
        for (let i = 0; i < inputs.length; i += limit) {
          const group = inputs.slice(i, i + limit);
          if (group.length === 1) {
            next.push(group[0]);
            continue;
          }
          const sum = original.kernelFunc({
            ...args,
            inputs: group as unknown as tf.NamedTensorInfoMap,
          }) as tf.TensorInfo;
          partials.push(sum);
          next.push(sum);
        }
        inputs = next;
      }
      const result = original.kernelFunc({
        ...args,
        inputs: inputs as unknown as tf.NamedTensorInfoMap,
      });
      for (const partial of partials) backend.disposeData(partial.dataId);
      return result;
    },
  });
}
