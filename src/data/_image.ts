/**
 * Image decoding (JPEG, PNG), centre crop and resampling for the folder and
 * LSUN loaders.
 *
 * @module
 */

import jpeg from "jpeg-js";
import { decode as decodePng } from "fast-png";

/** Decoded pixels: `height × width × channels` bytes, HWC. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

/** The container a byte string holds, from its first bytes. */
export type ImageFormat = "jpeg" | "png" | "webp" | "gif" | "bmp" | "unknown";

/** Tells the format from the magic bytes. */
export function sniffFormat(bytes: Uint8Array): ImageFormat {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return "jpeg";
  }
  if (
    b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e &&
    b[3] === 0x47
  ) return "png";
  if (
    b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 &&
    b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 &&
    b[11] === 0x50
  ) return "webp";
  if (b.length >= 3 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
    return "gif";
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return "bmp";
  return "unknown";
}

/**
 * Decodes JPEG or PNG bytes to 8-bit pixels with 1 or 3 channels (alpha is
 * dropped; 16-bit PNG keeps its high byte; palette PNG is expanded).
 *
 * @throws {Error} With the reason when the bytes are not a decodable JPEG or PNG.
 */
export function decodeImage(bytes: Uint8Array): Pixels {
  const format = sniffFormat(bytes);
  if (format === "jpeg") {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxMemoryUsageInMB: 1024,
    });
    const channels = img.data.length / (img.width * img.height);
    return {
      width: img.width,
      height: img.height,
      channels,
      data: new Uint8Array(
        img.data.buffer,
        img.data.byteOffset,
        img.data.length,
      ),
    };
  }
  if (format === "png") {
    const img = decodePng(bytes);
    const n = img.width * img.height;
    let channels = img.channels;
    let src: ArrayLike<number> = img.data;
    if (img.palette !== undefined) {
      const rgb = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) {
        const entry = img.palette[img.data[i]];
        rgb[3 * i] = entry[0];
        rgb[3 * i + 1] = entry[1];
        rgb[3 * i + 2] = entry[2];
      }
      src = rgb;
      channels = 3;
    }
    const shift = img.depth === 16 ? 8 : 0;
    const scale = img.depth < 8 && img.palette === undefined
      ? 255 / (2 ** img.depth - 1)
      : 1;
    // Drop alpha: 2 channels (grey + alpha) → 1, 4 (RGBA) → 3.
    const keep = channels === 2 ? 1 : channels === 4 ? 3 : channels;
    const out = new Uint8Array(n * keep);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < keep; c++) {
        out[i * keep + c] = Math.round(
          (src[i * channels + c] >> shift) * scale,
        );
      }
    }
    return { width: img.width, height: img.height, channels: keep, data: out };
  }
  throw new Error(
    format === "unknown"
      ? "not a JPEG or PNG (unrecognised leading bytes)"
      : `${format.toUpperCase()} is not supported (only JPEG and PNG are); convert the images to PNG or JPEG`,
  );
}

/** Converts 1 or 3 channels to the wanted 1 or 3 (grey = mean of RGB). */
export function toChannels(p: Pixels, channels: number): Pixels {
  if (p.channels === channels) return p;
  const n = p.width * p.height;
  const out = new Uint8Array(n * channels);
  if (channels === 3 && p.channels === 1) {
    for (let i = 0; i < n; i++) {
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = p.data[i];
    }
  } else if (channels === 1 && p.channels === 3) {
    for (let i = 0; i < n; i++) {
      out[i] = Math.round(
        (p.data[3 * i] + p.data[3 * i + 1] + p.data[3 * i + 2]) / 3,
      );
    }
  } else {
    throw new Error(
      `cannot convert ${p.channels} channels to ${channels}`,
    );
  }
  return { ...p, channels, data: out };
}

/**
 * Crops the largest centred region with the aspect ratio `outH : outW`,
 * then resamples it to `outH × outW`. Each axis is resampled separately:
 * shrinking averages the source pixels each output pixel covers (area
 * filter, fractional coverage at the edges); enlarging interpolates
 * linearly between pixel centres (bilinear).
 */
export function cropAndResize(p: Pixels, outH: number, outW: number): Pixels {
  const aspect = outW / outH;
  let cropW = p.width;
  let cropH = Math.round(p.width / aspect);
  if (cropH > p.height) {
    cropH = p.height;
    cropW = Math.min(p.width, Math.round(p.height * aspect));
  }
  const x0 = Math.floor((p.width - cropW) / 2);
  const y0 = Math.floor((p.height - cropH) / 2);
  const c = p.channels;
  // Rows first: [cropH, outW, c] floats, then columns: [outH, outW, c].
  const wx = axisWeights(cropW, outW);
  const rows = new Float32Array(cropH * outW * c);
  for (let y = 0; y < cropH; y++) {
    const srcRow = (y0 + y) * p.width;
    for (let ox = 0; ox < outW; ox++) {
      const { start, weights } = wx[ox];
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) {
          acc += weights[k] * p.data[(srcRow + x0 + start + k) * c + ch];
        }
        rows[(y * outW + ox) * c + ch] = acc;
      }
    }
  }
  const wy = axisWeights(cropH, outH);
  const out = new Uint8Array(outH * outW * c);
  for (let oy = 0; oy < outH; oy++) {
    const { start, weights } = wy[oy];
    for (let ox = 0; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) {
          acc += weights[k] * rows[((start + k) * outW + ox) * c + ch];
        }
        out[(oy * outW + ox) * c + ch] = Math.min(
          255,
          Math.max(0, Math.round(acc)),
        );
      }
    }
  }
  return { width: outW, height: outH, channels: c, data: out };
}

interface Taps {
  readonly start: number;
  readonly weights: Float64Array;
}

/** Per output index, the source taps and their weights (summing to 1). */
function axisWeights(inLen: number, outLen: number): Taps[] {
  const taps: Taps[] = [];
  const scale = inLen / outLen;
  for (let o = 0; o < outLen; o++) {
    if (scale >= 1) {
      // Area: output pixel o covers source interval [o·s, (o+1)·s).
      const lo = o * scale;
      const hi = (o + 1) * scale;
      const start = Math.floor(lo);
      const end = Math.min(inLen, Math.ceil(hi - 1e-9));
      const weights = new Float64Array(end - start);
      for (let i = start; i < end; i++) {
        weights[i - start] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
      }
      taps.push({ start, weights });
    } else {
      // Bilinear between source pixel centres, half-pixel aligned.
      const x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inLen - 1);
      const i0 = Math.floor(x);
      const i1 = Math.min(i0 + 1, inLen - 1);
      const f = x - i0;
      taps.push(
        i1 === i0
          ? { start: i0, weights: new Float64Array([1]) }
          : { start: i0, weights: new Float64Array([1 - f, f]) },
      );
    }
  }
  return taps;
}
