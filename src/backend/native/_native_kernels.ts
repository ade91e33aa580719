/**
 * Kernels for the wasm backend that run their matrix products in OpenBLAS
 * on the tensors' wasm memory, without copying them out: every array handed
 * to `cblas_sgemm` is a view of the wasm module's memory (re-taken after
 * each allocation, since the memory may have grown).
 *
 * - `Conv2D`, `FusedConv2D`: `y = im2col(x)·W` (`[rows, kH·kW·inC]` ×
 *   `[kH·kW·inC, outC]`), then bias and activation.
 * - `Conv2DBackpropInput` (input gradient, transposed convolution):
 *   `dx = col2im(dy·Wᵀ)`.
 * - `Conv2DBackpropFilter`: `dW = Σ_chunks im2col(x)ᵀ·dy` (β = 1 after the
 *   first chunk).
 * - `BatchMatMul`, `_FusedMatMul`: one `sgemm` per batch entry, with
 *   OpenBLAS's own transposes.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  heap,
  offsetOf,
  release,
  type WasmBackend,
  type WasmKernelFunc,
} from "../kernels/_wasm.ts";
import {
  chunkImages,
  col2im,
  colWidth,
  type ConvGeometry,
  convGeometry,
  im2col,
  isPointwise,
} from "../kernels/_layout.ts";
import { WASM_KERNELS } from "../kernels/_wasm_kernels.ts";
import type { OpenBlas } from "./openblas.ts";

/** A view starting at float index `at` (for `sgemm`'s array arguments). */
function at(mem: Float32Array<ArrayBufferLike>, index: number) {
  return mem.subarray(index);
}

/** Applies a fused bias and activation in place to `C` `[rows, n]`. */
export function epilogue(
  backend: WasmBackend,
  out: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation: string,
  alpha: number,
  prelu: tf.TensorInfo | undefined,
): void {
  const size = tf.util.sizeFromShape(out.shape);
  const mem = heap(backend);
  const c = offsetOf(backend, out);
  if (bias !== undefined) {
    const b = offsetOf(backend, bias);
    const period = tf.util.sizeFromShape(bias.shape);
    for (let i = 0; i < size; i++) mem[c + i] += mem[b + (i % period)];
  }
  switch (activation) {
    case "linear":
      return;
    case "relu":
      for (let i = c; i < c + size; i++) if (mem[i] < 0) mem[i] = 0;
      return;
    case "relu6":
      for (let i = c; i < c + size; i++) {
        mem[i] = Math.min(6, Math.max(0, mem[i]));
      }
      return;
    case "elu":
      for (let i = c; i < c + size; i++) {
        if (mem[i] < 0) mem[i] = Math.expm1(mem[i]);
      }
      return;
    case "leakyrelu":
      for (let i = c; i < c + size; i++) if (mem[i] < 0) mem[i] *= alpha;
      return;
    case "sigmoid":
      for (let i = c; i < c + size; i++) mem[i] = 1 / (1 + Math.exp(-mem[i]));
      return;
    case "prelu": {
      const p = offsetOf(backend, prelu!);
      const period = tf.util.sizeFromShape(prelu!.shape);
      for (let i = 0; i < size; i++) {
        if (mem[c + i] < 0) mem[c + i] *= mem[p + (i % period)];
      }
      return;
    }
    default:
      throw new TypeError(
        `Cannot apply fused activation "${activation}" in relgan's native kernels: expected one of linear, relu, relu6, elu, leakyrelu, sigmoid, prelu`,
      );
  }
}

/** Whether a fused operand broadcasts along the last axis only (size n or 1). */
export function lastAxisOnly(
  info: tf.TensorInfo | undefined,
  n: number,
): boolean {
  if (info === undefined) return true;
  const size = tf.util.sizeFromShape(info.shape);
  return size === n || size === 1;
}

