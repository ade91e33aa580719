/**
 * Convolutions as chunked im2col matrix products, with the data moves in
 * SIMD (`_wasm_im2col.ts`):
 *
 * - forward: `y = cols · W` in XNNPACK, `W` seen as `[kH·kW·inC, outC]`,
 *   each chunk's product written straight into `y` (`_wasm_gemm.ts`);
 * - filter gradient: `dW += colsᵀ · dy` per chunk in relgan's SIMD kernel
 *   (`_wasm_simd.ts`), which reads both operands where they lie;
 * - input gradient: `cols = dy · Wᵀ` in XNNPACK, `dy`'s chunk read in
 *   place, then col2im adds the columns into `dx`.
 *
 * Chunks hold at most 2¹⁸ column floats (1 MiB) or the column budget of
 * `_layout.ts`, whichever is smaller, so the columns stay in cache between
 * their layout and their product.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  heap,
  offsetOf,
  release,
  type WasmBackend,
} from "./_wasm.ts";
import { chunkImages, colWidth, type ConvGeometry } from "./_layout.ts";
import { col2imRows, im2colRows } from "./_wasm_im2col.ts";
import { gemm } from "./_wasm_gemm.ts";
import { simdMoves, transposeMatrices } from "./_wasm_simd.ts";

/** Floats of columns one chunk may hold. */
const CHUNK_FLOATS = 1 << 18;

function chunkOf(g: ConvGeometry): number {
  return Math.min(chunkImages(g), chunkImages(g, CHUNK_FLOATS));
}

/**
 * `y = conv(x, W)` as chunked `cols · W`.
 *
 * @param x `[batch, inH, inW, inC]`.
 * @param filter `[kH, kW, inC, outC]`.
 * @returns `y` `[batch, outH, outW, outC]`, owned by the caller.
 */
export function convForwardByIm2col(
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const step = chunkOf(g);
  const y = allocate(backend, [g.batch, g.outH, g.outW, g.outC]);
  // A right operand of its own: XNNPACK caches it packed by tensor id.
  const w = allocate(backend, [1, width, g.outC]); // [kH·kW·inC, outC]
  const cols = allocate(backend, [step * pixels, width]); // [rows, kH·kW·inC]
  const at = offsetOf(backend, filter);
  heap(backend).copyWithin(offsetOf(backend, w), at, at + width * g.outC);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const c = offsetOf(backend, cols);
    im2colRows(backend, offsetOf(backend, x), c, g, n0, n1);
    gemm(
      backend,
      c,
      w,
      offsetOf(backend, y) + n0 * pixels * g.outC,
      (n1 - n0) * pixels,
      width,
      g.outC,
    );
  }
  release(backend, w, cols);
  return y;
}

/** Columns of `cols` one call of the SIMD product takes. */
const PANEL = 64;

/** The least `p ≥ n` that is 4 times an odd number. */
function oddQuads(n: number): number {
  const quads = (n + 3) >> 2;
  return 4 * (quads | 1);
}

/**
 * `dW = Σ_chunks colsᵀ · dy` in relgan's SIMD `aᵀ·b` kernel, which reads
 * both operands as they lie (XNNPACK would first pack one of them, at some
 * 12 ns a float: more than the product itself for a first layer). Rows of
 * `cols` are padded to a multiple of 4 floats, blocks of `dy` rows are
 * copied with their width padded to a multiple of 8 (zeros), and both row
 * strides are an odd number of 4-float groups, so that rows a power of two
 * bytes apart do not crowd the same cache sets.
 *
 * @param x `[batch, inH, inW, inC]`.
 * @param dy `[batch, outH, outW, outC]`.
 * @returns `dW` `[kH, kW, inC, outC]`, owned by the caller.
 */
