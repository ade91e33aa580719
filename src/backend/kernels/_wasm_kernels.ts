/**
 * relgan's pure-wasm kernels: the convolution gradients tfjs-backend-wasm
 * 4.22 lacks or runs slowly, and matrix products with transposed operands,
 * all routed to XNNPACK's untransposed matrix product.
 *
 * - `Conv2DBackpropFilter` (missing in wasm 4.22): one dilated XNNPACK
 *   convolution of the re-laid-out input with the output gradient as its
 *   filter (see {@linkcode conv2dBackpropFilter}); for fewer than 16 input
 *   channels, `(dyᵀ·cols)ᵀ` with `cols` the im2col of `x`.
 * - `Conv2DBackpropInput` (the transposed convolution): `cols = dy·Wᵀ`,
 *   then col2im adds each column back to its input position; any stride
 *   becomes one dense product.
 * - `BatchMatMul`, `_FusedMatMul` with transposed operands.
 * - `ResizeNearestNeighborGrad` (wasm 4.22's ignores `halfPixelCenters`).
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

/**
 * The filter gradient as `(dyᵀ·cols)ᵀ` over chunks of the batch, `cols`
 * being im2col of `x`: faster than the dilated convolution when `inC` is
 * small (a network's first layer), where that convolution has few output
 * rows.
 */
function filterGradientByMatmul(
  backend: Parameters<WasmKernelFunc>[0]["backend"],
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: number[],
  g: ReturnType<typeof convGeometry>,
): tf.TensorInfo {
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const step = chunkImages(g);
  const single = step >= g.batch;
  const accT = single ? undefined : allocate(backend, [g.outC, width], true);

  let partT: tf.TensorInfo | undefined;
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const rows = (n1 - n0) * pixels;
    const cols = allocate(backend, [1, rows, width]); // [rows, kH·kW·inC]
    im2col(
      heap(backend),
      offsetOf(backend, x),
      offsetOf(backend, cols),
      g,
      n0,
      n1,
    );
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
    release(backend, cols);
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
}

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
  if (g.inC < 16) return filterGradientByMatmul(backend, x, dy, filterShape, g);
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const hp = kH + g.strideH * (outH - 1);
  const wp = kW + g.strideW * (outW - 1);

  const xT = allocate(backend, [inC, hp, wp, batch], true); // [inC, hp, wp, batch]
  const dyT = allocate(backend, [outH, outW, batch, outC]); // [outH, outW, batch, outC]
  let mem = heap(backend);
  const xs = offsetOf(backend, x);
  const xd = offsetOf(backend, xT);
  const plane = hp * wp * batch;
  for (let i = 0; i < hp; i++) {
    const ih = i - g.padTop;
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < wp; j++) {
      const iw = j - g.padLeft;
      if (iw < 0 || iw >= inW) continue;
      const d0 = xd + (i * wp + j) * batch;
      for (let n = 0; n < batch; n++) {
        const s0 = xs + ((n * inH + ih) * inW + iw) * inC;
        for (let c = 0; c < inC; c++) mem[d0 + c * plane + n] = mem[s0 + c];
      }
    }
  }
  const ds = offsetOf(backend, dy);
  const dd = offsetOf(backend, dyT);
  const pixels = outH * outW;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < pixels; p++) {
      const from = ds + (n * pixels + p) * outC;
      mem.copyWithin(dd + (p * batch + n) * outC, from, from + outC);
    }
  }

  const dwT = callOriginal("Conv2D", backend, { x: xT, filter: dyT }, {
    strides: 1,
    pad: "valid",
    dataFormat: "NHWC",
    dilations: [g.strideH, g.strideW],
  }); // [inC, kH, kW, outC]
  release(backend, xT, dyT);

  const out = allocate(backend, filterShape); // [kH, kW, inC, outC]
  mem = heap(backend);
  const ts = offsetOf(backend, dwT);
  const to = offsetOf(backend, out);
  const taps = kH * kW;
  for (let c = 0; c < inC; c++) {
    for (let t = 0; t < taps; t++) {
      const from = ts + (c * taps + t) * outC;
      mem.copyWithin(to + (t * inC + c) * outC, from, from + outC);
    }
  }
  release(backend, dwT);
  return out;
};

/**
 * A stride-1 input gradient as one XNNPACK convolution: `dx = conv(dy,
 * W̃)` with the filter flipped and its channel axes swapped,
 * `W̃[kh, kw, co, ci] = W[kH−1−kh, kW−1−kw, ci, co]`, and padding
 * `kH−1−top` above, `inH−outH+top` below (likewise across).
 *
 * @returns `dx`, or `undefined` when that padding would be negative.
 */
function inputGradientByConv(
  backend: Parameters<WasmKernelFunc>[0]["backend"],
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ReturnType<typeof convGeometry>,
): tf.TensorInfo | undefined {
  const { inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const top = kH - 1 - g.padTop;
  const bottom = inH - outH + g.padTop;
  const left = kW - 1 - g.padLeft;
  const right = inW - outW + g.padLeft;
  if (Math.min(top, bottom, left, right) < 0) return undefined;
  const flipped = allocate(backend, [kH, kW, outC, inC]); // [kH, kW, outC, inC]
  const mem = heap(backend);
  const src = offsetOf(backend, filter);
  const dst = offsetOf(backend, flipped);
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const s0 = src + ((kH - 1 - kh) * kW + (kW - 1 - kw)) * inC * outC;
      const d0 = dst + (kh * kW + kw) * outC * inC;
      for (let ci = 0; ci < inC; ci++) {
        for (let co = 0; co < outC; co++) {
          mem[d0 + co * inC + ci] = mem[s0 + ci * outC + co];
        }
      }
    }
  }
  const dx = callOriginal("Conv2D", backend, { x: dy, filter: flipped }, {
    strides: 1,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: "NHWC",
    dilations: 1,
  }); // [batch, inH, inW, inC]
  release(backend, flipped);
  return dx;
}

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
  if (g.strideH === 1 && g.strideW === 1 && !isPointwise(g)) {
    const viaConv = inputGradientByConv(backend, dy, filter, g);
    if (viaConv !== undefined) return viaConv;
  }
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

/** The kernels {@linkcode installWasmKernels} registers, by name. */
export const WASM_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  ResizeNearestNeighborGrad: resizeNearestNeighborGrad,
};

/** Registers {@linkcode WASM_KERNELS} on the wasm backend (idempotent). */
export function installWasmKernels(): void {
  for (const [name, fn] of Object.entries(WASM_KERNELS)) {
    replaceKernel(name, fn);
  }
}
