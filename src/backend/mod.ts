/**
 * Backends: choosing, starting and describing the TensorFlow.js backend a
 * run computes on.
 *
 * @module
 */

export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  BackendUnavailableError,
  formatBackendLine,
  onBackendStart,
  parseBackendChoice,
  useBackend,
} from "./select.ts";
