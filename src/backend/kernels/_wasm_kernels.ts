/**
 * relgan's pure-wasm kernels: the convolution gradients tfjs-backend-wasm
 * 4.22 lacks or runs slowly, and matrix products with transposed operands,
 * all routed to XNNPACK's untransposed matrix product.
 *
 * - `Conv2DBackpropFilter` (missing in wasm 4.22): `dW = colsᵀ·dy`,
 *   computed as `(dyᵀ·cols)ᵀ` over chunks of the batch, where `cols` is
 *   im2col of `x` (`[batch·outH·outW, kH·kW·inC]`) and `dy` is
 *   `[batch·outH·outW, outC]`.
 * - `Conv2DBackpropInput` (the transposed convolution): `cols = dy·Wᵀ`,
 *   then col2im adds each column back to its input position; any stride
 *   becomes one dense product.
 * - `BatchMatMul`, `_FusedMatMul` with transposed operands.
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
  replaceKernel,
  view,
  type WasmKernelFunc,
} from "./_wasm.ts";
import {
  chunkImages,
  col2im,
  colWidth,
  convGeometry,
  im2col,
  isPointwise,
  transpose2d,
} from "./_layout.ts";
import { matMul3d, transposed } from "./_matmul.ts";

/** Collapses leading dimensions: `[..., rows, cols]` → `[batch, rows, cols]`. */
function as3d(info: tf.TensorInfo): tf.TensorInfo {
  const s = info.shape;
  const batch = tf.util.sizeFromShape(s.slice(0, -2));
  return view(info, [batch, s[s.length - 2], s[s.length - 1]]);
}

/** `BatchMatMul` with transposed operands laid out for XNNPACK first. */
export const batchMatMul: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const out = matMul3d(backend, as3d(a), as3d(b), transposeA, transposeB);
  return { ...out, shape: [...outBatch, out.shape[1], out.shape[2]] };
};

/** `_FusedMatMul` with transposed operands laid out for XNNPACK first. */
export const fusedMatMul: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  if (!transposeA && !transposeB) {
    return callOriginal("_FusedMatMul", backend, inputs, attrs);
  }
  const [batchA, rowsA, colsA] = a.shape;
  const [batchB, rowsB, colsB] = b.shape;
  const left = transposeA
    ? transposed(backend, a, batchA, rowsA, colsA)
    : { info: a, owned: false };
  const right = transposeB
    ? transposed(backend, b, batchB, rowsB, colsB)
    : { info: b, owned: false };
  const out = callOriginal(
    "_FusedMatMul",
    backend,
    { ...inputs, a: left.info, b: right.info },
    { ...attrs, transposeA: false, transposeB: false },
  );
  for (const o of [left, right]) if (o.owned) release(backend, o.info);
  return out;
};

/** `Conv2DBackpropFilter`: `dW [kH, kW, inC, outC] = colsᵀ·dy`. */
export const conv2dBackpropFilter: WasmKernelFunc = (
  { inputs, backend, attrs },
) => {
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const filterShape = attrs!.filterShape as number[];
  const g = convGeometry("Conv2DBackpropFilter", x.shape, filterShape, attrs!);
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const step = isPointwise(g) ? g.batch : chunkImages(g);
  const single = step >= g.batch;
  const accT = single ? undefined : allocate(backend, [g.outC, width], true);

  let partT: tf.TensorInfo | undefined;
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const rows = (n1 - n0) * pixels;
    let cols: tf.TensorInfo;
    if (isPointwise(g)) cols = view(x, [1, rows, width]);
    else {
      cols = allocate(backend, [1, rows, width]); // [rows, kH·kW·inC]
      im2col(
        heap(backend),
        offsetOf(backend, x),
        offsetOf(backend, cols),
        g,
        n0,
        n1,
      );
    }
    const dyT = allocate(backend, [1, g.outC, rows]); // [outC, rows]
    transpose2d(
      heap(backend),
      offsetOf(backend, dy) + n0 * pixels * g.outC,
      offsetOf(backend, dyT),
      1,
      rows,
      g.outC,
    );
    partT = callOriginal("BatchMatMul", backend, { a: dyT, b: cols }, {
      transposeA: false,
      transposeB: false,
    }); // [1, outC, width]
    release(backend, dyT);
    if (!isPointwise(g)) release(backend, cols);
    if (accT !== undefined) {
      const mem = heap(backend);
      const acc = offsetOf(backend, accT);
      const part = offsetOf(backend, partT);
      for (let i = 0; i < g.outC * width; i++) mem[acc + i] += mem[part + i];
      release(backend, partT);
    }
  }

  const sumT = accT ?? partT!;
  const out = allocate(backend, filterShape); // [kH, kW, inC, outC]
  transpose2d(
    heap(backend),
    offsetOf(backend, sumT),
    offsetOf(backend, out),
    1,
    g.outC,
    width,
  );
  release(backend, sumT);
  return out;
};

/** `Conv2DBackpropInput` (transposed convolution): col2im of `dy·Wᵀ`. */
export const conv2dBackpropInput: WasmKernelFunc = (
  { inputs, backend, attrs },
) => {
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
  const wT = transposed(backend, filter, 1, width, g.outC); // [outC, width]
  const nn = { transposeA: false, transposeB: false };

  if (isPointwise(g)) {
    const cols = callOriginal("BatchMatMul", backend, {
      a: view(dy, [1, g.batch * pixels, g.outC]),
      b: wT.info,
    }, nn);
    if (wT.owned) release(backend, wT.info);
    return { ...cols, shape: inputShape };
  }

  const dx = allocate(backend, inputShape, true); // [batch, inH, inW, inC]
  const step = chunkImages(g);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const rows = (n1 - n0) * pixels;
    let part: tf.TensorInfo;
    if (step >= g.batch) part = view(dy, [1, rows, g.outC]);
    else {
      part = allocate(backend, [1, rows, g.outC]);
      const at = offsetOf(backend, dy) + n0 * pixels * g.outC;
      heap(backend).copyWithin(offsetOf(backend, part), at, at + rows * g.outC);
    }
    const cols = callOriginal(
      "BatchMatMul",
      backend,
      { a: part, b: wT.info },
      nn,
    ); // [1, rows, width]
    col2im(
      heap(backend),
      offsetOf(backend, cols),
      offsetOf(backend, dx),
      g,
      n0,
      n1,
    );
    release(backend, cols);
    if (step < g.batch) release(backend, part);
  }
  if (wT.owned) release(backend, wT.info);
  return dx;
};

/** The kernels {@linkcode installWasmKernels} registers, by name. */
export const WASM_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
};

/** Registers {@linkcode WASM_KERNELS} on the wasm backend (idempotent). */
export function installWasmKernels(): void {
  for (const [name, fn] of Object.entries(WASM_KERNELS)) {
    replaceKernel(name, fn);
  }
}
