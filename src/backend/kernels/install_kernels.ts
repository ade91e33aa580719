/**
 * Puts relgan's kernels on TensorFlow.js's wasm backend.
 *
 * Two modes:
 * - `wasm`: pure WebAssembly. Adds `Conv2DBackpropFilter` (missing in
 *   tfjs-backend-wasm 4.22, so no conv net could train), and reroutes the
 *   input gradient / transposed convolution and transposed matrix products
 *   to XNNPACK's fast untransposed matrix product.
 * - `native`: as `wasm`, plus convolutions (forward, both gradients,
 *   fused) in oneDNN and matrix products (plain and fused) in OpenBLAS,
 *   through Deno's FFI, on the tensors' wasm memory, on all cores. Without
 *   oneDNN the convolutions run in OpenBLAS (im2col and a matrix product);
 *   without OpenBLAS the matrix products stay in wasm; with neither it
 *   falls back to `wasm` and says why.
 *
 * When the backend starts: an explicit `--backend wasm` (a hook context
 * with `choice: "wasm"`) or `RELGAN_NATIVE=0` in the environment selects
 * `wasm`; otherwise `native`.
 *
 * @module
 */

import { type BackendName, onBackendStart } from "../select.ts";
import { readEnv } from "../_env.ts";
import { installWasmKernels, WASM_KERNELS } from "./_wasm_kernels.ts";
import {
  original,
  replaceKernel,
  restoreKernel,
  type WasmKernelFunc,
} from "./_wasm.ts";
import { installCpuKernels } from "./_cpu_kernels.ts";
import { identity } from "./_identity.ts";
import { leakyRelu } from "./_leaky_relu.ts";
import { reduceKernels } from "./_reduce.ts";
import { nativeKernels } from "../native/_native_kernels.ts";
import { loadOpenBlas, type OpenBlas } from "../native/openblas.ts";
import { loadOneDnn, type OneDnnConv } from "../native/onednn.ts";
import { oneDnnKernels } from "../native/_onednn_kernels.ts";

/** Which of relgan's kernel sets the wasm backend runs. */
export type KernelMode = "wasm" | "native";

/** What {@linkcode setKernelMode} installed. */
export interface KernelStatus {
  /** The mode asked for. */
  readonly requested: KernelMode;
  /** The mode in effect (`wasm` when native was asked for but unavailable). */
  readonly active: KernelMode;
  /** The OpenBLAS in use for matrix products (and convolutions without oneDNN), when `active` is `native`. */
  readonly blas?: OpenBlas;
  /** The oneDNN in use for convolutions, when `active` is `native`. */
  readonly dnnl?: OneDnnConv;
  /** A few words for the backend line, e.g. `native kernels: onednn 2.6.3 (convolutions, 2 threads), openblas (Haswell, 2 threads; matrix products)`. */
  readonly detail: string;
}

/** Options of {@linkcode setKernelMode}. */
export interface KernelModeOptions {
  /**
   * Which library runs the convolutions in `native` mode: oneDNN (where it
   * loads; OpenBLAS with im2col otherwise) or OpenBLAS with im2col.
   * `RELGAN_ONEDNN=0` in the environment makes `openblas` the default.
   * @default {"onednn"}
   */
  readonly convolutions?: "onednn" | "openblas";
}

let nativeNames: string[] = [];

/** The kernels both modes start from: relgan's pure-wasm set, a copy-free `Identity`, a vectorised `LeakyRelu`, and row-wise `Sum`/`Mean`. */
const BASE_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  ...WASM_KERNELS,
  Identity: identity,
  LeakyRelu: leakyRelu,
  ...reduceKernels(undefined),
};

/**
 * Installs one of relgan's kernel sets on the wasm backend, replacing the
 * other. Safe to call repeatedly.
 *
 * @param mode `native` (oneDNN and OpenBLAS where they load) or `wasm` (pure).
 * @param options Which library runs the native convolutions.
 * @returns What is now in effect, and why.
 *
 * @example Pure wasm kernels, then training a conv filter on wasm
 * ```ts
 * import { setKernelMode } from "./install_kernels.ts";
 * import { useBackend } from "../mod.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * await useBackend("wasm");
 * const status = setKernelMode("wasm");
 * assert.equal(status.active, "wasm");
 * const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
 * const dw = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, "valid")))(tf.zeros([2, 2, 1, 1]));
 * assert.deepEqual(Array.from(dw.dataSync()), [4, 4, 4, 4]); // each tap sees 2 × 2 ones
 * await useBackend("cpu");
 * ```
 */
