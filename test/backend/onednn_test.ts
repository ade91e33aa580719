import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  type DnnlConvShape,
  type DnnlLayout,
  loadOneDnn,
} from "../../src/backend/native/mod.ts";
import { autoLayout } from "../../src/backend/native/onednn.ts";
import { dnnlShape } from "../../src/backend/native/_onednn_kernels.ts";
import { convGeometry } from "../../src/backend/kernels/_layout.ts";
import { Rng } from "../../src/random.ts";

// Normwise: max |got − cpu| / max |cpu| (float32 sums in another order).
const TOLERANCE = 1e-5;

function normwise(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}
const LIB = "/usr/lib/x86_64-linux-gnu/libdnnl.so.2";
const present = loadOneDnn().ok;

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly stride: number;
  readonly pad: "same" | "valid";
  readonly dilation: number;
}

const CASES: readonly Case[] = [
  {
    name: "3×3 s1 same, 16→24",
    x: [2, 7, 7, 16],
    f: [3, 3, 16, 24],
    stride: 1,
    pad: "same",
    dilation: 1,
  },
  {
    name: "4×4 s2 same, 16→16",
    x: [2, 8, 8, 16],
    f: [4, 4, 16, 16],
    stride: 2,
    pad: "same",
    dilation: 1,
  },
  {
    name: "3×3 s2 valid, 16→32, a row left over",
    x: [2, 10, 9, 16],
    f: [3, 3, 16, 32],
    stride: 2,
    pad: "valid",
    dilation: 1,
  },
  {
    name: "3×3 dilation 2 same, 16→16",
    x: [1, 9, 9, 16],
    f: [3, 3, 16, 16],
    stride: 1,
    pad: "same",
    dilation: 2,
  },
  {
    name: "3×3 s1 same, 3→8 (an image's first layer)",
    x: [2, 6, 6, 3],
    f: [3, 3, 3, 8],
    stride: 1,
    pad: "same",
    dilation: 1,
  },
];

function data(seed: number, shape: number[]): Float32Array {
  return new Rng(seed).normal(tf.util.sizeFromShape(shape));
}

/** y, dx and dW from the cpu backend, and oneDNN's geometry. */
function reference(c: Case) {
  const tensors = tf.tidy(() => {
    const x = tf.tensor4d(data(1, c.x), c.x);
    const w = tf.tensor4d(data(2, c.f), c.f);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      tf.conv2d(a, b, c.stride, c.pad, "NHWC", c.dilation);
    const y = conv(x, w);
    const dy = tf.tensor4d(
      data(3, y.shape),
      y.shape as number[] as [number, number, number, number],
    );
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy));
    // tfjs has no gradients of dilated convolutions: those cases check
    // the adjoint identities ⟨y, dy⟩ = ⟨x, dx⟩ = ⟨W, dW⟩ instead.
    const [dx, dw] = c.dilation === 1
      ? tf.grads(loss)([x, w])
      : [tf.zeros([0]), tf.zeros([0])];
    return [x, w, y, dy, dx, dw];
  });
  const [x, w, y, dy, dx, dw] = tensors.map((t) =>
    t.dataSync() as Float32Array
  );
  tf.dispose(tensors);
  const g = convGeometry("test", c.x, c.f, {
    strides: c.stride,
    pad: c.pad,
    dilations: c.dilation,
  });
  return { x, w, y, dy, dx, dw, shape: dnnlShape(g) };
}

const ptr = (a: Float32Array) => Deno.UnsafePointer.of(a);

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

Deno.test({
  name:
    `oneDNN forward, input and filter gradients match cpu within ${TOLERANCE} in every layout`,
  ignore: !present,
  fn: async () => {
    await useBackend("cpu");
    const refs = CASES.map(reference);
    for (const layout of ["plain", "weights", "all", "auto"] as DnnlLayout[]) {
      const probe = loadOneDnn([LIB], layout);
      assert.ok(probe.ok, `oneDNN loads with layout ${layout}`);
      const dnnl = probe.dnnl;
      for (const [i, c] of CASES.entries()) {
        const r = refs[i];
        const y = new Float32Array(r.y.length).fill(NaN);
        const dx = new Float32Array(r.x.length).fill(NaN);
        const dw = new Float32Array(r.w.length).fill(NaN);
        for (let rep = 0; rep < 2; rep++) { // the second call reuses the cached primitive
          dnnl.run("forward", r.shape, {
            src: ptr(r.x),
            weights: ptr(r.w),
            dst: ptr(y),
          });
          dnnl.run("backward_data", r.shape, {
            src: ptr(dx),
            weights: ptr(r.w),
            dst: ptr(r.dy),
          });
          dnnl.run("backward_weights", r.shape, {
            src: ptr(r.x),
            weights: ptr(dw),
            dst: ptr(r.dy),
          });
        }
        const label = `${c.name}, layout ${layout} (${
          dnnl.implementation("forward", r.shape)
        })`;
        const checks: [string, number][] = [["y", normwise(y, r.y)]];
        if (c.dilation === 1) {
          checks.push(["dx", normwise(dx, r.dx)], ["dW", normwise(dw, r.dw)]);
        } else {
          const yy = dot(r.y, r.dy);
          checks.push(
            [
              "⟨x, dx⟩ against ⟨y, dy⟩",
              Math.abs(dot(r.x, dx) - yy) / Math.abs(yy),
            ],
            [
              "⟨W, dW⟩ against ⟨y, dy⟩",
              Math.abs(dot(r.w, dw) - yy) / Math.abs(yy),
            ],
          );
        }
        for (const [what, err] of checks) {
          assert.ok(
            err <= TOLERANCE,
            `${label}: ${what}: relative error ${err}`,
          );
        }
      }
    }
  },
});

Deno.test({
  name:
    "oneDNN forward adds a per-channel bias; auto layout keeps narrow layers' activations plain",
  ignore: !present,
  fn: () => {
    const probe = loadOneDnn();
    assert.ok(probe.ok);
    const s: DnnlConvShape = {
      batch: 1,
      inH: 1,
      inW: 1,
      inC: 2,
      outH: 1,
      outW: 1,
      outC: 2,
      kH: 1,
      kW: 1,
      strideH: 1,
      strideW: 1,
      dilationH: 1,
      dilationW: 1,
      padTop: 0,
      padLeft: 0,
      padBottom: 0,
      padRight: 0,
    };
    const x = new Float32Array([1, 2]);
    const w = new Float32Array([1, 10, 100, 1000]); // [1, 1, in 2, out 2]
    const b = new Float32Array([0.5, -0.5]);
    const y = new Float32Array(2);
    probe.dnnl.run("forward", s, {
      src: ptr(x),
      weights: ptr(w),
      dst: ptr(y),
      bias: ptr(b),
    });
    assert.deepEqual(Array.from(y), [
      1 * 1 + 2 * 100 + 0.5,
      1 * 10 + 2 * 1000 - 0.5,
    ]);
    assert.equal(autoLayout(s), "weights");
    assert.equal(autoLayout({ ...s, inC: 16, outC: 64 }), "all");
  },
});

Deno.test("loadOneDnn: a missing library is reported with the fix, not thrown", () => {
  const probe = loadOneDnn(["/nonexistent/libdnnl.so.2"]);
  assert.equal(probe.ok, false);
  if (!probe.ok) {
    assert.match(
      probe.reason,
      /^oneDNN not found \(1 tried: \/nonexistent\/libdnnl\.so\.2: .*apt-get install libdnnl2/,
    );
  }
});
