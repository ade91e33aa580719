import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import {
  MAX_WASM_THREADS,
  prepareWasmThreads,
  wasmThreadsState,
  wasmThreadsWanted,
} from "../../src/backend/_wasm_threads.ts";
import { useBackend } from "../../src/backend/mod.ts";
import { assertNoLeak, maxRelativeError } from "../_helpers.ts";

const PROBE = new URL("./threads_probe.ts", import.meta.url);

interface ProbeReport {
  readonly line: string;
  readonly threads: number;
  readonly sizes: number[];
  readonly before: number;
  readonly after: number;
}

/** Runs the probe in a fresh process; returns its report and its values. */
async function probe(
  threads: string,
  flags: string[] = [],
): Promise<{ report: ProbeReport; values: Float32Array }> {
  const out = await Deno.makeTempFile({ suffix: ".bin" });
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...flags, PROBE.pathname, out, "wasm"],
      env: { RELGAN_WASM_THREADS: threads },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(
      code,
      0,
      `probe with RELGAN_WASM_THREADS=${threads} exited ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
    const report = JSON.parse(text.trim().split("\n").at(-1)!) as ProbeReport;
    const bytes = await Deno.readFile(out);
    return { report, values: new Float32Array(bytes.buffer) };
  } finally {
    await Deno.remove(out);
  }
}

Deno.test("wasmThreadsWanted defaults to the cores, capped at the pool's 8", () => {
  assert.equal(wasmThreadsWanted(undefined, 2), 2);
  assert.equal(wasmThreadsWanted("", 1), 1);
  assert.equal(wasmThreadsWanted("auto", 64), MAX_WASM_THREADS);
  assert.equal(wasmThreadsWanted("2", 1), 2);
});

Deno.test("wasmThreadsWanted rejects counts outside 1 to 8 with the fix", () => {
  for (const bad of ["0", "9", "1.5", "two"]) {
    assert.throws(
      () => wasmThreadsWanted(bad, 2),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(
          error.message,
          new RegExp(
            `RELGAN_WASM_THREADS="${bad}": expected an integer from 1 to 8`,
          ),
        );
        assert.match(error.message, /Fix: RELGAN_WASM_THREADS=1/);
        return true;
      },
    );
  }
});

Deno.test("prepareWasmThreads rejects a thread count out of range", () => {
  assert.throws(
    () => prepareWasmThreads(0),
    /^RangeError: Cannot start the wasm backend on 0 threads: expected an integer from 1 to 8\. Fix: /,
  );
  assert.throws(() => prepareWasmThreads(MAX_WASM_THREADS + 1), RangeError);
  assert.equal(wasmThreadsState(), undefined); // nothing was arranged
});

Deno.test("the threaded wasm build computes a conv net's loss and gradients exactly as one thread does", async () => {
  const one = await probe("1");
  const two = await probe("2");
  assert.equal(one.report.threads, 1);
  assert.equal(two.report.threads, 2);
  assert.match(one.report.line, /^backend wasm \(simd, 1 thread, /);
  assert.match(two.report.line, /^backend wasm \(simd, 2 threads, /);
  // loss, then the gradients of x [8,16,16,3], w1 [4,4,3,16], w2 [4,4,16,32], head [512,1]
  assert.deepEqual(two.report.sizes, [
    1,
    8 * 16 * 16 * 3,
    4 * 4 * 3 * 16,
    4 * 4 * 16 * 32,
    512,
  ]);
  assert.equal(two.values.length, one.values.length);
  assert.ok(one.values.some((v) => v !== 0), "the gradients are not all zero");
  const error = maxRelativeError(two.values, one.values, 1e-3);
  assert.ok(error <= 1e-5, `2 threads vs 1: max relative error ${error}`);
  for (const { report } of [one, two]) {
    assert.equal(report.after, report.before, `${report.line} leaked tensors`);
  }
});

Deno.test("the wasm backend falls back to one thread, saying why, when the threaded build cannot load", async () => {
  const base = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  const script = new URL(
    "../wasm-out/tfjs-backend-wasm-threaded-simd.js",
    base,
  );
  const { report, values } = await probe("2", [
    `--deny-read=${script.pathname}`,
  ]);
  assert.equal(report.threads, 1);
  assert.match(
    report.line,
    /^backend wasm \(simd, 1 thread \(threaded build unavailable: Requires read access to .*tfjs-backend-wasm-threaded-simd\.js/,
  );
  assert.equal(values.length, report.sizes.reduce((a, b) => a + b, 0));
});

Deno.test("useBackend('wasm') after prepareWasmThreads(2) runs XNNPACK on 2 threads without leaking", async () => {
  prepareWasmThreads(2);
  const info = await useBackend("wasm");
  assert.equal(getThreadsCount(), 2);
  assert.match(info.detail, /^simd, 2 threads, /);
  const x = tf.ones([2, 8, 8, 4]) as tf.Tensor4D; // [batch, h, w, c]
  const w = tf.fill([3, 3, 4, 8], 0.5) as tf.Tensor4D; // [kh, kw, cin, cout]
  const dw = await assertNoLeak("conv forward and filter gradient", () => {
    const g = tf.grad((filter: tf.Tensor) =>
      tf.sum(tf.conv2d(x, filter as tf.Tensor4D, 1, "valid"))
    )(w); // [3, 3, 4, 8]
    const values = g.dataSync();
    g.dispose();
    return values;
  });
  // Each tap of a valid 3 × 3 conv over ones sees 2 images × 6 × 6 positions.
  assert.deepEqual(Array.from(new Set(dw)), [2 * 6 * 6]);
  tf.dispose([x, w]);
  await useBackend("cpu");
});
