/**
 * Internals shared by relgan's kernels for the wasm backend: typed-array
 * views of the wasm module's memory, scratch tensors, and calls into the
 * backend's own (XNNPACK) kernels.
 *
 * A view of wasm memory is only valid until the memory grows, and any
 * allocation may grow it; so every helper here takes a fresh view through
 * {@linkcode heap} after allocating, never one kept from before.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** What relgan reads of a tensor's record inside the wasm backend. */
interface WasmTensorRecord {
  readonly memoryOffset: number;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly id: number;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` that the kernels use. */
export interface WasmBackend extends tf.KernelBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: tf.DataId): WasmTensorRecord | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** The kernel function type of a wasm kernel, with its backend typed. */
export type WasmKernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackend;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

let cachedView: Float32Array<ArrayBufferLike> = new Float32Array(0);

/**
 * A float32 view of the whole wasm memory, re-taken when the memory grew.
 *
 * @param backend The wasm backend.
 * @returns A view whose index `i` is the float at byte `4 i`.
 */
export function heap(backend: WasmBackend): Float32Array<ArrayBufferLike> {
  const buffer = backend.wasm.HEAPU8.buffer;
  if (cachedView.buffer !== buffer) cachedView = new Float32Array(buffer);
  return cachedView;
}

/**
 * Where a float32 tensor's first element lies in {@linkcode heap}'s view.
 *
 * @param backend The wasm backend.
 * @param info The tensor.
 * @returns The float index (byte offset / 4).
 * @throws {TypeError} When the tensor is not float32 or not on this backend.
 */
export function offsetOf(backend: WasmBackend, info: tf.TensorInfo): number {
  const record = backend.dataIdMap.get(info.dataId);
  if (record === undefined) {
    throw new TypeError(
      `Cannot read tensor of shape [${info.shape}] in a relgan wasm kernel: it does not live on the wasm backend. Fix: create it after tf.setBackend("wasm")`,
    );
  }
  if (record.dtype !== "float32") {
    throw new TypeError(
      `Cannot run a relgan wasm kernel on a ${record.dtype} tensor of shape [${info.shape}]: only float32 is supported. Fix: tf.cast(x, "float32")`,
    );
  }
  return record.memoryOffset / 4;
}

/**
 * Allocates a float32 tensor on the wasm heap.
 *
 * @param backend The wasm backend.
 * @param shape Its shape.
 * @param zero Whether to clear it (fresh heap memory holds old values).
 * @returns The tensor; the caller returns or disposes it.
 */
export function allocate(
  backend: WasmBackend,
  shape: number[],
  zero = false,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  if (zero) {
    const size = tf.util.sizeFromShape(shape);
    const at = offsetOf(backend, out);
    heap(backend).fill(0, at, at + size);
  }
  return out;
}

/**
 * Disposes tensors a kernel made for itself.
 *
 * @param backend The wasm backend.
 * @param infos The scratch tensors.
 */
export function release(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** The same data seen under another shape, without copying (not owned). */
export function view(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** The backend's own kernels, captured before relgan replaced any. */
const originals = new Map<string, tf.KernelConfig>();

/**
 * Remembers the wasm backend's own kernel of a name, once, so relgan's
 * replacement can still call it.
 *
 * @param name A kernel name such as `BatchMatMul`.
 * @returns Its config, or `undefined` when wasm has none.
 */
export function original(name: string): tf.KernelConfig | undefined {
  if (!originals.has(name)) {
    const config = tf.getKernel(name, "wasm");
    if (config !== undefined) originals.set(name, config);
  }
  return originals.get(name);
}

/**
 * Runs the wasm backend's own kernel of a name.
 *
 * @param name The kernel name.
 * @param backend The wasm backend.
 * @param inputs Its inputs.
 * @param attrs Its attributes.
 * @returns Its single output.
 * @throws {TypeError} When wasm has no such kernel.
 */
export function callOriginal(
  name: string,
  backend: WasmBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = original(name);
  if (config === undefined) {
    throw new TypeError(
      `Cannot call the wasm backend's ${name} kernel: tfjs-backend-wasm 4.22 has none`,
    );
  }
  return config.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/**
 * Registers a kernel on `wasm`, replacing any registered one (unregistering
 * first, so tfjs does not warn). The backend's own setup function, if any,
 * is kept so a later start of the backend still initialises it.
 *
 * @param name The kernel name.
 * @param kernelFunc The replacement.
 */
export function replaceKernel(name: string, kernelFunc: WasmKernelFunc): void {
  const own = original(name);
  if (tf.getKernel(name, "wasm") !== undefined) {
    tf.unregisterKernel(name, "wasm");
  }
  tf.registerKernel({
    kernelName: name,
    backendName: "wasm",
    setupFunc: own?.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

/**
 * Puts the wasm backend's own kernel of a name back (or removes relgan's
 * where wasm has none).
 *
 * @param name The kernel name.
 */
export function restoreKernel(name: string): void {
  const own = original(name);
  if (tf.getKernel(name, "wasm") !== undefined) {
    tf.unregisterKernel(name, "wasm");
  }
  if (own !== undefined) tf.registerKernel(own);
}