/** `y [batch, outH, outW, outC] = conv(x, W)` through im2col and sgemm. */
function convForward(
  blas: OpenBlas,
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const y = allocate(backend, [g.batch, g.outH, g.outW, g.outC]);
  if (isPointwise(g)) {
    const mem = heap(backend);
    blas.sgemm(
      false,
      false,
      g.batch * pixels,
      g.outC,
      g.inC,
      1,
      at(mem, offsetOf(backend, x)),
      g.inC,
      at(mem, offsetOf(backend, filter)),
      g.outC,
      0,
      at(mem, offsetOf(backend, y)),
      g.outC,
    );
    return y;
  }
  const step = chunkImages(g);
  const cols = allocate(backend, [Math.min(step, g.batch) * pixels, width]);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const rows = (n1 - n0) * pixels;
    const mem = heap(backend);
    im2col(mem, offsetOf(backend, x), offsetOf(backend, cols), g, n0, n1);
    blas.sgemm(
      false,
      false,
      rows,
      g.outC,
      width,
      1,
      at(mem, offsetOf(backend, cols)),
      width,
      at(mem, offsetOf(backend, filter)),
      g.outC,
      0,
      at(mem, offsetOf(backend, y) + n0 * pixels * g.outC),
      g.outC,
    );
  }
  release(backend, cols);
  return y;
}

