import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  type KernelMode,
  setKernelMode,
} from "../../src/backend/kernels/mod.ts";
import { matrixReduction } from "../../src/backend/kernels/_reduce.ts";
import { Rng } from "../../src/random.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";

// Sum/Mean: 1e-5 of the largest magnitude (float32 sums of up to 6144
// terms added in another order).
const REDUCE_TOLERANCE = 1e-5;
// leakyRelu: one float32 rounding (cpu rounds α·x from float64, XNNPACK
// multiplies in float32).
const ULP = 2 ** -23;

function normwiseError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "length mismatch");
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
const MODES: readonly KernelMode[] = ["wasm", "native"];

const REDUCTIONS: readonly [number[], number[], boolean][] = [
  [[8, 6, 8, 16], [0, 1, 2], false], // bias gradient: leading run
  [[8, 6, 8, 16], [0, 1, 2], true],
  [[8, 6, 8, 16], [1, 2, 3], false], // per-sample: trailing run
  [[8, 6, 8, 16], [2, 3], true],
  [[8, 6, 8, 16], [1, 2], false], // a middle run: the backend's own kernel
  [[96, 64], [0], false],
  [[96, 64], [-1], true],
  [[4, 4], [0], false], // small: the backend's own kernel
];

function inputs(seed: number, shape: number[]): Float32Array {
  return new Rng(seed).normal(tf.util.sizeFromShape(shape));
}

Deno.test("matrixReduction sees leading and trailing axis runs as one matrix, and nothing else", () => {
  assert.deepEqual(matrixReduction([8, 6, 8, 16], [0, 1, 2], false), {
    rows: 8 * 6 * 8,
    cols: 16,
    leading: true,
    outShape: [16],
  });
  assert.deepEqual(matrixReduction([8, 6, 8, 16], [3, 1, 2], true), {
    rows: 8,
    cols: 6 * 8 * 16,
    leading: false,
    outShape: [8, 1, 1, 1],
  });
  assert.equal(matrixReduction([8, 6, 8, 16], [1, 2], false), undefined);
  assert.equal(matrixReduction([8, 6], [0, 1], false), undefined);
});

Deno.test(`Sum and Mean over leading and trailing axes match cpu within ${REDUCE_TOLERANCE} in both kernel modes`, async () => {
  await useBackend("cpu");
  const expected = REDUCTIONS.map(([shape, axes, keep], i) =>
    tf.tidy(() => {
      const x = tf.tensor(inputs(i, shape), shape);
      return [tf.sum(x, axes, keep), tf.mean(x, axes, keep)].map((t) => ({
        shape: t.shape,
        values: t.dataSync() as Float32Array,
      }));
    })
  );
  await useBackend("wasm");
  try {
    for (const mode of MODES) {
      setKernelMode(mode);
      for (const [i, [shape, axes, keep]] of REDUCTIONS.entries()) {
        const got = await assertNoLeak(
          `${mode} reduce ${i}`,
          () =>
            tf.tidy(() => {
              const x = tf.tensor(inputs(i, shape), shape);
              return [tf.sum(x, axes, keep), tf.mean(x, axes, keep)].map((
                t,
              ) => ({
                shape: t.shape,
                values: t.dataSync() as Float32Array,
              }));
            }),
        );
        for (const [j, op] of ["sum", "mean"].entries()) {
          const label = `${mode} ${op} of [${shape}] over [${axes}]${
            keep ? " keepDims" : ""
          }`;
          assert.deepEqual(got[j].shape, expected[i][j].shape, label);
          const err = normwiseError(got[j].values, expected[i][j].values);
          assert.ok(err <= REDUCE_TOLERANCE, `${label}: error ${err}`);
        }
      }
    }
  } finally {
    setKernelMode("wasm");
    await useBackend("cpu");
  }
});

Deno.test(`leakyRelu on wasm, its gradient and its second derivative match cpu within ${ULP} relative`, async () => {
  const shape = [4, 8, 8, 32]; // 8192 elements: above the kernel's small-tensor cut
  const run = () =>
    tf.tidy(() => {
      const x = tf.tensor(inputs(5, shape), shape);
      const dy = tf.tensor(inputs(6, shape), shape);
      const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.1), dy));
      const g = tf.grad(f);
      // Second order: d/dx Σ (∂f/∂x)² is zero almost everywhere for leakyRelu.
      const gg = tf.grad((v: tf.Tensor) => tf.sum(tf.square(g(v))));
      return [tf.leakyRelu(x, 0.1), g(x), gg(x)].map((t) =>
        Array.from(t.dataSync())
      );
    });
  await useBackend("cpu");
  const [y0, g0, gg0] = run();
  await useBackend("wasm");
  try {
    for (const mode of MODES) {
      setKernelMode(mode);
      const [y1, g1, gg1] = await assertNoLeak(`${mode} leakyRelu`, run);
      assertClose(y1, y0, ULP, `${mode}: leakyRelu values`);
      assertClose(g1, g0, ULP, `${mode}: leakyRelu gradient`);
      assertClose(gg1, gg0, ULP, `${mode}: leakyRelu second derivative`);
    }
    // The gradient is dy where x > 0 and α·dy elsewhere, x = 0 included.
    const g = tf.tidy(() =>
      Array.from(
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.25), 4)))(
          tf.tensor1d([-2, 0, 3]),
        ).dataSync(),
      )
    );
    assert.deepEqual(g, [0.25 * 4, 0.25 * 4, 4]);
  } finally {
    setKernelMode("wasm");
    await useBackend("cpu");
  }
});

Deno.test("Identity on wasm shares data: a clone keeps its values after the original is disposed, and nothing leaks", async () => {
  await useBackend("wasm");
  try {
    setKernelMode("wasm");
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.clone(x);
    assert.equal(tf.engine().backend.numDataIds(), before + 1, "no copy made");
    x.dispose();
    assert.deepEqual(Array.from(await y.data()), [1, 2, 3, 4]);
    y.dispose();
    assert.equal(
      tf.engine().backend.numDataIds(),
      before,
      "data freed with its last reference",
    );
  } finally {
    await useBackend("cpu");
  }
});
