/**
 * Chooses and starts the TensorFlow.js backend a run computes on.
 *
 * `auto` takes the first of these that can start: `tensorflow` (tfjs-node-gpu,
 * then tfjs-node, when the user's import map provides them), `webgpu` when
 * Deno finds a hardware GPU adapter, else `wasm`. An explicit choice either
 * starts or throws a {@linkcode BackendUnavailableError} naming the cause and
 * the fix.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "./_gradients.ts";
import { installWebgpuFixes } from "./_webgpu_fixes.ts";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import {
  prepareWasmThreads,
  wasmThreadsState,
  wasmThreadsWanted,
} from "./_wasm_threads.ts";
import { readEnv } from "./_env.ts";
import { loadOneDnn } from "./native/onednn.ts";
import { loadOpenBlas } from "./native/openblas.ts";
import "@tensorflow/tfjs-backend-webgpu";

/** A backend relgan can run on. */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

/** What a user may ask for: a backend, or `auto`. */
export type BackendChoice = BackendName | "auto";

/** Every accepted value of {@linkcode BackendChoice}, in `auto`'s order. */
export const BACKEND_CHOICES: readonly BackendChoice[] = [
  "auto",
  "tensorflow",
  "webgpu",
  "wasm",
  "cpu",
];

/** The backend that started, and why it was the one. */
export interface BackendInfo {
  /** The backend now active in TensorFlow.js. */
  readonly name: BackendName;
  /** What it runs on, e.g. `simd, 1 thread` or `adapter llvmpipe`. */
  readonly detail: string;
  /** Why this one: what `auto` passed over, or `requested`. */
  readonly reason: string;
}

/** Thrown when a requested backend cannot start; says why and how to fix it. */
export class BackendUnavailableError extends Error {
  /** The backend that was asked for. */
  readonly backend: BackendName;
  /** What stopped it, in a few words. */
  readonly reason: string;
  /** What the user can do about it. */
  readonly fix: string;

  /**
   * @param backend The backend that was asked for.
   * @param cause What stopped it.
   * @param fix What to do.
   */
  constructor(backend: BackendName, cause: string, fix: string) {
    super(`Cannot start backend ${backend}: ${cause}. Fix: ${fix}`);
    this.name = "BackendUnavailableError";
    this.backend = backend;
    this.reason = cause;
    this.fix = fix;
  }
}

/** Result of probing one backend without committing to it. */
type Probe =
  | { ok: true; start: (choice: BackendChoice) => Promise<string> }
  | { ok: false; cause: string; fix: string };

/**
 * Formats the one line a run prints about its backend.
 *
 * @param info What {@linkcode useBackend} returned.
 * @returns E.g. `backend wasm (simd, 1 thread): no GPU adapter, tfjs-node not installed`.
 *
 * @example The backend line
 * ```ts
 * import { formatBackendLine } from "./select.ts";
 * import assert from "node:assert/strict";
 *
 * const line = formatBackendLine({ name: "cpu", detail: "JavaScript", reason: "requested" });
 * assert.equal(line, "backend cpu (JavaScript): requested");
 * ```
 */
export function formatBackendLine(info: BackendInfo): string {
  return `backend ${info.name} (${info.detail}): ${info.reason}`;
}

/**
 * Checks a user-supplied backend name.
 *
 * @param value The raw value, e.g. from `--backend`.
 * @returns The value as a {@linkcode BackendChoice}.
 * @throws {TypeError} When the value is not one of {@linkcode BACKEND_CHOICES}.
 */
export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) {
    return value as BackendChoice;
  }
  throw new TypeError(
    `Cannot use backend "${value}": expected one of ${
      BACKEND_CHOICES.join(", ")
    }`,
  );
}

/** What a start hook learns besides the backend's name. */
export interface BackendStartContext {
  /** What the user asked for: `auto` or an explicit backend. */
  readonly choice: BackendChoice;
}

/** A hook that runs after a backend starts; may return words for the backend line. */
export type BackendStartHook = (
  name: BackendName,
  context: BackendStartContext,
) => Promise<string | undefined>;

/** Hooks that run after a backend starts, e.g. to register extra kernels. */
const afterStart: BackendStartHook[] = [];

