/**
 * relgan's kernels for the wasm backend: pure-wasm convolution gradients
 * and transposed products, and native (OpenBLAS) convolutions and matrix
 * products through Deno's FFI.
 *
 * @module
 */

export {
  installKernels,
  type KernelHookContext,
  type KernelMode,
  kernelModeFor,
  type KernelModeOptions,
  type KernelStatus,
  setKernelMode,
} from "./install_kernels.ts";
