/**
 * im2col and col2im (see `_layout.ts` for the layout) on the wasm heap with
 * the SIMD moves of `_wasm_simd.ts`: one strided copy (or add) per image
 * row and filter row covers every output column whose window lies inside
 * the image; only the few windows cut by the border are done one by one.
 *
 * @module
 */

import { heap, type WasmBackend } from "./_wasm.ts";
import type { ConvGeometry } from "./_layout.ts";
import { simdMoves } from "./_wasm_simd.ts";

/** Output columns `[lo, hi)` whose window `ow·s − left + [0, span)` lies in `[0, inW)`. */
function inside(
  g: ConvGeometry,
  offset: number,
  span: number,
): [number, number] {
  const lo = Math.max(0, Math.ceil((g.padLeft - offset) / g.strideW));
  const hi = Math.min(
    g.outW,
    Math.floor((g.inW - span + g.padLeft - offset) / g.strideW) + 1,
  );
  return [lo, Math.max(lo, hi)];
}

/**
 * Writes the im2col rows of images `[n0, n1)`: `cols[m, (kh·kW + kw)·inC +
 * ci]` for `m = ((n − n0)·outH + oh)·outW + ow` (zero for padding).
 *
 * @param backend The wasm backend holding `x` and `cols`.
 * @param x Float index of `x` `[batch, inH, inW, inC]`.
 * @param cols Float index of the first row to write.
 * @param pitch Floats from one row to the next (at least `kH·kW·inC`; the
 * floats past a row's end are zeroed).
 */
export function im2colRows(
  backend: WasmBackend,
  x: number,
  cols: number,
  g: ConvGeometry,
  n0: number,
  n1: number,
  pitch: number = g.kH * g.kW * g.inC,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const width = pitch;
  const run = kW * inC;
  const moves = simdMoves(backend);
  heap(backend).fill(0, cols, cols + (n1 - n0) * outH * outW * width);
  const dense = g.dilationW === 1;
  const [lo, hi] = inside(g, 0, (kW - 1) * g.dilationW + 1);
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const row = cols + ((n - n0) * outH + oh) * outW * width;
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
        if (ih < 0 || ih >= inH) continue;
        const line = x + (n * inH + ih) * inW * inC;
        const dst = row + kh * run;
        if (!dense) {
          for (let kw = 0; kw < kW; kw++) {
            const [a, b] = inside(g, kw * g.dilationW, 1);
            if (b <= a) continue;
            moves.copy(
              line + (a * g.strideW - g.padLeft + kw * g.dilationW) * inC,
              dst + a * width + kw * inC,
              b - a,
              inC,
              g.strideW * inC,
              width,
            );
          }
          continue;
        }
        if (hi > lo) {
          moves.copy(
            line + (lo * g.strideW - g.padLeft) * inC,
            dst + lo * width,
            hi - lo,
            run,
            g.strideW * inC,
            width,
          );
        }
        for (let ow = 0; ow < outW; ow++) {
          if (ow === lo && hi > lo) ow = hi;
          if (ow >= outW) break;
          const w0 = ow * g.strideW - g.padLeft;
          const a = Math.max(0, -w0);
          const b = Math.min(kW, inW - w0);
          if (b <= a) continue;
          const src = line + (w0 + a) * inC;
          heap(backend).copyWithin(
            dst + ow * width + a * inC,
            src,
            src + (b - a) * inC,
          );
        }
      }
    }
  }
}

/**
 * Adds the im2col rows of images `[n0, n1)` back into `dx` (the adjoint of
 * {@linkcode im2colRows}); `dx` holds the running sum.
 *
 * @param backend The wasm backend holding `cols` and `dx`.
 * @param cols Float index of the first row to read.
 * @param dx Float index of `dx` `[batch, inH, inW, inC]`.
 */
export function col2imRows(
  backend: WasmBackend,
  cols: number,
  dx: number,
  g: ConvGeometry,
  n0: number,
  n1: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const width = kH * kW * inC;
  const run = kW * inC;
  const moves = simdMoves(backend);
  const dense = g.dilationW === 1;
  const [lo, hi] = inside(g, 0, (kW - 1) * g.dilationW + 1);
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const row = cols + ((n - n0) * outH + oh) * outW * width;
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
        if (ih < 0 || ih >= inH) continue;
        const line = dx + (n * inH + ih) * inW * inC;
        const src = row + kh * run;
        if (!dense) {
          for (let kw = 0; kw < kW; kw++) {
            const [a, b] = inside(g, kw * g.dilationW, 1);
            if (b <= a) continue;
            moves.add(
              src + a * width + kw * inC,
              line + (a * g.strideW - g.padLeft + kw * g.dilationW) * inC,
              b - a,
              inC,
              width,
              g.strideW * inC,
            );
          }
          continue;
        }
        if (hi > lo) {
          moves.add(
            src + lo * width,
            line + (lo * g.strideW - g.padLeft) * inC,
            hi - lo,
            run,
            width,
            g.strideW * inC,
          );
        }
        for (let ow = 0; ow < outW; ow++) {
          if (ow === lo && hi > lo) ow = hi;
          if (ow >= outW) break;
          const w0 = ow * g.strideW - g.padLeft;
          const a = Math.max(0, -w0);
          const b = Math.min(kW, inW - w0);
          if (b <= a) continue;
          moves.add(
            src + ow * width + a * inC,
            line + (w0 + a) * inC,
            1,
            (b - a) * inC,
            0,
            0,
          );
        }
      }
    }
  }
}