/**
 * Registers a hook that runs each time {@linkcode useBackend} starts a
 * backend. A hook may return a few words that are appended to the detail
 * (e.g. `native kernels: openblas`).
 *
 * @param hook The hook.
 */
export function onBackendStart(hook: BackendStartHook): void {
  afterStart.push(hook);
}

/**
 * Starts a backend and makes it TensorFlow.js's active one.
 *
 * @param choice `auto` or a backend name.
 * @default {"auto"} choice
 * @returns What started and why.
 * @throws {BackendUnavailableError} When an explicitly chosen backend cannot start.
 *
 * @example Running on the reference backend
 * ```ts
 * import { useBackend } from "./select.ts";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * const info = await useBackend("cpu");
 * assert.equal(info.name, "cpu");
 * assert.equal(tf.getBackend(), "cpu");
 * ```
 */
export async function useBackend(
  choice: BackendChoice = "auto",
): Promise<BackendInfo> {
  if (choice !== "auto") {
    const probe = await PROBES[choice](true);
    if (!probe.ok) {
      throw new BackendUnavailableError(choice, probe.cause, probe.fix);
    }
    return await start(choice, probe, "requested", choice);
  }
  const passedOver: string[] = [];
  for (const name of ["tensorflow", "webgpu"] as const) {
    const probe = await PROBES[name](false);
    if (probe.ok) {
      return await start(name, probe, describe(passedOver), "auto");
    }
    passedOver.push(probe.cause);
  }
  const wasm = await PROBES.wasm(false);
  if (wasm.ok) return await start("wasm", wasm, describe(passedOver), "auto");
  passedOver.push(wasm.cause);
  const cpu = await PROBES.cpu(false);
  if (!cpu.ok) throw new BackendUnavailableError("cpu", cpu.cause, cpu.fix);
  return await start("cpu", cpu, describe(passedOver), "auto");
}

function describe(passedOver: string[]): string {
  return passedOver.length === 0 ? "first choice" : passedOver.join(", ");
}

async function start(
  name: BackendName,
  probe: Extract<Probe, { ok: true }>,
  reason: string,
  choice: BackendChoice,
): Promise<BackendInfo> {
  const details = [await probe.start(choice)];
  for (const hook of afterStart) {
    const extra = await hook(name, { choice });
    if (extra) details.push(extra);
  }
  const detail = details.join(", ");
  return { name, detail, reason };
}

/** Sets a registered tfjs backend active, turning tfjs's failure into ours. */
async function activate(
  name: string,
  backend: BackendName,
  fix: string,
): Promise<void> {
  let ok = false;
  let failure = "its initialisation returned false";
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new BackendUnavailableError(backend, failure, fix);
  }
  await tf.ready();
}

const PROBES: Record<BackendName, (explicit: boolean) => Promise<Probe>> = {
  tensorflow: probeTensorflow,
  webgpu: probeWebgpu,
  wasm: probeWasm,
  cpu: () =>
    Promise.resolve({
      ok: true,
      start: async () => {
        await activate("cpu", "cpu", "report this as a bug");
        // The backend's one-time advice to install tfjs-node on its first
        // write; the backend line already says what runs, and why.
        const backend = tf.findBackend("cpu") as { firstUse?: boolean } | null;
        if (backend) backend.firstUse = false;
        return "JavaScript";
      },
    }),
};

const TFJS_NODE_FIX =
  'add "@tensorflow/tfjs-node-gpu": "npm:@tensorflow/tfjs-node-gpu@4.22.0" (or tfjs-node) to your deno.json imports and run `deno install --allow-scripts`, which downloads libtensorflow; or choose --backend wasm';

async function probeTensorflow(): Promise<Probe> {
  const reasons: string[] = [];
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    const loaded = await importOptional(pkg);
    if (loaded === "ok") {
      const device = pkg.endsWith("-gpu") ? "tfjs-node-gpu" : "tfjs-node";
      return {
        ok: true,
        start: async () => {
          await activate("tensorflow", "tensorflow", TFJS_NODE_FIX);
          return device;
        },
      };
    }
    reasons.push(loaded);
  }
  const missing = reasons.every((r) => r === "absent");
  return {
    ok: false,
    cause: missing
      ? "tfjs-node not installed"
      : `tfjs-node is installed but does not load (${
        reasons.find((r) => r !== "absent")
      })`,
    fix: TFJS_NODE_FIX,
  };
}

