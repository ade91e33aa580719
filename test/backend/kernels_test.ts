import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import { kernelModeFor, setKernelMode } from "../../src/backend/kernels/mod.ts";
import { setColumnBudget } from "../../src/backend/kernels/_layout.ts";
import { installCpuKernels } from "../../src/backend/kernels/_cpu_kernels.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  GRADIENT_CASES,
  type GradientResult,
  gradients,
  relativeError,
  WASM_CONV_CASES,
} from "./_gradient_cases.ts";
import {
  type ConvPaths,
  setConvPaths,
} from "../../src/backend/kernels/_wasm_conv_paths.ts";
import { Rng } from "../../src/random.ts";

const TOLERANCE = 1e-4;
const SEED = 20261203;

const ALL_CASES = [...GRADIENT_CASES, ...WASM_CONV_CASES];

async function reference(): Promise<GradientResult[]> {
  await useBackend("cpu");
  return ALL_CASES.map((c) => gradients(c, SEED));
}

/** Every forced combination of the pure-wasm convolution paths, and the measured choice. */
const PATHS: readonly Partial<ConvPaths>[] = [
  { forward: "auto", filter: "auto", input: "auto" },
  { forward: "im2col", filter: "simd", input: "col2im" },
  { forward: "xnnpack", filter: "dilated", input: "subpixel" },
  { forward: "im2col", filter: "xnnpack", input: "subpixel" },
];

for (const paths of PATHS) {
  for (const budget of [1 << 23, 600]) {
    Deno.test(`pure wasm kernels (${paths.forward} forward, ${paths.filter} filter gradient, ${paths.input} input gradient): gradients match cpu within ${TOLERANCE}, no scratch left (column budget ${budget} floats)`, async () => {
      const expected = await reference();
      await useBackend("wasm");
      const status = setKernelMode("wasm");
      assert.equal(status.active, "wasm");
      const previous = setColumnBudget(budget);
      const previousPaths = setConvPaths(paths);
      try {
        for (const [i, c] of ALL_CASES.entries()) {
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
          assert.equal(got.grads.length, c.shapes.length);
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
        setConvPaths(previousPaths);
        await useBackend("cpu");
      }
    });
  }
}

Deno.test("pure wasm: dilated forward convolutions (im2col and XNNPACK paths) match cpu", async () => {
  const rng = new Rng(SEED);
  const xs = rng.normal(2 * 9 * 8 * 3);
  const ws = rng.normal(3 * 3 * 3 * 8);
  const run = () =>
    tf.tidy(() =>
      tf.conv2d(
        tf.tensor4d(xs, [2, 9, 8, 3]),
        tf.tensor4d(ws, [3, 3, 3, 8]),
        1,
        "same",
        "NHWC",
        [2, 2],
      ).dataSync() as Float32Array
    ); // [2, 9, 8, 8]
  await useBackend("cpu");
  const expected = run();
  await useBackend("wasm");
  setKernelMode("wasm");
  for (const forward of ["im2col", "xnnpack"] as const) {
    const previous = setConvPaths({ forward });
    try {
      const err = relativeError(run(), expected);
      assert.ok(err <= TOLERANCE, `${forward}: relative error ${err}`);
    } finally {
      setConvPaths(previous);
    }
  }
  await useBackend("cpu");
});

function upsamplingGradient(n: number, h: number, w: number, c: number) {
  const dyValues = Array.from({ length: n * 2 * h * 2 * w * c }, (_, i) => i);
  const got = tf.tidy(() => {
    const dy = tf.tensor(dyValues, [n, 2 * h, 2 * w, c]);
    const f = (x: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [2 * h, 2 * w]),
          dy,
        ),
      );
    return tf.grad(f)(tf.zeros([n, h, w, c])).dataSync();
  });
  const expected: number[] = [];
  const at = (b: number, y: number, x: number, ch: number) =>
    dyValues[((b * 2 * h + y) * 2 * w + x) * c + ch];
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          expected.push(
            at(b, 2 * y, 2 * x, ch) + at(b, 2 * y, 2 * x + 1, ch) +
              at(b, 2 * y + 1, 2 * x, ch) + at(b, 2 * y + 1, 2 * x + 1, ch),
          );
        }
      }
    }
  }
  return { got: Array.from(got), expected };
}

Deno.test("pure wasm: nearest-neighbour upsampling gradient sums each 2 × 2 block, per image", async () => {
  await useBackend("wasm");
  setKernelMode("wasm");
  const { got, expected } = upsamplingGradient(2, 2, 3, 2);
  assert.deepEqual(got, expected);
  await useBackend("cpu");
});

Deno.test("cpu: the replaced ResizeNearestNeighborGrad sums each 2 × 2 block of every image, not only the first", async () => {
  await useBackend("cpu");
  installCpuKernels();
  const { got, expected } = await assertNoLeak(
    "upsampling gradient",
    () => upsamplingGradient(3, 2, 3, 2),
  );
  assert.deepEqual(got, expected);
});

