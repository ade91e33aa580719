/**
 * A corrected `ResizeNearestNeighborGrad` for the `cpu` backend.
 *
 * tfjs-backend-cpu 4.22 reads the output gradient of image `b` at image
 * `b`'s offset into the *input* (its batch stride), so every image after
 * the first gets another image's gradient, and it ignores
 * `halfPixelCenters`. This kernel takes the forward mapping from the cpu
 * backend's own `ResizeNearestNeighbor` (resizing a map of pixel indices),
 * then adds each output pixel's gradient to the input pixel it copied:
 * `dx[b, src(p), c] += dy[b, p, c]`, the exact adjoint of the forward.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

interface CpuBackend extends tf.KernelBackend {
  readonly data: { get(dataId: tf.DataId): { values: ArrayLike<number> } };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: Float32Array,
  ): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

let forward: tf.KernelFunc | undefined;

function resizeNearestNeighborGrad(
  { inputs, backend, attrs }: {
    inputs: tf.NamedTensorInfoMap;
    backend: CpuBackend;
    attrs?: tf.NamedAttrMap;
  },
): tf.TensorInfo {
  const images = inputs.images as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const [batch, h, w, depth] = images.shape;
  const [, oh, ow] = dy.shape;
  const index = Float32Array.from({ length: h * w }, (_, i) => i);
  const map = backend.makeTensorInfo([1, h, w, 1], "float32", index);
  const mapped = forward!({
    inputs: { images: map },
    backend,
    attrs: { ...attrs, size: [oh, ow] },
  }) as tf.TensorInfo; // [1, oh, ow, 1]: the input pixel each output pixel copies
  const source = backend.data.get(mapped.dataId).values;
  const g = backend.data.get(dy.dataId).values;
  const dx = new Float32Array(batch * h * w * depth);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < oh * ow; p++) {
      const to = (b * h * w + source[p]) * depth;
      const from = (b * oh * ow + p) * depth;
      for (let c = 0; c < depth; c++) dx[to + c] += g[from + c];
    }
  }
  backend.disposeData(map.dataId);
  backend.disposeData(mapped.dataId);
  return backend.makeTensorInfo(images.shape, "float32", dx);
}

/** Replaces the cpu backend's `ResizeNearestNeighborGrad` (idempotent). */
export function installCpuKernels(): void {
  forward ??= tf.getKernel("ResizeNearestNeighbor", "cpu")?.kernelFunc;
  if (forward === undefined) return;
  if (tf.getKernel("ResizeNearestNeighborGrad", "cpu") !== undefined) {
    tf.unregisterKernel("ResizeNearestNeighborGrad", "cpu");
  }
  tf.registerKernel({
    kernelName: "ResizeNearestNeighborGrad",
    backendName: "cpu",
    kernelFunc: resizeNearestNeighborGrad as unknown as tf.KernelFunc,
  });
}
