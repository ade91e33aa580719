/**
 * Data movement on float32 arrays for relgan's kernels: a blocked
 * transpose, and im2col / col2im for NHWC convolutions.
 *
 * im2col lays a convolution's receptive fields out as rows: row
 * `m = (n·outH + oh)·outW + ow` holds `x[n, oh·sh − top + kh·dh,
 * ow·sw − left + kw·dw, ci]` at column `(kh·kW + kw)·inC + ci` (zero where
 * that position is padding), so the convolution is one matrix product with
 * the filter seen as `[kH·kW·inC, outC]`. col2im is its adjoint: it adds
 * each column back to the input position it came from.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** The geometry of an NHWC 2-D convolution, as relgan's kernels use it. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Computes the geometry of a convolution from tfjs attributes.
 *
 * @param kernel The kernel asking, for error messages.
 * @param inShape `[batch, inH, inW, inC]`.
 * @param filterShape `[kH, kW, inC, outC]`.
 * @param attrs The kernel's strides, pad, dimRoundingMode, dataFormat and
 * (optionally) dilations.
 * @returns The geometry.
 * @throws {TypeError} When the data format is not NHWC.
 */
export function convGeometry(
  kernel: string,
  inShape: number[],
  filterShape: number[],
  attrs: tf.NamedAttrMap,
): ConvGeometry {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  if (dataFormat !== "NHWC") {
    throw new TypeError(
      `Cannot run ${kernel} on wasm with dataFormat "${dataFormat}": relgan's kernels support NHWC only. Fix: keep tensors as [batch, height, width, channels]`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Whether the convolution is a plain matrix product (1 × 1, stride 1, no padding). */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}

/** Floats in one im2col row: `kH·kW·inC`. */
export function colWidth(g: ConvGeometry): number {
  return g.kH * g.kW * g.inC;
}

let columnBudget = 1 << 23;

/**
 * Sets how many floats one chunk of im2col columns may take (default 2²³,
 * 32 MiB); tests lower it to exercise the chunked path.
 *
 * @param floats The new budget.
 * @returns The previous budget.
 */
export function setColumnBudget(floats: number): number {
  const previous = columnBudget;
  columnBudget = floats;
  return previous;
}

/**
 * How many images of the batch to lay out at once so that one chunk of
 * columns stays under the column budget (at least one image).
 */
export function chunkImages(g: ConvGeometry, maxFloats = columnBudget): number {
  const perImage = g.outH * g.outW * colWidth(g);
  return Math.max(1, Math.min(g.batch, Math.floor(maxFloats / perImage)));
}

/**
 * Writes the im2col rows of images `[n0, n1)` to `mem[cols …]`.
 *
 * @param mem The array holding both input and columns (e.g. wasm memory).
 * @param x Index of `x[0, 0, 0, 0]`, `x` being `[batch, inH, inW, inC]`.
 * @param cols Index of the first column row to write.
 */
export function im2col(
  mem: Float32Array,
  x: number,
  cols: number,
  g: ConvGeometry,
  n0: number,
  n1: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const width = kH * kW * inC;
  const run = kW * inC;
  let row = cols;
  for (let n = n0; n < n1; n++) {
    const image = x + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * g.strideW - g.padLeft;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          const dst = row + kh * run;
          if (ih < 0 || ih >= inH) {
            mem.fill(0, dst, dst + run);
            continue;
          }
          const line = image + ih * inW * inC;
          if (g.dilationW === 1) {
            const lo = Math.max(0, -w0);
            const hi = Math.min(kW, inW - w0);
            if (hi <= lo) {
              mem.fill(0, dst, dst + run);
              continue;
            }
            if (lo > 0) mem.fill(0, dst, dst + lo * inC);
            const src = line + (w0 + lo) * inC;
            mem.copyWithin(dst + lo * inC, src, src + (hi - lo) * inC);
            if (hi < kW) mem.fill(0, dst + hi * inC, dst + run);
          } else {
            for (let kw = 0; kw < kW; kw++) {
              const iw = w0 + kw * g.dilationW;
              const d = dst + kw * inC;
              if (iw < 0 || iw >= inW) mem.fill(0, d, d + inC);
              else {
                const src = line + iw * inC;
                mem.copyWithin(d, src, src + inC);
              }
            }
          }
        }
        row += width;
      }
    }
  }
}

/**
 * Adds the im2col rows of images `[n0, n1)` back into `dx` (the adjoint of
 * {@linkcode im2col}); `dx` must hold the running sum (zeros at first).
 *
 * @param mem The array holding both columns and `dx`.
 * @param cols Index of the first column row to read.
 * @param dx Index of `dx[0, 0, 0, 0]`, `dx` being `[batch, inH, inW, inC]`.
 */
export function col2im(
  mem: Float32Array,
  cols: number,
  dx: number,
  g: ConvGeometry,
  n0: number,
  n1: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const width = kH * kW * inC;
  let row = cols;
  for (let n = n0; n < n1; n++) {
    const image = dx + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * g.strideW - g.padLeft;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (ih < 0 || ih >= inH) continue;
          const line = image + ih * inW * inC;
          const src = row + kh * kW * inC;
          for (let kw = 0; kw < kW; kw++) {
            const iw = w0 + kw * g.dilationW;
            if (iw < 0 || iw >= inW) continue;
            const d = line + iw * inC;
            const s = src + kw * inC;
            for (let c = 0; c < inC; c++) mem[d + c] += mem[s + c];
          }
        }
        row += width;
      }
    }
  }
}

/**
 * Transposes `batch` row-major `[rows, cols]` matrices into `[cols, rows]`.
 *
 * @param mem The array holding source and destination (which must not overlap).
 * @param src Index of the first source matrix.
 * @param dst Index of the first destination matrix.
 */
export function transpose2d(
  mem: Float32Array,
  src: number,
  dst: number,
  batch: number,
  rows: number,
  cols: number,
): void {
  const block = 32;
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const s0 = src + b * size;
    const d0 = dst + b * size;
    if (rows === 1 || cols === 1) {
      mem.copyWithin(d0, s0, s0 + size);
      continue;
    }
    for (let r0 = 0; r0 < rows; r0 += block) {
      const r1 = Math.min(rows, r0 + block);
      for (let c0 = 0; c0 < cols; c0 += block) {
        const c1 = Math.min(cols, c0 + block);
        for (let r = r0; r < r1; r++) {
          const s = s0 + r * cols;
          for (let c = c0; c < c1; c++) mem[d0 + c * rows + r] = mem[s + c];
        }
      }
    }
  }
}
