import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  BackendUnavailableError,
  formatBackendLine,
  parseBackendChoice,
  useBackend,
} from "../../src/backend/mod.ts";
import { wasmThreadsWanted } from "../../src/backend/_wasm_threads.ts";
import { wasmThreadsFor } from "../../src/backend/select.ts";
import { loadOneDnn, loadOpenBlas } from "../../src/backend/native/mod.ts";

Deno.test("useBackend('cpu') activates the JavaScript backend", async () => {
  const info = await useBackend("cpu");
  assert.equal(info.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(info.reason, "requested");
});

Deno.test("useBackend('wasm') reports SIMD and its thread count", async () => {
  const info = await useBackend("wasm");
  assert.equal(tf.getBackend(), "wasm");
  // Every core unless RELGAN_WASM_THREADS says otherwise (_wasm_threads.ts).
  const n = wasmThreadsWanted(Deno.env.get("RELGAN_WASM_THREADS"));
  assert.match(
    info.detail,
    new RegExp(`^simd, ${n} thread${n === 1 ? "" : "s"}`),
  );
  await useBackend("cpu");
});

Deno.test("wasmThreadsFor: every core for an explicit wasm, one beside the native kernels, RELGAN_WASM_THREADS when set", () => {
  const saved = Deno.env.get("RELGAN_WASM_THREADS");
  try {
    Deno.env.delete("RELGAN_WASM_THREADS");
    assert.equal(wasmThreadsFor("wasm"), wasmThreadsWanted(undefined));
    const native = loadOneDnn().ok || loadOpenBlas().ok;
    assert.equal(
      wasmThreadsFor("auto"),
      native ? 1 : wasmThreadsWanted(undefined),
    );
    Deno.env.set("RELGAN_WASM_THREADS", "2");
    assert.equal(wasmThreadsFor("auto"), 2);
    Deno.env.set("RELGAN_WASM_THREADS", "99");
    assert.throws(() => wasmThreadsFor("wasm"), RangeError);
  } finally {
    if (saved === undefined) Deno.env.delete("RELGAN_WASM_THREADS");
    else Deno.env.set("RELGAN_WASM_THREADS", saved);
  }
});

Deno.test("useBackend('auto') passes over tfjs-node and software GPUs, naming why", async () => {
  const info = await useBackend("auto");
  // This machine has no tfjs-node and, at most, Mesa's software adapter.
  assert.equal(info.name, "wasm");
  assert.match(info.reason, /tfjs-node not installed/);
  assert.match(info.reason, /no GPU adapter/);
  assert.match(
    formatBackendLine(info),
    /^backend wasm \(simd, \d+ threads?.*\): /,
  );
  await useBackend("cpu");
});

Deno.test("useBackend('tensorflow') fails with the cause and the fix, not a tfjs trace", async () => {
  await assert.rejects(
    () => useBackend("tensorflow"),
    (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(error.backend, "tensorflow");
      assert.match(
        error.message,
        /^Cannot start backend tensorflow: tfjs-node not installed\. Fix: .*deno\.json imports/,
      );
      return true;
    },
  );
});

Deno.test("parseBackendChoice lists the accepted values on a typo", () => {
  assert.equal(parseBackendChoice("webgpu"), "webgpu");
  assert.throws(
    () => parseBackendChoice("wasmm"),
    new TypeError(
      'Cannot use backend "wasmm": expected one of auto, tensorflow, webgpu, wasm, cpu',
    ),
  );
});