export function filterGradientByIm2col(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: number[],
  g: ConvGeometry,
): tf.TensorInfo {
  const width = colWidth(g);
  const pitch = oddQuads(width);
  const n8 = (g.outC + 7) & ~7;
  const dyPitch = oddQuads(n8);
  const pixels = g.outH * g.outW;
  const step = chunkOf(g);
  const exact = pitch === width && n8 === g.outC;
  const dw = allocate(backend, filterShape, exact); // [kH·kW·inC, outC]
  const acc = exact ? dw : allocate(backend, [pitch, n8], true); // [pitch, n8]
  const cols = allocate(backend, [step * pixels, pitch]); // [rows, pitch]
  // Blocks of rows whose dy block (block × n8 floats) stays in L2 while
  // panels of 64 columns of cols (block × 64 floats) sweep it from L1.
  const block = Math.max(
    64,
    Math.min(1024, 1 << (31 - Math.clz32(Math.floor(32768 / dyPitch)))),
  );
  const dyBlock = allocate(backend, [block, dyPitch], true); // [block, dyPitch]
  const moves = simdMoves(backend);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const c = offsetOf(backend, cols);
    im2colRows(backend, offsetOf(backend, x), c, g, n0, n1, pitch);
    const rows = (n1 - n0) * pixels;
    const d = offsetOf(backend, dy) + n0 * pixels * g.outC;
    const b = offsetOf(backend, dyBlock);
    const into = offsetOf(backend, acc);
    for (let r0 = 0; r0 < rows; r0 += block) {
      const r = Math.min(block, rows - r0);
      moves.copy(d + r0 * g.outC, b, r, g.outC, g.outC, dyPitch);
      for (let m0 = 0; m0 < pitch; m0 += PANEL) {
        moves.gemmTN(
          c + r0 * pitch + m0,
          b,
          into + m0 * n8,
          Math.min(PANEL, pitch - m0),
          n8,
          r,
          pitch,
          dyPitch,
          n8,
        );
      }
    }
  }
  release(backend, cols, dyBlock);
  if (acc !== dw) {
    moves.copy(
      offsetOf(backend, acc),
      offsetOf(backend, dw),
      width,
      g.outC,
      n8,
      g.outC,
    );
    release(backend, acc);
  }
  return dw;
}

/**
 * `dW = Σ_chunks colsᵀ · dy` in XNNPACK: `colsᵀ` a SIMD transpose of the
 * chunk's columns, `dy`'s chunk read in place as the right operand (which
 * XNNPACK packs, at some 12 ns a float: small beside the product when
 * channels are many and images small). Chunks of up to the column budget.
 *
 * @param x `[batch, inH, inW, inC]`.
 * @param dy `[batch, outH, outW, outC]`.
 * @returns `dW` `[kH, kW, inC, outC]`, owned by the caller.
 */
export function filterGradientByXnnpack(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: number[],
  g: ConvGeometry,
): tf.TensorInfo {
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const step = chunkImages(g);
  const dw = allocate(backend, filterShape); // [kH·kW·inC, outC]
  const cols = allocate(backend, [step * pixels, width]); // [rows, kH·kW·inC]
  const colsT = allocate(backend, [width, step * pixels]); // [kH·kW·inC, rows]
  const part = g.batch > step
    ? allocate(backend, [width, g.outC]) // [kH·kW·inC, outC]
    : undefined;
  const moves = simdMoves(backend);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const rows = (n1 - n0) * pixels;
    const c = offsetOf(backend, cols);
    const t = offsetOf(backend, colsT);
    im2colRows(backend, offsetOf(backend, x), c, g, n0, n1);
    transposeMatrices(backend, c, t, 1, rows, width);
    const into = n0 === 0 ? offsetOf(backend, dw) : offsetOf(backend, part!);
    gemm(
      backend,
      t,
      offsetOf(backend, dy) + n0 * pixels * g.outC,
      into,
      width,
      rows,
      g.outC,
    );
    if (n0 > 0) {
      moves.add(into, offsetOf(backend, dw), 1, width * g.outC, 0, 0);
    }
  }
  release(backend, cols, colsT);
  if (part !== undefined) release(backend, part);
  return dw;
}

/**
 * `dx = col2im(dy · Wᵀ)`.
 *
 * @param dy `[batch, outH, outW, outC]`.
 * @param filter `[kH, kW, inC, outC]`.
 * @returns `dx` `[batch, inH, inW, inC]`, owned by the caller.
 */
export function inputGradientByCol2im(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const width = colWidth(g);
  const pixels = g.outH * g.outW;
  const step = chunkOf(g);
  const dx = allocate(backend, [g.batch, g.inH, g.inW, g.inC], true);
  const wT = allocate(backend, [1, g.outC, width]); // [outC, kH·kW·inC]
  transposeMatrices(
    backend,
    offsetOf(backend, filter),
    offsetOf(backend, wT),
    1,
    width,
    g.outC,
  );
  const cols = allocate(backend, [step * pixels, width]); // [rows, kH·kW·inC]
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const n1 = Math.min(g.batch, n0 + step);
    const c = offsetOf(backend, cols);
    gemm(
      backend,
      offsetOf(backend, dy) + n0 * pixels * g.outC,
      wT,
      c,
      (n1 - n0) * pixels,
      g.outC,
      width,
    );
    col2imRows(backend, c, offsetOf(backend, dx), g, n0, n1);
  }
  release(backend, wT, cols);
  return dx;
}