Deno.test("nearest-neighbour upsampling gradient is the adjoint of the forward on cpu and wasm: <A x, y> = <x, Aᵀ y> for every alignCorners / halfPixelCenters", async () => {
  const combos = [[false, false], [true, false], [false, true]] as const;
  for (const backend of ["cpu", "wasm"] as const) {
    await useBackend(backend);
    installCpuKernels();
    setKernelMode("wasm");
    for (const [alignCorners, halfPixelCenters] of combos) {
      const [lhs, rhs] = tf.tidy(() => {
        const x = tf.tensor4d(
          Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => Math.cos(1.3 * i)),
          [2, 3, 4, 2],
        );
        const y = tf.tensor4d(
          Array.from({ length: 2 * 7 * 5 * 2 }, (_, i) => Math.sin(i)),
          [2, 7, 5, 2],
        );
        const resize = (t: tf.Tensor) =>
          tf.image.resizeNearestNeighbor(
            t as tf.Tensor4D,
            [7, 5],
            alignCorners,
            halfPixelCenters,
          ); // [2, 7, 5, 2]
        const adjointY = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(resize(t), y))
        )(x);
        return [
          tf.sum(tf.mul(resize(x), y)).dataSync()[0],
          tf.sum(tf.mul(x, adjointY)).dataSync()[0],
        ];
      });
      assert.ok(
        Math.abs(lhs - rhs) <= 1e-5 * Math.max(1, Math.abs(lhs)),
        `${backend}, alignCorners ${alignCorners}, halfPixelCenters ${halfPixelCenters}: <Ax, y> = ${lhs} but <x, Aᵀy> = ${rhs}`,
      );
    }
  }
  await useBackend("cpu");
});

Deno.test("pure wasm: Conv2DBackpropFilter equals the plain-number sum over positions", async () => {
  await useBackend("wasm");
  setKernelMode("wasm");
  // x [1, 3, 3, 1] = 1..9, dy [1, 2, 2, 1] = 1..4, 2 × 2 filter, stride 1.
  const got = tf.tidy(() => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
      strides: 1,
      pad: "valid",
      dataFormat: "NHWC",
      filterShape: [2, 2, 1, 1],
    }) as tf.Tensor;
  });
  // dW[a, b] = Σ_{i,j} x[i + a, j + b] · dy[i, j]
  const x = (i: number, j: number) => 3 * i + j + 1;
  const dy = (i: number, j: number) => 2 * i + j + 1;
  const expected = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([a, b]) =>
    dy(0, 0) * x(a, b) + dy(0, 1) * x(a, b + 1) + dy(1, 0) * x(a + 1, b) +
    dy(1, 1) * x(a + 1, b + 1)
  );
  assert.deepEqual(Array.from(got.dataSync()), expected);
  got.dispose();
  await useBackend("cpu");
});

Deno.test("setKernelMode rejects an unknown mode with the accepted values", () => {
  assert.throws(
    () => setKernelMode("gpu" as "wasm"),
    (e: unknown) =>
      e instanceof RangeError && /expected "wasm" or "native"/.test(e.message),
  );
});

Deno.test("kernelModeFor: explicit wasm and RELGAN_NATIVE=0 stay pure, auto goes native", () => {
  assert.equal(kernelModeFor({ choice: "wasm" }), "wasm");
  assert.equal(kernelModeFor(undefined, "0"), "wasm");
  assert.equal(kernelModeFor({ choice: "auto" }), "native");
  assert.equal(kernelModeFor(undefined), "native");
});

Deno.test("pure wasm: Tile repeats every axis as out[i] = x[i mod shape] does, for ranks 1 to 4", async () => {
  await useBackend("wasm");
  setKernelMode("wasm");
  const cases: [number[], number[]][] = [
    [[5], [3]],
    [[2, 3], [3, 2]],
    [[2, 1, 3], [1, 4, 2]],
    [[1, 1, 1, 6], [2, 3, 4, 1]],
    [[2, 3, 1, 5], [2, 1, 3, 2]],
  ];
  for (const [shape, reps] of cases) {
    const size = shape.reduce((p, d) => p * d, 1);
    const values = Array.from({ length: size }, (_, i) => i + 0.5);
    const got = await assertNoLeak(
      `tile ${shape} by ${reps}`,
      () =>
        tf.tidy(() =>
          Array.from(tf.tile(tf.tensor(values, shape), reps).dataSync())
        ),
    );
    const outShape = shape.map((d, i) => d * reps[i]);
    const expected: number[] = [];
    const total = outShape.reduce((p, d) => p * d, 1);
    for (let flat = 0; flat < total; flat++) {
      let rest = flat;
      let src = 0;
      let scale = 1;
      for (let k = shape.length - 1; k >= 0; k--) {
        const i = rest % outShape[k];
        rest = Math.floor(rest / outShape[k]);
        src += (i % shape[k]) * scale;
        scale *= shape[k];
      }
      expected.push(values[src]);
    }
    assert.deepEqual(got, expected, `tile ${shape} by ${reps}`);
  }
  await useBackend("cpu");
});