export function setKernelMode(
  mode: KernelMode,
  options: KernelModeOptions = {},
): KernelStatus {
  if (mode !== "wasm" && mode !== "native") {
    throw new RangeError(
      `Cannot set kernel mode "${mode}": expected "wasm" or "native"`,
    );
  }
  installWasmKernels();
  for (const [name, fn] of Object.entries(BASE_KERNELS)) {
    replaceKernel(name, fn);
  }
  for (const name of nativeNames) {
    if (!(name in BASE_KERNELS)) restoreKernel(name);
  }
  nativeNames = [];
  const pure = "relgan wasm kernels (XNNPACK matmul for conv gradients)";
  if (mode === "wasm") return { requested: mode, active: "wasm", detail: pure };

  const probe = loadOpenBlas();
  const convolutions = options.convolutions ??
    (readEnv("RELGAN_ONEDNN") === "0" ? "openblas" : "onednn");
  if (convolutions !== "onednn" && convolutions !== "openblas") {
    throw new RangeError(
      `Cannot set native convolutions to "${convolutions}": expected "onednn" or "openblas"`,
    );
  }
  const dnnlProbe = convolutions === "openblas"
    ? { ok: false as const, reason: "oneDNN not used (convolutions: openblas)" }
    : loadOneDnn();
  if (!probe.ok && !dnnlProbe.ok) {
    return {
      requested: mode,
      active: "wasm",
      detail:
        `${pure}; no native kernels: ${probe.reason}; ${dnnlProbe.reason}`,
    };
  }
  const kernels: Record<string, WasmKernelFunc> = probe.ok
    ? { ...nativeKernels(probe.blas), ...reduceKernels(probe.blas) }
    : {};
  const parts: string[] = [];
  if (dnnlProbe.ok) {
    const fallback: Record<string, WasmKernelFunc> = {
      Conv2D: original("Conv2D")!.kernelFunc as unknown as WasmKernelFunc,
      FusedConv2D: original("FusedConv2D")!
        .kernelFunc as unknown as WasmKernelFunc,
      ...WASM_KERNELS,
      ...kernels,
    };
    Object.assign(kernels, oneDnnKernels(dnnlProbe.dnnl, fallback));
    const n = dnnlProbe.dnnl.threads;
    parts.push(
      `onednn ${dnnlProbe.dnnl.version} (convolutions, ${n} thread${
        n === 1 ? "" : "s"
      })`,
    );
  }
  if (probe.ok) {
    const threads = `${probe.blas.threads} thread${
      probe.blas.threads === 1 ? "" : "s"
    }`;
    parts.push(
      `openblas (${probe.blas.core}, ${threads}${
        dnnlProbe.ok ? "; matrix products" : ""
      })`,
    );
  }
  for (const [name, fn] of Object.entries(kernels)) replaceKernel(name, fn);
  nativeNames = Object.keys(kernels);
  const missing = [
    ...(probe.ok ? [] : [`matrix products in wasm: ${probe.reason}`]),
    ...(dnnlProbe.ok ? [] : [`no oneDNN: ${dnnlProbe.reason}`]),
  ];
  return {
    requested: mode,
    active: "native",
    blas: probe.ok ? probe.blas : undefined,
    dnnl: dnnlProbe.ok ? dnnlProbe.dnnl : undefined,
    detail: `native kernels: ${parts.join(", ")}${
      missing.length > 0 ? `; ${missing.join("; ")}` : ""
    }`,
  };
}

/** What a backend-start hook may be told besides the backend's name. */
export interface KernelHookContext {
  /** What the user asked for (`auto`, `wasm`, …), when the caller says. */
  readonly choice?: string;
}

/**
 * The mode the wasm backend gets when it starts: `wasm` for an explicit
 * `--backend wasm` or `RELGAN_NATIVE=0`, else `native`.
 *
 * @param context What the backend layer passes to hooks.
 * @param env The value of `RELGAN_NATIVE`, if set.
 * @returns The mode.
 *
 * @example Explicit wasm stays pure
 * ```ts
 * import { kernelModeFor } from "./install_kernels.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(kernelModeFor({ choice: "wasm" }), "wasm");
 * assert.equal(kernelModeFor({ choice: "auto" }), "native");
 * assert.equal(kernelModeFor({ choice: "auto" }, "0"), "wasm");
 * ```
 */
export function kernelModeFor(
  context: KernelHookContext | undefined,
  env?: string,
): KernelMode {
  if (env === "0" || env === "false") return "wasm";
  if (context?.choice === "wasm") return "wasm";
  return "native";
}

let installed = false;

/**
 * Registers relgan's kernels to be installed each time the wasm backend
 * starts through `useBackend` (once per process; later calls do nothing).
 * The hook appends its {@linkcode KernelStatus.detail} to the backend line.
 * It also replaces the `cpu` backend's `ResizeNearestNeighborGrad`, which
 * tfjs-backend-cpu 4.22 computes wrongly for batches of more than one
 * image.
 */
export function installKernels(): void {
  if (installed) return;
  installed = true;
  installCpuKernels();
  onBackendStart(
    (name: BackendName, context?: KernelHookContext) => {
      if (name !== "wasm") return Promise.resolve(undefined);
      const mode = kernelModeFor(context, readEnv("RELGAN_NATIVE"));
      return Promise.resolve(setKernelMode(mode).detail);
    },
  );
}
