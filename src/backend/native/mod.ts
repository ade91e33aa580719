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
export {
  type DnnlConvOp,
  type DnnlConvOperands,
  type DnnlConvShape,
  type DnnlLayout,
  loadOneDnn,
  type OneDnnConv,
  type OneDnnProbe,
} from "./onednn.ts";
