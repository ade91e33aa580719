/**
 * relgan's pure-wasm kernels: the convolution gradients tfjs-backend-wasm
 * 4.22 lacks or runs slowly, and matrix products with transposed operands,
 * all routed to XNNPACK's untransposed matrix product.
 *
 * - `Conv2D`: XNNPACK's own, or chunked `im2col · W` for few input
 *   channels (`_wasm_im2col_kernels.ts`).
 * - `Conv2DBackpropFilter` (missing in wasm 4.22): one dilated XNNPACK
 *   convolution of the re-laid-out input with the output gradient as its
 *   filter (see {@linkcode conv2dBackpropFilter}); for fewer than 16 input
 *   channels, relgan's SIMD `colsᵀ·dy` with `cols` the im2col of `x`.
 * - `Conv2DBackpropInput` (the transposed convolution): one stride-1
 *   XNNPACK convolution per output phase (`_wasm_subpixel.ts`), or for few
 *   input channels `cols = dy·Wᵀ` then col2im.
 *
 * `_wasm_conv_paths.ts` says which, and why.
 * - `BatchMatMul`, `_FusedMatMul` with transposed operands.
 * - `ResizeNearestNeighborGrad` (wasm 4.22's ignores `halfPixelCenters`).
 * - `Tile` in SIMD copies (`_wasm_tile.ts`; wasm 4.22's goes one element at
 *   a time).
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
import { convGeometry } from "./_layout.ts";
import { matMul3d, transposed } from "./_matmul.ts";
import { filterPath, forwardPath, inputPath } from "./_wasm_conv_paths.ts";
import { simdMoves, transposeStrided } from "./_wasm_simd.ts";
import { tile } from "./_wasm_tile.ts";
import { transposedConvBySubPixels } from "./_wasm_subpixel.ts";
import {
  convForwardByIm2col,
  filterGradientByIm2col,
  filterGradientByXnnpack,
  inputGradientByCol2im,
} from "./_wasm_im2col_kernels.ts";

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

/**
 * `Conv2DBackpropFilter` as one XNNPACK convolution: with `x` laid out as
 * `x' [inC, kH + sh·(outH − 1), kW + sw·(outW − 1), batch]` (padding
 * included) and `dy` as a filter `dy' [outH, outW, batch, outC]`,
 * `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x'[ci, kh + sh·oh, kw + sw·ow, n] ·
 * dy'[oh, ow, n, co]` is a stride-1 convolution with dilation `(sh, sw)`,
 * whose `[inC, kH, kW, outC]` output only needs its first two axes swapped.
 */
export const conv2dBackpropFilter: WasmKernelFunc = (
  { inputs, backend, attrs },
) => {
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const filterShape = attrs!.filterShape as number[];
  const g = convGeometry("Conv2DBackpropFilter", x.shape, filterShape, attrs!);
  if (filterPath(g) === "xnnpack") {
    return filterGradientByXnnpack(backend, x, dy, filterShape, g);
  }
  if (filterPath(g) === "simd") {
    return filterGradientByIm2col(backend, x, dy, filterShape, g);
  }
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const hp = kH + g.strideH * (outH - 1);
  const wp = kW + g.strideW * (outW - 1);

  const xT = allocate(backend, [inC, hp, wp, batch], true); // [inC, hp, wp, batch]
  const dyT = allocate(backend, [outH, outW, batch, outC]); // [outH, outW, batch, outC]
  const moves = simdMoves(backend);
  const xs = offsetOf(backend, x);
  const xd = offsetOf(backend, xT);
  const plane = hp * wp * batch;
  for (let i = 0; i < hp; i++) {
    const ih = i - g.padTop;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < wp; j++) {
      const iw = j - g.padLeft;
      if (iw < 0 || iw >= inW) continue;
      // xT[c, i, j, n] = x[n, ih, iw, c]: a [batch, inC] transpose.
      transposeStrided(
        backend,
        xs + (ih * inW + iw) * inC,
        xd + (i * wp + j) * batch,
        batch,
        inC,
        inH * inW * inC,
        plane,
      );
    }
  }
  const ds = offsetOf(backend, dy);
  const dd = offsetOf(backend, dyT);
  const pixels = outH * outW;
  for (let n = 0; n < batch; n++) {
    moves.copy(
      ds + n * pixels * outC,
      dd + n * outC,
      pixels,
      outC,
      outC,
      batch * outC,
    );
  }

  const dwT = callOriginal("Conv2D", backend, { x: xT, filter: dyT }, {
    strides: 1,
    pad: "valid",
    dataFormat: "NHWC",
    dilations: [g.strideH, g.strideW],
  }); // [inC, kH, kW, outC]
  release(backend, xT, dyT);

  const out = allocate(backend, filterShape); // [kH, kW, inC, outC]
  const ts = offsetOf(backend, dwT);
  const to = offsetOf(backend, out);
  const taps = kH * kW;
  for (let c = 0; c < inC; c++) {
    moves.copy(
      ts + c * taps * outC,
      to + c * outC,
      taps,
      outC,
      outC,
      inC * outC,
    );
  }
  release(backend, dwT);
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
  const path = inputPath(g);
  if (path === "subpixel") {
    const dx = transposedConvBySubPixels(backend, dy, filter, g);
    if (dx !== undefined) return dx;
  }
  if (path === "pointwise") {
    const wT = transposed(backend, filter, 1, g.inC, g.outC); // [outC, inC]
    const dx = callOriginal("BatchMatMul", backend, {
      a: view(dy, [1, g.batch * g.outH * g.outW, g.outC]),
      b: wT.info,
    }, { transposeA: false, transposeB: false }); // [1, batch·h·w, inC]
    release(backend, wT.info);
    return { ...dx, shape: inputShape };
  }
  return inputGradientByCol2im(backend, dy, filter, g);
};

