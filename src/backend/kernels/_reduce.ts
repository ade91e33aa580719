/**
 * `Sum` and `Mean` over leading or trailing axes on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 moves the reduced axes last with a transpose and
 * then sums; reducing an NHWC tensor over `[0, 1, 2]` (every bias gradient
 * and batch-norm statistic) runs at about 0.09 G elements/s here. Seen as a
 * matrix `[rows, cols]`, a reduction over leading axes sums the rows and one
 * over trailing axes sums each row; relgan does that directly:
 * - with OpenBLAS (native mode): `Xᵀ·1` or `X·1`, a matrix-vector product
 *   with a vector of ones (of `1/n` for `Mean`);
 * - in pure wasm: one pass over the rows with float64 accumulators (about
 *   0.35 G elements/s).
 * Other axis sets, other dtypes and small tensors keep the backend's own
 * kernels.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  callOriginal,
  heap,
  offsetOf,
  release,
  type WasmBackend,
  type WasmKernelFunc,
} from "./_wasm.ts";
import type { OpenBlas } from "../native/openblas.ts";

const SMALL = 4096;

/** A reduction seen as a `[rows, cols]` matrix: sum its rows (`leading`) or each row. */
export interface MatrixReduction {
  readonly rows: number;
  readonly cols: number;
  readonly leading: boolean;
  readonly outShape: number[];
}

/**
 * Whether reducing `shape` over `axes` sums the rows or the columns of one
 * matrix view of it, and that view.
 *
 * @param shape The input's shape.
 * @param axis The kernel's `axis` attribute.
 * @param keepDims Whether reduced axes stay as 1s.
 * @returns The view, or `undefined` when the axes are neither a leading nor
 * a trailing run (or are all of them, or none).
 */
export function matrixReduction(
  shape: readonly number[],
  axis: number | number[],
  keepDims: boolean,
): MatrixReduction | undefined {
  const rank = shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(axis, [...shape]))].sort(
    (a, b) => a - b,
  );
  const k = axes.length;
  if (k === 0 || k === rank) return undefined;
  const leading = axes.every((a, i) => a === i);
  const trailing = axes.every((a, i) => a === rank - k + i);
  if (!leading && !trailing) return undefined;
  const split = leading ? k : rank - k;
  const rows = tf.util.sizeFromShape(shape.slice(0, split));
  const cols = tf.util.sizeFromShape(shape.slice(split));
  const outShape = keepDims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
  return { rows, cols, leading, outShape };
}

/** Sums rows (`leading`) or each row of `mem[x …]` into `mem[out …]`, times `scale`. */
function reduceLoop(
  mem: Float32Array<ArrayBufferLike>,
  x: number,
  out: number,
  r: MatrixReduction,
  scale: number,
): void {
  const { rows, cols } = r;
  if (r.leading) {
    const acc = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const row = x + i * cols;
      for (let j = 0; j < cols; j++) acc[j] += mem[row + j];
    }
    for (let j = 0; j < cols; j++) mem[out + j] = acc[j] * scale;
    return;
  }
  for (let i = 0; i < rows; i++) {
    const row = x + i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += mem[row + j];
    mem[out + i] = s * scale;
  }
}

function reduceBlas(
  blas: OpenBlas,
  backend: WasmBackend,
  x: tf.TensorInfo,
  out: tf.TensorInfo,
  r: MatrixReduction,
  scale: number,
): void {
  const n = r.leading ? r.rows : r.cols;
  const ones = allocate(backend, [n]);
  const mem = heap(backend);
  const o = offsetOf(backend, ones);
  mem.fill(scale, o, o + n);
  const xs = mem.subarray(offsetOf(backend, x));
  const os = mem.subarray(offsetOf(backend, out));
  // Leading: [cols] = Xᵀ·1 with X [rows, cols]; trailing: [rows] = X·1.
  blas.sgemv(r.leading, r.rows, r.cols, 1, xs, r.cols, mem.subarray(o), 0, os);
  release(backend, ones);
}

/**
 * Builds `Sum` and `Mean` kernels.
 *
 * @param blas OpenBLAS for the products with ones, or `undefined` for the
 * pure-wasm loop.
 * @returns The kernels by name.
 */
export function reduceKernels(
  blas: OpenBlas | undefined,
): Record<string, WasmKernelFunc> {
  const make = (name: "Sum" | "Mean"): WasmKernelFunc => (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const r = x.dtype === "float32" &&
        tf.util.sizeFromShape(x.shape) >= SMALL
      ? matrixReduction(
        x.shape,
        attrs!.axis as number | number[],
        attrs!.keepDims === true,
      )
      : undefined;
    if (r === undefined) return callOriginal(name, backend, inputs, attrs);
    const scale = name === "Mean" ? 1 / (r.leading ? r.rows : r.cols) : 1;
    const out = allocate(backend, r.outShape);
    if (blas !== undefined) reduceBlas(blas, backend, x, out, r, scale);
    else {
      reduceLoop(
        heap(backend),
        offsetOf(backend, x),
        offsetOf(backend, out),
        r,
        scale,
      );
    }
    return out;
  };
  return { Sum: make("Sum"), Mean: make("Mean") };
}
