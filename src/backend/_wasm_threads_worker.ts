/**
 * The entry of one pthread worker of tfjs-backend-wasm's threaded SIMD
 * build, started by `_wasm_threads.ts` as a `node:worker_threads` worker.
 *
 * Emscripten's pthread script expects a classic web worker: a `self` whose
 * `onmessage` it sets, a global `postMessage`, and `importScripts` to load
 * the build's main script. This module provides exactly those over
 * `parentPort`, and evaluates both scripts (received as text in
 * `workerData`) with Node's `process` and `require` hidden, so Emscripten
 * takes its web-worker path rather than its Node one.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";

/** What the main thread passes each worker. */
interface ThreadScripts {
  /** The build's main script (defines `WasmBackendModuleThreadedSimd`). */
  readonly main: string;
  /** Emscripten's pthread worker script. */
  readonly worker: string;
}

type Listener = ((event: { data: unknown }) => void) | null;

const port = parentPort;
if (port === null) {
  throw new Error(
    "Cannot run relgan's wasm thread entry on the main thread: it is a worker script. Fix: start it through prepareWasmThreads",
  );
}
const scripts = workerData as ThreadScripts;

/** The classic worker's `self`, as much of it as Emscripten touches. */
const workerSelf: Record<string, unknown> & { onmessage: Listener } = {
  location: { href: "" },
  onmessage: null,
};
port.on("message", (data: unknown) => workerSelf.onmessage?.({ data }));

function post(message: unknown, transfer?: Transferable[]): void {
  // deno-lint-ignore no-explicit-any
  port!.postMessage(message, transfer as any);
}

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
 * Evaluates one Emscripten script. What the pthread script put on `self`
 * (e.g. `startWorker`, which the main script calls by its bare name) is
 * visible as a global, as it is in a classic worker.
 */
function evaluate(code: string, tail = ""): unknown {
  const own = Object.keys(workerSelf).filter((name) =>
    /^[A-Za-z_$][\w$]*$/.test(name) && name !== "location" &&
    name !== "onmessage"
  );
  const run = new Function(
    "self",
    "postMessage",
    ...HIDDEN,
    ...own,
    code + tail,
  );
  return run(
    workerSelf,
    post,
    ...HIDDEN.map(() => undefined),
    ...own.map((name) => workerSelf[name]),
  );
}

// The pthread script's "load" handler calls importScripts(mainScriptUrl),
// then the global WasmBackendModuleThreadedSimd(Module).
const scope = globalThis as Record<string, unknown>;
scope.importScripts = () => {
  scope.WasmBackendModuleThreadedSimd = evaluate(
    scripts.main,
    "\nreturn WasmBackendModuleThreadedSimd;",
  );
};
evaluate(scripts.worker);
