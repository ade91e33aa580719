/**
 * Puts relgan's kernels on TensorFlow.js's wasm backend.
 *
 * Two modes:
 * - `wasm`: pure WebAssembly. Adds `Conv2DBackpropFilter` (missing in
 *   tfjs-backend-wasm 4.22, so no conv net could train), and reroutes the
 *   input gradient / transposed convolution and transposed matrix products
 *   to XNNPACK's fast untransposed matrix product.
 * - `native`: as `wasm`, plus convolutions (forward, both gradients,
 *   fused) and matrix products (plain and fused) in OpenBLAS through
 *   Deno's FFI, on the tensors' wasm memory, on all of OpenBLAS's threads.
 *   Where OpenBLAS cannot be loaded it falls back to `wasm` and says why.
 *
 * When the backend starts: an explicit `--backend wasm` (a hook context
 * with `choice: "wasm"`) or `RELGAN_NATIVE=0` in the environment selects
 * `wasm`; otherwise `native`.
 *
 * @module
 */

import { type BackendName, onBackendStart } from "../select.ts";
import { installWasmKernels, WASM_KERNELS } from "./_wasm_kernels.ts";
import { replaceKernel, restoreKernel } from "./_wasm.ts";
import { installCpuKernels } from "./_cpu_kernels.ts";
import { nativeKernels } from "../native/_native_kernels.ts";
import { loadOpenBlas, type OpenBlas } from "../native/openblas.ts";

/** Which of relgan's kernel sets the wasm backend runs. */
export type KernelMode = "wasm" | "native";

/** What {@linkcode setKernelMode} installed. */
export interface KernelStatus {
  /** The mode asked for. */
  readonly requested: KernelMode;
  /** The mode in effect (`wasm` when native was asked for but unavailable). */
  readonly active: KernelMode;
  /** The OpenBLAS in use, when `active` is `native`. */
  readonly blas?: OpenBlas;
  /** A few words for the backend line, e.g. `native kernels: openblas (Haswell, 2 threads)`. */
  readonly detail: string;
}

let nativeNames: string[] = [];

/**
 * Installs one of relgan's kernel sets on the wasm backend, replacing the
 * other. Safe to call repeatedly.
 *
 * @param mode `native` (OpenBLAS where it loads) or `wasm` (pure).
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
export function setKernelMode(mode: KernelMode): KernelStatus {
  if (mode !== "wasm" && mode !== "native") {
    throw new RangeError(
      `Cannot set kernel mode "${mode}": expected "wasm" or "native"`,
    );
  }
  installWasmKernels();
  for (const name of nativeNames) {
    if (name in WASM_KERNELS) replaceKernel(name, WASM_KERNELS[name]);
    else restoreKernel(name);
  }
  nativeNames = [];
  const pure = "relgan wasm kernels (XNNPACK matmul for conv gradients)";
  if (mode === "wasm") return { requested: mode, active: "wasm", detail: pure };

  const probe = loadOpenBlas();
  if (!probe.ok) {
    return {
      requested: mode,
      active: "wasm",
      detail: `${pure}; no native kernels: ${probe.reason}`,
    };
  }
  const kernels = nativeKernels(probe.blas);
  for (const [name, fn] of Object.entries(kernels)) replaceKernel(name, fn);
  nativeNames = Object.keys(kernels);
  return {
    requested: mode,
    active: "native",
    blas: probe.blas,
    detail:
      `native kernels: openblas (${probe.blas.core}, ${probe.blas.threads} thread${
        probe.blas.threads === 1 ? "" : "s"
      })`,
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

function relganNativeEnv(): string | undefined {
  try {
    const state = Deno.permissions.querySync({
      name: "env",
      variable: "RELGAN_NATIVE",
    }).state;
    return state === "granted" ? Deno.env.get("RELGAN_NATIVE") : undefined;
  } catch {
    return undefined;
  }
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
      const mode = kernelModeFor(context, relganNativeEnv());
      return Promise.resolve(setKernelMode(mode).detail);
    },
  );
}
