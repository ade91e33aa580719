/**
 * Backends: choosing, starting and describing the TensorFlow.js backend a
 * run computes on.
 *
 * @module
 */

import { installKernels } from "./kernels/mod.ts";

export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type BackendStartContext,
  type BackendStartHook,
  BackendUnavailableError,
  formatBackendLine,
  onBackendStart,
  parseBackendChoice,
  useBackend,
} from "./select.ts";
export {
  type KernelMode,
  type KernelStatus,
  setKernelMode,
} from "./kernels/mod.ts";

// relgan's wasm kernels (and native ones where OpenBLAS loads) go on every
// wasm start; see src/backend/kernels/install_kernels.ts for the rule.
installKernels();
