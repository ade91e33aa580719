/**
 * Matrix products on the wasm backend through XNNPACK's fast path.
 *
 * tfjs-backend-wasm 4.22 multiplies untransposed operands with XNNPACK
 * (about 20 GFLOP/s here) but falls back to a scalar loop when either
 * operand is transposed (0.5 to 2 GFLOP/s), and every matrix-product
 * gradient transposes one. These helpers lay the transposed operand out
 * first (a copy of one operand, O(size) against the product's O(m·k·n)),
 * choosing between `C = A'·B'` and `Cᵀ = B'ᵀ·A'ᵀ` by which copies less.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  callOriginal,
  heap,
  offsetOf,
  release,
  type WasmBackend,
} from "./_wasm.ts";
import { transpose2d } from "./_layout.ts";

/** A tensor seen as `[batch, rows, cols]`, and whether the caller owns it. */
interface Operand {
  readonly info: tf.TensorInfo;
  readonly owned: boolean;
}

/**
 * `[batch, rows, cols]` data laid out as `[batch, cols, rows]`, always in a
 * new tensor: XNNPACK caches operators by tensor id, so the same data must
 * not reach it again under another shape (which a reshaped view would do).
 */
export function transposed(
  backend: WasmBackend,
  info: tf.TensorInfo,
  batch: number,
  rows: number,
  cols: number,
): Operand {
  const out = allocate(backend, [batch, cols, rows]);
  transpose2d(
    heap(backend),
    offsetOf(backend, info),
    offsetOf(backend, out),
    batch,
    rows,
    cols,
  );
  return { info: out, owned: true };
}

function cost(rows: number, cols: number, batch: number): number {
  return rows === 1 || cols === 1 ? 0 : rows * cols * batch;
}

/**
 * `op(A)·op(B)` for rank-3 `a` `[batchA, ·, ·]` and `b` `[batchB, ·, ·]`
 * with XNNPACK's untransposed product only.
 *
 * @returns `[max(batchA, batchB), m, n]`, owned by the caller.
 */
export function matMul3d(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const [batchA, rowsA, colsA] = a.shape;
  const [batchB, rowsB, colsB] = b.shape;
  const nn = { transposeA: false, transposeB: false };
  if (!transposeA && !transposeB) {
    return callOriginal("BatchMatMul", backend, { a, b }, nn);
  }
  const m = transposeA ? colsA : rowsA;
  const n = transposeB ? rowsB : colsB;
  const batch = Math.max(batchA, batchB);
  const direct = (transposeA ? cost(rowsA, colsA, batchA) : 0) +
    (transposeB ? cost(rowsB, colsB, batchB) : 0);
  const swapped = (transposeA ? 0 : cost(rowsA, colsA, batchA)) +
    (transposeB ? 0 : cost(rowsB, colsB, batchB)) + cost(m, n, batch);

  if (direct <= swapped) {
    const left = transposeA
      ? transposed(backend, a, batchA, rowsA, colsA)
      : { info: a, owned: false };
    const right = transposeB
      ? transposed(backend, b, batchB, rowsB, colsB)
      : { info: b, owned: false };
    const out = callOriginal(
      "BatchMatMul",
      backend,
      { a: left.info, b: right.info },
      nn,
    );
    for (const o of [left, right]) if (o.owned) release(backend, o.info);
    return out;
  }

  // Cᵀ = op(B)ᵀ · op(A)ᵀ, where op(B)ᵀ is B itself when B was transposed.
  const left = transposeB
    ? { info: b, owned: false }
    : transposed(backend, b, batchB, rowsB, colsB);
  const right = transposeA
    ? { info: a, owned: false }
    : transposed(backend, a, batchA, rowsA, colsA);
  const outT = callOriginal(
    "BatchMatMul",
    backend,
    { a: left.info, b: right.info },
    nn,
  ); // [batch, n, m]
  for (const o of [left, right]) if (o.owned) release(backend, o.info);
  const out = transposed(backend, outT, batch, n, m);
  if (out.owned) {
    release(backend, outT);
    return out.info;
  }
  return { ...outT, shape: [batch, m, n] };
}
