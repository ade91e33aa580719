import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { formatBackendLine, useBackend } from "../../src/backend/mod.ts";
import {
  installKernels,
  setKernelMode,
} from "../../src/backend/kernels/mod.ts";
import { setColumnBudget } from "../../src/backend/kernels/_layout.ts";
import {
  coreTypeForCpu,
  loadOneDnn,
  loadOpenBlas,
} from "../../src/backend/native/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  GRADIENT_CASES,
  type GradientResult,
  gradients,
  relativeError,
} from "./_gradient_cases.ts";

const TOLERANCE = 1e-4;
const SEED = 77;

async function reference(): Promise<GradientResult[]> {
  await useBackend("cpu");
  return GRADIENT_CASES.map((c) => gradients(c, SEED));
}

Deno.test("loadOpenBlas: sgemm computes a 2 × 3 by 3 × 2 product exactly, or says why it is absent", () => {
  const probe = loadOpenBlas();
  if (!probe.ok) {
    assert.match(probe.reason, /OpenBLAS not (found|loaded)/);
    return;
  }
  const a = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3]
  const b = new Float32Array([7, 8, 9, 10, 11, 12]); // [3, 2]
  const c = new Float32Array(4);
  probe.blas.sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2);
  assert.deepEqual(Array.from(c), [
    1 * 7 + 2 * 9 + 3 * 11,
    1 * 8 + 2 * 10 + 3 * 12,
    4 * 7 + 5 * 9 + 6 * 11,
    4 * 8 + 5 * 10 + 6 * 12,
  ]);
  // Transposed operands, and β = 1 accumulating into C.
  probe.blas.sgemm(true, true, 2, 2, 3, 1, b, 2, a, 3, 1, c, 2);
  assert.deepEqual(Array.from(c), [
    2 * (1 * 7 + 2 * 9 + 3 * 11),
    1 * 8 + 2 * 10 + 3 * 12 + (4 * 7 + 5 * 9 + 6 * 11),
    4 * 7 + 5 * 9 + 6 * 11 + (1 * 8 + 2 * 10 + 3 * 12),
    2 * (4 * 8 + 5 * 10 + 6 * 12),
  ]);
  assert.ok(probe.blas.threads >= 1);
});

const CONFIGURATIONS = [
  { convolutions: "onednn", budget: 1 << 23 },
  { convolutions: "openblas", budget: 1 << 23 },
  { convolutions: "openblas", budget: 600 },
] as const;

for (const { convolutions, budget } of CONFIGURATIONS) {
  Deno.test(`native kernels: gradients match cpu within ${TOLERANCE} (convolutions in ${convolutions}, column budget ${budget} floats)`, async () => {
    const expected = await reference();
    await useBackend("wasm");
    const status = setKernelMode("native", { convolutions });
    const previous = setColumnBudget(budget);
    try {
      const blas = loadOpenBlas().ok;
      const dnnl = convolutions === "onednn" && loadOneDnn().ok;
      if (blas || dnnl) {
        assert.equal(status.active, "native");
        assert.equal(status.dnnl !== undefined, dnnl);
        assert.equal(status.blas !== undefined, blas);
        assert.match(
          status.detail,
          dnnl
            ? /^native kernels: onednn \d+\.\d+\.\d+ \(convolutions, \d+ threads?\)/
            : /^native kernels: openblas \(\w+, \d+ threads?\)/,
        );
      } else {
        assert.equal(status.active, "wasm");
        assert.match(status.detail, /no native kernels: OpenBLAS not/);
      }
      for (const [i, c] of GRADIENT_CASES.entries()) {
        const ids = tf.engine().backend.numDataIds();
        const got = await assertNoLeak(c.name, () => gradients(c, SEED));
        assert.equal(
          tf.engine().backend.numDataIds(),
          ids,
          `${c.name}: the kernels left scratch buffers on the wasm heap`,
        );
        const errValue = relativeError(got.value, expected[i].value);
        assert.ok(
          errValue <= TOLERANCE,
          `${c.name}: forward error ${errValue}`,
        );
        for (const [j, g] of got.grads.entries()) {
          const err = relativeError(g, expected[i].grads[j]);
          assert.ok(
            err <= TOLERANCE,
            `${c.name}: gradient of input ${j} has relative error ${err} > ${TOLERANCE}`,
          );
        }
      }
    } finally {
      setColumnBudget(previous);
      setKernelMode("wasm");
      await useBackend("cpu");
    }
  });
}

