/**
 * Starts tfjs-backend-wasm's threaded SIMD build in Deno, so XNNPACK's
 * convolutions and matrix products run on every core.
 *
 * The package cannot do this itself in Deno: it never picks the threaded
 * build where `process` exists (`WASM_HAS_MULTITHREAD_SUPPORT` is false
 * under Node), and if it did, Emscripten would create its pthread workers
 * as classic web workers from a blob URL (Deno runs only module workers,
 * without `importScripts`), or in Node mode overwrite the global `Worker`.
 * Here relgan evaluates the threaded build's own script with Node's globals
 * hidden, hands Emscripten a `Worker` that starts each pthread as a
 * `node:worker_threads` worker running `_wasm_threads_worker.ts` (which
 * supplies the classic-worker globals Emscripten expects), and gives it a
 * `navigator.hardwareConcurrency` of twice the thread count, because the
 * backend caps its pool at half the logical cores (it assumes two
 * hyper-threads per core). The workers are unref'd once loaded, so idle
 * threads never keep a process alive.
 *
 * {@linkcode prepareWasmThreads} swaps the `wasm` backend's factory before
 * the backend first starts; the new factory falls back to the package's
 * own single-threaded factory, with the reason kept for the backend line,
 * whenever the threaded build cannot start.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { BackendWasm, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { Worker as NodeWorker } from "node:worker_threads";
import { firstLine, readEnv } from "./_env.ts";

/** The most threads tfjs-backend-wasm 4.22's thread pool accepts. */
export const MAX_WASM_THREADS = 8;

/** How long the threaded build may take to start before relgan gives up on it. */
const START_TIMEOUT_MS = 60_000;

/**
 * The number of wasm threads a run asks for.
 *
 * @param env The value of `RELGAN_WASM_THREADS`, if set: an integer from 1
 * to {@linkcode MAX_WASM_THREADS}, or `auto`.
 * @param cores The machine's logical cores.
 * @default {navigator.hardwareConcurrency} cores
 * @returns `env` when set, else `cores` capped at {@linkcode MAX_WASM_THREADS}.
 * @throws {RangeError} When `env` is not `auto` or an integer in range.
 *
 * @example Choosing the thread count
 * ```ts
 * import { wasmThreadsWanted } from "./_wasm_threads.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(wasmThreadsWanted(undefined, 2), 2);
 * assert.equal(wasmThreadsWanted("1", 2), 1);
 * assert.equal(wasmThreadsWanted("auto", 16), 8); // the pool's cap
 * assert.throws(() => wasmThreadsWanted("0", 2), RangeError);
 * ```
 */
export function wasmThreadsWanted(
  env: string | undefined,
  cores: number = navigator.hardwareConcurrency,
): number {
  if (env === undefined || env === "" || env === "auto") {
    return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores) || 1));
  }
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new RangeError(
      `Cannot start the wasm backend with RELGAN_WASM_THREADS="${env}": expected an integer from 1 to ${MAX_WASM_THREADS}, or auto. Fix: RELGAN_WASM_THREADS=1 for one thread, or unset it to use every core`,
    );
  }
  return n;
}

/** What {@linkcode prepareWasmThreads} arranged, and what happened at start. */
export interface WasmThreadsState {
  /** Threads asked for (1 leaves the package's single-threaded build). */
  readonly requested: number;
  /** Why the threaded build did not start, once it was tried and failed. */
  readonly failure?: string;
}

let state: WasmThreadsState | undefined;

/**
 * What {@linkcode prepareWasmThreads} arranged: `undefined` before it ran.
 *
 * @returns The request and, after a failed start, why it failed.
 */
export function wasmThreadsState(): WasmThreadsState | undefined {
  return state;
}

