/**
 * The transposed convolution (`Conv2DBackpropInput`, every input gradient
 * and every generator layer) as dense stride-1 XNNPACK convolutions, one
 * per output phase: no col2im scatter and no multiplications by zero.
 *
 * With `q = ih + top` written as `q = s·u + r` (`0 ≤ r < s`), the forward
 * convolution `y[oh] = Σ_kh x[s·oh − top + kh]·W[kh]` gives
 *
 *   `dx[s·u + r − top] = Σ_{j < J_r} dy[u − j] · W[r + s·j]`,
 *   `J_r = ⌈(k − r) / s⌉`,
 *
 * for each phase `r` a correlation of `dy` with the sub-filter
 * `F_r[t] = W[r + s·(J_r − 1 − t)]` (flipped; its channel axes swapped), so
 * each phase is one XNNPACK convolution of `dy` with `J_r − 1 − u_lo` rows
 * of zero padding above (`u_lo` the phase's first output position). The
 * phases' outputs interleave into `dx` with strided SIMD copies of `inC`
 * floats. At stride 1 there is one phase, whose output is `dx` itself.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  callOriginal,
  offsetOf,
  release,
  type WasmBackend,
} from "./_wasm.ts";
import type { ConvGeometry } from "./_layout.ts";
import { simdMoves, transposeMatrices } from "./_wasm_simd.ts";

/** One phase along one axis. */
interface Phase {
  /** The phase `r`. */
  readonly r: number;
  /** Taps `J_r`. */
  readonly taps: number;
  /** First output position `u_lo`. */
  readonly first: number;
  /** Output positions `U_r`. */
  readonly count: number;
  /** Zero padding before `dy` (`J_r − 1 − u_lo`). */
  readonly before: number;
  /** Zero padding after `dy`. */
  readonly after: number;
}

function phases(
  k: number,
  s: number,
  pad: number,
  inSide: number,
  outSide: number,
): Phase[] | undefined {
  const out: Phase[] = [];
  for (let r = 0; r < s; r++) {
    const taps = Math.max(0, Math.ceil((k - r) / s));
    const first = Math.ceil((pad - r) / s);
    const last = Math.floor((pad + inSide - 1 - r) / s);
    const count = Math.max(0, last - first + 1);
    const before = taps - 1 - first;
    if (count > 0 && taps > 0 && before < 0) return undefined;
    const after = Math.max(0, count + taps - 1 - before - outSide);
    out.push({ r, taps, first, count, before, after });
  }
  return out;
}

/**
 * Whether {@linkcode transposedConvBySubPixels} can run this geometry
 * (dilation 1, and no phase that would need negative padding).
 */
export function subPixelFits(g: ConvGeometry): boolean {
  return g.dilationH === 1 && g.dilationW === 1 &&
    phases(g.kH, g.strideH, g.padTop, g.inH, g.outH) !== undefined &&
    phases(g.kW, g.strideW, g.padLeft, g.inW, g.outW) !== undefined;
}

/**
 * `F[th, tw, co, ci] = W[rh + sh·(Jh − 1 − th), rw + sw·(Jw − 1 − tw), ci, co]`:
 * one phase's sub-filter, flipped and with its channel axes swapped.
 */
function subFilter(
  backend: WasmBackend,
  filter: tf.TensorInfo,
  g: ConvGeometry,
  ph: Phase,
  pw: Phase,
): tf.TensorInfo {
  const { inC, outC, kW } = g;
  const out = allocate(backend, [ph.taps, pw.taps, outC, inC]); // [Jh, Jw, outC, inC]
  const src = offsetOf(backend, filter);
  const dst = offsetOf(backend, out);
  for (let th = 0; th < ph.taps; th++) {
    const kh = ph.r + g.strideH * (ph.taps - 1 - th);
    for (let tw = 0; tw < pw.taps; tw++) {
      const kw = pw.r + g.strideW * (pw.taps - 1 - tw);
      transposeMatrices(
        backend,
        src + (kh * kW + kw) * inC * outC,
        dst + (th * pw.taps + tw) * outC * inC,
        1,
        inC,
        outC,
      );
    }
  }
  return out;
}

/**
 * `dx` of a convolution from `dy` and the filter, as one XNNPACK
 * convolution per output phase (see the module doc).
 *
 * @param backend The wasm backend.
 * @param dy `[batch, outH, outW, outC]`.
 * @param filter `[kH, kW, inC, outC]`.
 * @param g The forward convolution's geometry (dilation 1).
 * @returns `dx` `[batch, inH, inW, inC]`, owned by the caller, or
 * `undefined` when {@linkcode subPixelFits} is false.
 */
export function transposedConvBySubPixels(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo | undefined {
  if (g.dilationH !== 1 || g.dilationW !== 1) return undefined;
  const rows = phases(g.kH, g.strideH, g.padTop, g.inH, g.outH);
  const cols = phases(g.kW, g.strideW, g.padLeft, g.inW, g.outW);
  if (rows === undefined || cols === undefined) return undefined;
  const { batch, inH, inW, inC } = g;
  const inShape = [batch, inH, inW, inC];

  const conv = (ph: Phase, pw: Phase): tf.TensorInfo => {
    const f = subFilter(backend, filter, g, ph, pw);
    const out = callOriginal("Conv2D", backend, { x: dy, filter: f }, {
      strides: 1,
      pad: [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]],
      dataFormat: "NHWC",
      dilations: 1,
    }); // [batch, ≥ Uh, ≥ Uw, inC]
    release(backend, f);
    return out;
  };

  const single = rows.length === 1 && cols.length === 1;
  const empty = rows.some((p) => p.taps === 0 && p.count > 0) ||
    cols.some((p) => p.taps === 0 && p.count > 0);
  let dx: tf.TensorInfo | undefined;
  const moves = simdMoves(backend);
  for (const ph of rows) {
    if (ph.taps === 0 || ph.count === 0) continue;
    for (const pw of cols) {
      if (pw.taps === 0 || pw.count === 0) continue;
      const out = conv(ph, pw);
      const [, oh, ow] = out.shape;
      if (single && oh === inH && ow === inW) return out;
      dx ??= allocate(backend, inShape, empty); // [batch, inH, inW, inC]
      const from = offsetOf(backend, out);
      const to = offsetOf(backend, dx);
      const w0 = g.strideW * pw.first + pw.r - g.padLeft;
      for (let n = 0; n < batch; n++) {
        for (let i = 0; i < ph.count; i++) {
          const ih = g.strideH * (ph.first + i) + ph.r - g.padTop;
          moves.copy(
            from + ((n * oh + i) * ow) * inC,
            to + ((n * inH + ih) * inW + w0) * inC,
            pw.count,
            inC,
            inC,
            g.strideW * inC,
          );
        }
      }
      release(backend, out);
    }
  }
  return dx ?? allocate(backend, inShape, true);
}
