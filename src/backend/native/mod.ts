/**
 * Native libraries relgan calls through Deno's FFI.
 *
 * @module
 */

export {
  coreTypeForCpu,
  loadOpenBlas,
  type LoadOpenBlasOptions,
  type OpenBlas,
  type OpenBlasProbe,
} from "./openblas.ts";