/**
 * Imports an optional package through the caller's import map.
 *
 * @returns `"ok"`, `"absent"` when the import map does not provide it, or
 * the loader's message when it is present but broken (e.g. a missing
 * native binding).
 */
async function importOptional(specifier: string): Promise<string> {
  try {
    import.meta.resolve(specifier);
  } catch {
    return "absent";
  }
  try {
    await import(specifier);
    return "ok";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (
      /not a dependency|Cannot (find|resolve)|Relative import/i.test(message)
    ) {
      return "absent";
    }
    return message.split("\n")[0];
  }
}

/**
 * Mesa's Vulkan drivers print "XDG_RUNTIME_DIR is invalid or not set" on
 * stderr when that variable is unset; point it at a private temporary
 * directory before the first adapter request, leaving a set value alone.
 */
function quietMesa(): void {
  if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
  try {
    const dir = Deno.makeTempDirSync({ prefix: "relgan-xdg-" });
    Deno.chmodSync(dir, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Without env or write permission the warning stays; nothing breaks.
  }
}

const WEBGPU_FIX =
  "run Deno with --unstable-webgpu on a machine with a GPU or a Vulkan driver (Debian: apt-get install mesa-vulkan-drivers); or choose --backend wasm";

async function probeWebgpu(explicit: boolean): Promise<Probe> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) {
    return {
      ok: false,
      cause: "WebGPU is off (Deno runs without --unstable-webgpu)",
      fix: WEBGPU_FIX,
    };
  }
  quietMesa();
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch {
    adapter = null;
  }
  if (!adapter) return { ok: false, cause: "no GPU adapter", fix: WEBGPU_FIX };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const name = info.description || info.device || info.vendor || "unknown";
  const software = info.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader|software/i.test(name);
  if (software && !explicit) {
    return {
      ok: false,
      cause: `no GPU adapter (only the software one, ${name})`,
      fix: WEBGPU_FIX,
    };
  }
  return {
    ok: true,
    start: async () => {
      await activate("webgpu", "webgpu", WEBGPU_FIX);
      installWebgpuFixes();
      return `adapter ${name}${software ? ", software" : ""}`;
    },
  };
}

/**
 * How many threads the wasm build gets: `RELGAN_WASM_THREADS` when set;
 * else one where relgan's native kernels will run (every choice but an
 * explicit `wasm`, unless `RELGAN_NATIVE=0`, with oneDNN or OpenBLAS
 * present), since they run the heavy work on their own threads and a
 * second XNNPACK thread only competes with them (a DCGAN relation step took
 * 6.2 s on one wasm thread and 7.5 s on two, a 2-D toy step 213 and
 * 290 ms); else every core.
 *
 * @param choice What the run asked for.
 * @returns The thread count for the wasm build.
 * @throws {RangeError} When `RELGAN_WASM_THREADS` is out of range.
 */
export function wasmThreadsFor(choice: BackendChoice): number {
  const env = readEnv("RELGAN_WASM_THREADS");
  if (env !== undefined && env !== "") return wasmThreadsWanted(env);
  const off = readEnv("RELGAN_NATIVE");
  const native = choice !== "wasm" && off !== "0" && off !== "false" &&
    (loadOneDnn().ok || loadOpenBlas().ok);
  return native ? 1 : wasmThreadsWanted(undefined);
}

function probeWasm(): Promise<Probe> {
  return Promise.resolve({
    ok: true,
    start: async (choice) => {
      // Threaded SIMD build on wasmThreadsFor(choice) threads; falls back
      // to one thread, saying why.
      prepareWasmThreads(wasmThreadsFor(choice));
      await activate(
        "wasm",
        "wasm",
        "check that the @tensorflow/tfjs-backend-wasm package and its .wasm files are installed (deno install)",
      );
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const threads = getThreadsCount();
      const failure = wasmThreadsState()?.failure;
      return `${simd ? "simd" : "no simd"}, ${threads} thread${
        threads === 1 ? "" : "s"
      }${failure ? ` (threaded build unavailable: ${failure})` : ""}`;
    },
  });
}