/**
 * `ResizeNearestNeighborGrad`, the exact adjoint of the wasm backend's own
 * forward resize: the forward maps a `[1, h, w, 1]` map of pixel indices,
 * then `dx[b, src(p), c] += dy[b, p, c]`. (tfjs-backend-wasm 4.22's own
 * kernel ignores `halfPixelCenters`.)
 */
export const resizeNearestNeighborGrad: WasmKernelFunc = (
  { inputs, backend, attrs },
) => {
  const images = inputs.images as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const [batch, h, w, depth] = images.shape;
  const [, oh, ow] = dy.shape;
  const map = allocate(backend, [1, h, w, 1]);
  const at = offsetOf(backend, map);
  const mem0 = heap(backend);
  for (let i = 0; i < h * w; i++) mem0[at + i] = i;
  const mapped = callOriginal("ResizeNearestNeighbor", backend, {
    images: map,
  }, { ...attrs, size: [oh, ow] }); // [1, oh, ow, 1]
  const dx = allocate(backend, images.shape, true);
  const mem = heap(backend);
  const src = offsetOf(backend, mapped);
  const g = offsetOf(backend, dy);
  const out = offsetOf(backend, dx);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < oh * ow; p++) {
      const to = out + (b * h * w + mem[src + p]) * depth;
      const from = g + (b * oh * ow + p) * depth;
      for (let c = 0; c < depth; c++) mem[to + c] += mem[from + c];
    }
  }
  release(backend, map, mapped);
  return dx;
};

/**
 * `Conv2D`: XNNPACK's own convolution, or chunked `im2col · W` for few
 * input channels (see `_wasm_conv_paths.ts`).
 */
export const conv2d: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  if (((attrs?.dataFormat as string | undefined) ?? "NHWC") !== "NHWC") {
    return callOriginal("Conv2D", backend, inputs, attrs);
  }
  const g = convGeometry("Conv2D", x.shape, filter.shape, attrs!);
  if (forwardPath(g) === "xnnpack") {
    return callOriginal("Conv2D", backend, inputs, attrs);
  }
  return convForwardByIm2col(backend, x, filter, g);
};

/** The kernels {@linkcode installWasmKernels} registers, by name. */
export const WASM_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  BatchMatMul: batchMatMul,
  Conv2D: conv2d,
  _FusedMatMul: fusedMatMul,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  ResizeNearestNeighborGrad: resizeNearestNeighborGrad,
  Tile: tile,
};

/** Registers {@linkcode WASM_KERNELS} on the wasm backend (idempotent). */
export function installWasmKernels(): void {
  for (const [name, fn] of Object.entries(WASM_KERNELS)) {
    replaceKernel(name, fn);
  }
}
