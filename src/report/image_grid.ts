/**
 * PNG grids of images.
 *
 * @module
 */

import { createCanvas } from "@napi-rs/canvas";

/** Options of {@linkcode renderImageGrid}. */
export interface ImageGridOptions {
  /**
   * Images per row.
   * @default {ceil(sqrt(count))}
   */
  readonly columns?: number;
  /**
   * Pixels of background between images and around the grid.
   * @default {2}
   */
  readonly padding?: number;
  /**
   * Each image pixel becomes a `scale × scale` block (nearest neighbour).
   * @default {1}
   */
  readonly scale?: number;
}

/**
 * Draws images with values in [-1, 1] as one PNG grid. A value v becomes
 * the 8-bit level round((v + 1) / 2 · 255), clipped to [0, 255]; one channel
 * is drawn as grey, three as RGB. The background is black.
 *
 * @param values `count × h × w × c` values, row-major (`[count, h, w, c]`).
 * @param shape One image's shape `[h, w, c]` with c = 1 or 3.
 * @param options Layout.
 * @returns The PNG file's bytes.
 * @throws {TypeError} When the shape is not `[h, w, 1]` or `[h, w, 3]`, or
 * the values are not a whole number of images.
 * @throws {RangeError} When columns, padding or scale is out of range.
 *
 * @example A 2 × 1 grid of 1 × 1 images
 * ```ts
 * import { renderImageGrid } from "./image_grid.ts";
 * import { decode } from "fast-png";
 * import assert from "node:assert/strict";
 *
 * const png = renderImageGrid(new Float32Array([-1, 1]), [1, 1, 1], { padding: 0 });
 * const image = decode(png);
 * assert.equal(image.width, 2);
 * assert.equal(image.height, 1);
 * assert.equal(image.data[0], 0); // red of the first pixel: v = -1
 * assert.equal(image.data[image.channels], 255); // red of the second: v = 1
 * ```
 */
export function renderImageGrid(
  values: Float32Array,
  shape: readonly number[],
  options: ImageGridOptions = {},
): Uint8Array {
  if (
    shape.length !== 3 || !(shape[2] === 1 || shape[2] === 3) ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new TypeError(
      `Cannot draw an image grid: each image must be [h, w, 1] or [h, w, 3], current shape is [${
        shape.join(", ")
      }]`,
    );
  }
  const [h, w, c] = shape;
  const size = h * w * c;
  if (values.length === 0 || values.length % size !== 0) {
    throw new TypeError(
      `Cannot draw an image grid: ${values.length} values are not a whole, non-zero number of [${
        shape.join(", ")
      }] images (${size} values each)`,
    );
  }
  const count = values.length / size;
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 1;
  checkInteger("columns", columns, 1);
  checkInteger("padding", padding, 0);
  checkInteger("scale", scale, 1);
  const rows = Math.ceil(count / columns);
  const cell = { w: w * scale, h: h * scale };
  const width = padding + columns * (cell.w + padding);
  const height = padding + rows * (cell.h + padding);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, width, height);
  const image = ctx.createImageData(width, height);
  const pixels = image.data; // [height, width, 4] RGBA
  for (let k = 0; k < count; k++) {
    const x0 = padding + (k % columns) * (cell.w + padding);
    const y0 = padding + Math.floor(k / columns) * (cell.h + padding);
    for (let y = 0; y < cell.h; y++) {
      for (let x = 0; x < cell.w; x++) {
        const src = k * size +
          (Math.floor(y / scale) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + (x0 + x)) * 4;
        for (let ch = 0; ch < 3; ch++) {
          pixels[dst + ch] = toByte(values[src + (c === 1 ? 0 : ch)]);
        }
        pixels[dst + 3] = 255;
      }
    }
  }
  for (let i = 3; i < pixels.length; i += 4) pixels[i] = 255;
  ctx.putImageData(image, 0, 0);
  return new Uint8Array(canvas.encodeSync("png"));
}

/** Maps [-1, 1] to 0 … 255; NaN becomes 0. */
function toByte(v: number): number {
  const level = Math.round((v + 1) / 2 * 255);
  return level > 255 ? 255 : level >= 0 ? level : 0;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot draw an image grid: ${name} must be an integer ≥ ${min}, current value is ${value}`,
    );
  }
}
