/**
 * Which algorithm each of relgan's pure-wasm convolution kernels runs for a
 * geometry, chosen from measurements on one thread (ratios to XNNPACK's own
 * forward convolution in the same run, on a shared 2-core machine):
 *
 * - forward: XNNPACK's convolution, except below 8 input channels (a first
 *   layer on RGB), where XNNPACK's indirect convolution multiplies 3-wide
 *   slices and chunked `im2col · W` ran 1.0 to 1.3 times as fast;
 * - filter gradient: relgan's SIMD `colsᵀ·dy`, which reads both operands
 *   where they lie (XNNPACK's products must first pack an operand as large
 *   as `dy` or the columns, at some 12 ns a float, and its dilated
 *   convolution has only `kH·kW·inC` output rows: 0.25 to 0.3 times
 *   XNNPACK's forward speed for a first layer, against 0.9 for the SIMD
 *   product; 0.6 against 0.85 for 3 × 3 × 128 → 128 at 16 × 16); the
 *   dilated XNNPACK convolution for filters of 2¹⁸ floats or more, whose
 *   `dW` no longer stays in cache between the SIMD product's row blocks
 *   (4 × 4 × 128 → 128: 0.8 to 0.9 against 0.55 to 0.75); and XNNPACK's
 *   `colsᵀ·dy` from 256 filters of at least 1024 taps × channels, where
 *   packing `dy` costs little beside the product (3 × 3 × 256 → 512 and
 *   → 256: 0.8 to 0.86 against 0.67 to 0.72 dilated);
 * - input gradient / transposed convolution: a product with `Wᵀ` then
 *   col2im below 8 input channels (XNNPACK convolutions producing 3
 *   channels fill 3 of 8 lanes), a 1 × 1 product for pointwise filters,
 *   else one stride-1 XNNPACK convolution per output phase.
 *
 * {@linkcode setConvPaths} forces a path, so tests can check every path on
 * every geometry against the cpu backend.
 *
 * @module
 */

import { type ConvGeometry, isPointwise } from "./_layout.ts";
import { subPixelFits } from "./_wasm_subpixel.ts";

/** The forward convolution's algorithm. */
export type ForwardPath = "xnnpack" | "im2col";
/** The filter gradient's algorithm. */
export type FilterPath = "simd" | "dilated" | "xnnpack";
/** The input gradient's algorithm. */
export type InputPath = "subpixel" | "col2im" | "pointwise";

/** Forced paths (`auto` chooses by geometry). */
export interface ConvPaths {
  readonly forward: ForwardPath | "auto";
  readonly filter: FilterPath | "auto";
  readonly input: "subpixel" | "col2im" | "auto";
}

let forced: ConvPaths = { forward: "auto", filter: "auto", input: "auto" };

/**
 * Forces the algorithms (tests and measurements).
 *
 * @param paths The paths, `auto` for the measured choice.
 * @returns The previous setting.
 */
export function setConvPaths(paths: Partial<ConvPaths>): ConvPaths {
  const previous = forced;
  forced = { ...forced, ...paths };
  return previous;
}

/** The forward convolution's algorithm for `g`. */
export function forwardPath(g: ConvGeometry): ForwardPath {
  if (forced.forward !== "auto") return forced.forward;
  return g.inC < 8 ? "im2col" : "xnnpack";
}

/** The filter gradient's algorithm for `g`. */
export function filterPath(g: ConvGeometry): FilterPath {
  if (forced.filter !== "auto") return forced.filter;
  const width = g.kH * g.kW * g.inC;
  if (g.outC >= 256 && width >= 1024) return "xnnpack";
  return width * g.outC >= 1 << 18 ? "dilated" : "simd";
}

/** The input gradient's algorithm for `g` (sub-pixel only where it fits). */
export function inputPath(g: ConvGeometry): InputPath {
  if (forced.input === "col2im") return "col2im";
  if (forced.input === "subpixel") {
    return subPixelFits(g) ? "subpixel" : "col2im";
  }
  if (isPointwise(g)) return "pointwise";
  if (g.inC < 8 || !subPixelFits(g)) return "col2im";
  return "subpixel";
}