Deno.test("native kernels: fused conv2d with bias and leaky ReLU, and batched matMul with broadcast, match cpu", async () => {
  const run = () =>
    tf.tidy(() => {
      const x = tf.tensor4d(
        Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i)),
        [2, 6, 6, 3],
      );
      const w = tf.tensor4d(
        Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(i)),
        [3, 3, 3, 5],
      );
      const b = tf.tensor1d([0.1, -0.2, 0.3, -0.4, 0.5]);
      const y = tf.fused.conv2d({
        x,
        filter: w,
        strides: 2,
        pad: "same",
        bias: b,
        activation: "leakyrelu",
        leakyreluAlpha: 0.1,
      }); // [2, 3, 3, 5]
      const p = tf.tensor3d(
        Array.from({ length: 4 * 3 * 2 }, (_, i) => i / 7 - 1),
        [4, 3, 2],
      );
      const q = tf.tensor3d(
        Array.from({ length: 2 * 5 }, (_, i) => 1 - i / 3),
        [1, 2, 5],
      );
      const r = tf.matMul(p, q); // [4, 3, 5]
      return [y.dataSync(), r.dataSync()] as Float32Array[];
    });
  await useBackend("cpu");
  const [y0, r0] = run();
  await useBackend("wasm");
  setKernelMode("native");
  const [y1, r1] = await assertNoLeak("fused conv and batched matMul", run);
  setKernelMode("wasm");
  await useBackend("cpu");
  assert.ok(
    relativeError(y1, y0) <= TOLERANCE,
    `fused conv error ${relativeError(y1, y0)}`,
  );
  assert.ok(
    relativeError(r1, r0) <= TOLERANCE,
    `batched matMul error ${relativeError(r1, r0)}`,
  );
});

Deno.test("installKernels: the wasm backend line names the kernels in use", async () => {
  installKernels();
  installKernels(); // once per process
  const info = await useBackend("wasm");
  const line = formatBackendLine(info);
  assert.match(
    line,
    /^backend wasm \(simd, \d+ threads?, (native kernels: (onednn \d+\.\d+\.\d+ \(convolutions, \d+ threads?\), )?openblas \(\w+, \d+ threads?(; matrix products)?\)|relgan wasm kernels .*)\): requested$/,
  );
  assert.equal(
    line.match(/kernels/g)?.length ?? 0,
    line.includes("no native kernels") ? 3 : 1,
  );
  setKernelMode("wasm");
  await useBackend("cpu");
});

Deno.test("coreTypeForCpu maps AVX-512 to SkylakeX, AVX2 with FMA to Haswell, and anything else to none", () => {
  assert.equal(
    coreTypeForCpu(
      "flags\t\t: fpu sse2 avx2 fma avx512f avx512dq avx512bw avx512vl\n",
    ),
    "SkylakeX",
  );
  assert.equal(
    coreTypeForCpu("flags\t\t: fpu sse2 avx avx2 fma bmi2\n"),
    "Haswell",
  );
  assert.equal(coreTypeForCpu("flags\t\t: fpu sse2 avx\n"), undefined);
  assert.equal(coreTypeForCpu("processor : 0\n"), undefined);
});

Deno.test("loadOpenBlas: a missing library is reported with the fix, not thrown", () => {
  const probe = loadOpenBlas({ paths: ["/nonexistent/libopenblas.so.0"] });
  assert.equal(probe.ok, false);
  if (!probe.ok) {
    assert.match(
      probe.reason,
      /^OpenBLAS not found \(1 paths tried; Debian: apt-get install libopenblas0-pthread/,
    );
  }
});