/** Builds the native kernels bound to one loaded OpenBLAS. */
export function nativeKernels(
  blas: OpenBlas,
): Record<string, WasmKernelFunc> {
  const conv2d: WasmKernelFunc = ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const g = convGeometry("Conv2D", x.shape, filter.shape, attrs!);
    return convForward(blas, backend, x, filter, g);
  };

  const fusedConv2d: WasmKernelFunc = ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const prelu = inputs.preluActivationWeights as tf.TensorInfo | undefined;
    const g = convGeometry("FusedConv2D", x.shape, filter.shape, attrs!);
    if (!lastAxisOnly(bias, g.outC) || !lastAxisOnly(prelu, g.outC)) {
      throw new TypeError(
        `Cannot run FusedConv2D natively with bias [${bias?.shape}] or PReLU weights [${prelu?.shape}]: they must have ${g.outC} elements (one per output channel). Fix: reshape them to [${g.outC}]`,
      );
    }
    const y = convForward(blas, backend, x, filter, g);
    epilogue(
      backend,
      y,
      bias,
      (attrs!.activation as string) ?? "linear",
      (attrs!.leakyreluAlpha as number) ?? 0.2,
      prelu,
    );
    return y;
  };

  const backpropInput: WasmKernelFunc = ({ inputs, backend, attrs }) => {
    const dy = inputs.dy as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const inputShape = attrs!.inputShape as number[];
    const g = convGeometry(
      "Conv2DBackpropInput",
      inputShape,
      filter.shape,
      attrs!,
    );
    const width = colWidth(g);
    const pixels = g.outH * g.outW;
    if (isPointwise(g)) {
      const dx = allocate(backend, inputShape);
      const mem = heap(backend);
      blas.sgemm(
        false,
        true,
        g.batch * pixels,
        g.inC,
        g.outC,
        1,
        at(mem, offsetOf(backend, dy)),
        g.outC,
        at(mem, offsetOf(backend, filter)),
        g.outC,
        0,
        at(mem, offsetOf(backend, dx)),
        g.inC,
      );
      return dx;
    }
    const dx = allocate(backend, inputShape, true);
    const step = chunkImages(g);
    const cols = allocate(backend, [Math.min(step, g.batch) * pixels, width]);
    for (let n0 = 0; n0 < g.batch; n0 += step) {
      const n1 = Math.min(g.batch, n0 + step);
      const rows = (n1 - n0) * pixels;
      const mem = heap(backend);
      blas.sgemm(
        false,
        true,
        rows,
        width,
        g.outC,
        1,
        at(mem, offsetOf(backend, dy) + n0 * pixels * g.outC),
        g.outC,
        at(mem, offsetOf(backend, filter)),
        g.outC,
        0,
        at(mem, offsetOf(backend, cols)),
        width,
      ); // [rows, kH·kW·inC]
      col2im(mem, offsetOf(backend, cols), offsetOf(backend, dx), g, n0, n1);
    }
    release(backend, cols);
    return dx;
  };

  const backpropFilter: WasmKernelFunc = ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const dy = inputs.dy as tf.TensorInfo;
    const filterShape = attrs!.filterShape as number[];
    const g = convGeometry(
      "Conv2DBackpropFilter",
      x.shape,
      filterShape,
      attrs!,
    );
    const width = colWidth(g);
    const pixels = g.outH * g.outW;
    const dw = allocate(backend, filterShape); // [kH·kW·inC, outC]
    if (isPointwise(g)) {
      const mem = heap(backend);
      blas.sgemm(
        true,
        false,
        width,
        g.outC,
        g.batch * pixels,
        1,
        at(mem, offsetOf(backend, x)),
        width,
        at(mem, offsetOf(backend, dy)),
        g.outC,
        0,
        at(mem, offsetOf(backend, dw)),
        g.outC,
      );
      return dw;
    }
    const step = chunkImages(g);
    const cols = allocate(backend, [Math.min(step, g.batch) * pixels, width]);
    for (let n0 = 0; n0 < g.batch; n0 += step) {
      const n1 = Math.min(g.batch, n0 + step);
      const rows = (n1 - n0) * pixels;
      const mem = heap(backend);
      im2col(mem, offsetOf(backend, x), offsetOf(backend, cols), g, n0, n1);
      blas.sgemm(
        true,
        false,
        width,
        g.outC,
        rows,
        1,
        at(mem, offsetOf(backend, cols)),
        width,
        at(mem, offsetOf(backend, dy) + n0 * pixels * g.outC),
        g.outC,
        n0 === 0 ? 0 : 1,
        at(mem, offsetOf(backend, dw)),
        g.outC,
      );
    }
    release(backend, cols);
    return dw;
  };

  /** `C [batch, m, n] = op(A)·op(B)` per batch entry; undefined when the batch dims do not simply broadcast. */
  const product = (
    backend: WasmBackend,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ): tf.TensorInfo | undefined => {
    const ra = a.shape.length;
    const rb = b.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    const batch = tf.util.sizeFromShape(outBatch);
    if (!(batchA === batchB || batchA === 1 || batchB === 1)) return undefined;
    if (batchA !== batchB && batch !== Math.max(batchA, batchB)) {
      return undefined;
    }
    const [rowsA, colsA] = [a.shape[ra - 2], a.shape[ra - 1]];
    const [rowsB, colsB] = [b.shape[rb - 2], b.shape[rb - 1]];
    const m = transposeA ? colsA : rowsA;
    const k = transposeA ? rowsA : colsA;
    const n = transposeB ? rowsB : colsB;
    const out = allocate(backend, [...outBatch, m, n]);
    const mem = heap(backend);
    const oa = offsetOf(backend, a);
    const ob = offsetOf(backend, b);
    const oc = offsetOf(backend, out);
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i;
      const ib = batchB === 1 ? 0 : i;
      blas.sgemm(
        transposeA,
        transposeB,
        m,
        n,
        k,
        1,
        at(mem, oa + ia * rowsA * colsA),
        colsA,
        at(mem, ob + ib * rowsB * colsB),
        colsB,
        0,
        at(mem, oc + i * m * n),
        n,
      );
    }
    return out;
  };

  const batchMatMul: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const out = product(
      backend,
      inputs.a as tf.TensorInfo,
      inputs.b as tf.TensorInfo,
      attrs?.transposeA === true,
      attrs?.transposeB === true,
    );
    return out ?? WASM_KERNELS.BatchMatMul(args);
  };

  const fusedMatMul: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const b = inputs.b as tf.TensorInfo;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const prelu = inputs.preluActivationWeights as tf.TensorInfo | undefined;
    const transposeB = attrs?.transposeB === true;
    const n = transposeB
      ? b.shape[b.shape.length - 2]
      : b.shape[b.shape.length - 1];
    if (!lastAxisOnly(bias, n) || !lastAxisOnly(prelu, n)) {
      return WASM_KERNELS._FusedMatMul(args);
    }
    const out = product(
      backend,
      inputs.a as tf.TensorInfo,
      b,
      attrs?.transposeA === true,
      transposeB,
    );
    if (out === undefined) return WASM_KERNELS._FusedMatMul(args);
    epilogue(
      backend,
      out,
      bias,
      (attrs!.activation as string) ?? "linear",
      (attrs!.leakyreluAlpha as number) ?? 0.2,
      prelu,
    );
    return out;
  };

  return {
    Conv2D: conv2d,
    FusedConv2D: fusedConv2d,
    Conv2DBackpropInput: backpropInput,
    Conv2DBackpropFilter: backpropFilter,
    BatchMatMul: batchMatMul,
    _FusedMatMul: fusedMatMul,
  };
}