/**
 * Makes the `wasm` backend start tfjs-backend-wasm's threaded SIMD build
 * on `threads` threads, before that backend first starts. Does nothing
 * when the backend already started, when it was already prepared, or when
 * `threads` is 1. Where the threaded build cannot start, the backend
 * starts single-threaded as before and {@linkcode wasmThreadsState} says why.
 *
 * @param threads How many threads XNNPACK's pool gets.
 * @default {wasmThreadsWanted(RELGAN_WASM_THREADS)} threads
 * @throws {RangeError} When `threads` (or `RELGAN_WASM_THREADS`) is out of range.
 *
 * @example Two threads on the wasm backend
 * ```ts
 * import { prepareWasmThreads } from "./_wasm_threads.ts";
 * import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
 * import * as tf from "@tensorflow/tfjs-core";
 * import assert from "node:assert/strict";
 *
 * prepareWasmThreads(2);
 * await tf.setBackend("wasm");
 * assert.equal(getThreadsCount(), 2);
 * ```
 */
export function prepareWasmThreads(
  threads: number = wasmThreadsWanted(readEnv("RELGAN_WASM_THREADS")),
): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new RangeError(
      `Cannot start the wasm backend on ${threads} threads: expected an integer from 1 to ${MAX_WASM_THREADS}. Fix: pass 1 for the single-threaded build, or the number of cores to use`,
    );
  }
  if (state !== undefined || wasmStarted()) return;
  state = { requested: threads };
  if (threads === 1) return;
  const fallback = tf.findBackendFactory("wasm");
  if (fallback === null) {
    state = { requested: threads, failure: "tfjs-backend-wasm is not loaded" };
    return;
  }
  // The package's priority for wasm (tfjs-backend-wasm's base.ts).
  const priority = 2;
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", async () => {
    try {
      const module = await startThreadedModule(threads);
      return new BackendWasm(module as never);
    } catch (error) {
      state = { requested: threads, failure: firstLine(error) };
      setThreadsCount(-1);
      return await fallback();
    }
  }, priority);
}

/** True when TensorFlow.js already holds a started `wasm` backend. */
function wasmStarted(): boolean {
  const registry = (tf.engine() as unknown as {
    registry: Record<string, unknown>;
  }).registry;
  return registry.wasm !== undefined;
}

/** The Emscripten module of the threaded build, as far as relgan uses it. */
interface EmscriptenModule {
  cwrap(name: string, result: string | null, args: string[]): unknown;
  PThread?: { terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

/** Emscripten's factory: configuration in, the started module out. */
type ModuleFactory = (
  config: Record<string, unknown>,
) => Promise<EmscriptenModule>;

/** The texts and binary of the threaded build, read from the package. */
interface ThreadedBuild {
  readonly main: string;
  readonly worker: string;
  readonly binary: Uint8Array<ArrayBuffer>;
}

async function readBuild(): Promise<ThreadedBuild> {
  const base = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  const file = (name: string) => new URL(`../wasm-out/${name}`, base);
  const [main, workerModule, binary] = await Promise.all([
    Deno.readTextFile(file("tfjs-backend-wasm-threaded-simd.js")),
    Deno.readTextFile(file("tfjs-backend-wasm-threaded-simd.worker.js")),
    Deno.readFile(file("tfjs-backend-wasm-threaded-simd.wasm")),
  ]);
  // The worker script ships as a CommonJS module exporting its text in a
  // template literal; the package re-escapes its newlines before use.
  const holder = { exports: {} as { wasmWorkerContents?: unknown } };
  new Function("module", "exports", workerModule)(holder, holder.exports);
  const contents = holder.exports.wasmWorkerContents;
  if (typeof contents !== "string") {
    throw new Error(
      "tfjs-backend-wasm-threaded-simd.worker.js exports no wasmWorkerContents",
    );
  }
  return { main, worker: contents.replace(/\n/g, "\\n"), binary };
}

/** The names the threaded build's script must not see from Deno's Node layer. */
const HIDDEN = [
  "process",
  "require",
  "module",
  "exports",
  "define",
  "__filename",
  "__dirname",
];

/**
 * Starts the threaded build's Emscripten module with its pthread pool.
 *
 * @param threads Threads in XNNPACK's pool (the caller's thread included).
 * @returns The module, with the `tfjs` bridge `BackendWasm` expects.
 * @throws {Error} When a file cannot be read, a worker fails or the start
 * times out.
 */
async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  const build = await readBuild();
  // One worker per pool thread besides the caller, all loaded before the
  // module resolves (the build preloads 8 otherwise).
  const poolLine = "var pthreadPoolSize=8;";
  if (!build.main.includes(poolLine)) {
    throw new Error(
      "the threaded build's script has no pthread pool size to set (not tfjs-backend-wasm 4.22?)",
    );
  }
  const main = build.main.replace(
    poolLine,
    `var pthreadPoolSize=${threads - 1};`,
  );
  const workers: NodeWorker[] = [];
  let failWorker: (reason: Error) => void = () => {};
  const workerFailed = new Promise<never>((_, reject) => {
    failWorker = reject;
  });
  const Worker = pthreadWorkerClass(
    { main, worker: build.worker },
    workers,
    (error) => failWorker(error),
  );
  const factory = new Function(
    ...HIDDEN,
    "Worker",
    "navigator",
    main + "\nreturn WasmBackendModuleThreadedSimd;",
  )(
    ...HIDDEN.map(() => undefined),
    Worker,
    { hardwareConcurrency: 2 * threads },
  ) as ModuleFactory;

  let lastError = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the threaded build did not start within ${
              START_TIMEOUT_MS / 1000
            } s`,
          ),
        ),
      START_TIMEOUT_MS,
    );
  });
  let aborted: (reason: Error) => void = () => {};
  const abort = new Promise<never>((_, reject) => {
    aborted = reject;
  });
  try {
    const module = await Promise.race([
      factory({
        wasmBinary: build.binary,
        mainScriptUrlOrBlob: "tfjs-backend-wasm-threaded-simd.js",
        locateFile: (path: string) => path,
        print: () => {},
        printErr: (text: string) => {
          lastError = text;
        },
        onAbort: (what: unknown) =>
          aborted(new Error(`aborted: ${lastError || String(what)}`)),
      }),
      workerFailed,
      timeout,
      abort,
    ]);
    module.tfjs = {
      init: module.cwrap("init", null, []),
      initWithThreadsCount: module.cwrap("init_with_threads_count", null, [
        "number",
      ]),
      getThreadsCount: module.cwrap("get_threads_count", "number", []),
      registerTensor: module.cwrap("register_tensor", null, [
        "number",
        "number",
        "number",
      ]),
      disposeData: module.cwrap("dispose_data", null, ["number"]),
      dispose: module.cwrap("dispose", null, []),
    };
    setThreadsCount(threads);
    return module;
  } catch (error) {
    for (const worker of workers) worker.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

type Listener = ((event: unknown) => void) | null;

/**
 * A class shaped like the web `Worker` Emscripten constructs (`onmessage`,
 * `onerror`, `postMessage`, `terminate`), running each pthread as a
 * `node:worker_threads` worker: a module worker that Deno can start and
 * that can be unref'd.
 */
function pthreadWorkerClass(
  scripts: { readonly main: string; readonly worker: string },
  started: NodeWorker[],
  onStartFailure: (error: Error) => void,
) {
  const entry = new URL("./_wasm_threads_worker.ts", import.meta.url);
  return class PthreadWorker {
    onmessage: Listener = null;
    onerror: Listener = null;
    readonly #inner: NodeWorker;
    #loaded = false;

    constructor(_url: string) {
      this.#inner = new NodeWorker(entry, { workerData: scripts });
      started.push(this.#inner);
      this.#inner.on("message", (data: unknown) => {
        this.onmessage?.({ data });
        if (!this.#loaded && (data as { cmd?: string })?.cmd === "loaded") {
          this.#loaded = true;
          this.#inner.unref();
        }
      });
      this.#inner.on("error", (error: Error) => {
        // Before the module resolves, a failure rejects the start (and the
        // backend falls back); after, Emscripten's handler reports it.
        if (!this.#loaded) onStartFailure(error);
        else {this.onerror?.({
            message: error.message,
            filename: "",
            lineno: 0,
          });}
      });
    }

    postMessage(message: unknown, transfer?: Transferable[]): void {
      // deno-lint-ignore no-explicit-any
      this.#inner.postMessage(message, transfer as any);
    }

    terminate(): void {
      this.#inner.terminate();
    }
  };
}
