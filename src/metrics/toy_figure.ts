/**
 * The figure of the 2-D experiments (the paper's figure 3): one row per
 * dataset, a first column of real samples, then one column per method with
 * its generated samples over the real ones in light grey. Drawn and encoded
 * as PNG with `@napi-rs/canvas`.
 *
 * @module
 */

import { createCanvas } from "@napi-rs/canvas";

/** Points as `[n, 2]` row-major values, or as `[x, y]` pairs. */
export type ToyPoints =
  | Float32Array
  | readonly number[]
  | readonly (readonly number[])[];

/** One row of the figure. */
export interface ToyFigureRow {
  /** Row label, e.g. `"8 Gaussians"`. */
  readonly label: string;
  /** Real samples, drawn in the first column and behind every panel. */
  readonly real: ToyPoints;
  /** Generated samples per method column; `null` draws an empty panel marked "no run". */
  readonly cells: readonly (ToyPoints | null)[];
  /**
   * Axis limits `[xMin, xMax, yMin, yMax]` shared by the row's panels.
   *
   * @default {a square around the real samples, 50 % wider than their widest side}
   */
  readonly limits?: readonly [number, number, number, number];
}

/** Options of {@linkcode renderToyFigure}. */
export interface ToyFigureOptions {
  /** Titles of the method columns (the real-data column is titled "Real data"). */
  readonly methods: readonly string[];
  /**
   * Side of each square panel in pixels.
   *
   * @default {180}
   */
  readonly panelSize?: number;
  /**
   * Radius of a generated point in pixels.
   *
   * @default {1.3}
   */
  readonly pointRadius?: number;
  /**
   * A line of text under the figure (e.g. the settings).
   *
   * @default {""}
   */
  readonly caption?: string;
}

const LEFT = 110;
const TOP = 28;
const GAP = 6;

/** Flattens any {@linkcode ToyPoints} to `[n, 2]` row-major numbers. */
function flat(points: ToyPoints, what: string): ArrayLike<number> {
  if (points instanceof Float32Array) {
    if (points.length % 2 !== 0) {
      throw new TypeError(
        `Cannot draw ${what}: points must be [n, 2] pairs, current length is ${points.length}`,
      );
    }
    return points;
  }
  if (points.length > 0 && Array.isArray(points[0])) {
    const pairs = points as readonly (readonly number[])[];
    const out = new Float64Array(2 * pairs.length);
    pairs.forEach((p, i) => {
      if (p.length !== 2) {
        throw new TypeError(
          `Cannot draw ${what}: point ${i} must be an [x, y] pair, current length is ${p.length}`,
        );
      }
      out[2 * i] = p[0];
      out[2 * i + 1] = p[1];
    });
    return out;
  }
  const values = points as readonly number[];
  if (values.length % 2 !== 0) {
    throw new TypeError(
      `Cannot draw ${what}: points must be [n, 2] pairs, current length is ${values.length}`,
    );
  }
  return values;
}

function rangeOf(p: ArrayLike<number>): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i + 1 < p.length; i += 2) {
    if (!Number.isFinite(p[i]) || !Number.isFinite(p[i + 1])) continue;
    x0 = Math.min(x0, p[i]);
    x1 = Math.max(x1, p[i]);
    y0 = Math.min(y0, p[i + 1]);
    y1 = Math.max(y1, p[i + 1]);
  }
  if (!Number.isFinite(x0)) return [-1, 1, -1, 1];
  // A square window around the centre, 50 % wider than the widest side.
  const half = 0.75 * Math.max(x1 - x0, y1 - y0, 1e-6);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return [cx - half, cx + half, cy - half, cy + half];
}

/**
 * Draws the grid of scatter panels: rows are datasets; the first column is
 * the real data, the others the methods' generated samples over the real
 * samples in light grey. Non-finite points are skipped; points outside the
 * row's limits are clipped.
 *
 * @param rows The datasets, each with its real samples and one cell per method.
 * @param options Method titles, panel size, point radius, caption.
 * @returns The PNG file's bytes.
 * @throws {TypeError} When a row's cells do not match the methods, or points
 * are not pairs.
 * @throws {RangeError} When the panel size is below 60 pixels.
 *
 * @example Two methods on one dataset
 * ```ts
 * import { renderToyFigure } from "./toy_figure.ts";
 * import { decode } from "fast-png";
 * import assert from "node:assert/strict";
 *
 * const png = renderToyFigure([
 *   { label: "ring", real: [1, 0, 0, 1, -1, 0], cells: [[0.9, 0.1], null] },
 * ], { methods: ["A", "B"], panelSize: 100 });
 * const image = decode(png);
 * assert.equal(image.width, 110 + 3 * 100 + 2 * 6 + 8);
 * ```
 */
export function renderToyFigure(
  rows: readonly ToyFigureRow[],
  options: ToyFigureOptions,
): Uint8Array {
  const size = options.panelSize ?? 180;
  if (!Number.isInteger(size) || size < 60) {
    throw new RangeError(
      `Cannot draw the toy figure: panelSize must be an integer of at least 60 pixels, current value is ${size}`,
    );
  }
  const methods = options.methods;
  for (const row of rows) {
    if (row.cells.length !== methods.length) {
      throw new TypeError(
        `Cannot draw the toy figure: row "${row.label}" has ${row.cells.length} cells for ${methods.length} methods; give one cell (or null) per method`,
      );
    }
  }
  const radius = options.pointRadius ?? 1.3;
  const columns = ["Real data", ...methods];
  const captionHeight = options.caption ? 22 : 0;
  const width = LEFT + columns.length * size + (columns.length - 1) * GAP + 8;
  const height = TOP + rows.length * (size + GAP) + captionHeight + 4;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);

  // Column titles.
  ctx.fillStyle = "#222222";
  ctx.font = "bold 13px DejaVu Sans";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  columns.forEach((title, c) => {
    ctx.fillText(title, LEFT + c * (size + GAP) + size / 2, TOP / 2, size);
  });

  rows.forEach((row, r) => {
    const real = flat(row.real, `the real samples of "${row.label}"`);
    const [x0, x1, y0, y1] = row.limits ?? rangeOf(real);
    const top = TOP + r * (size + GAP);

    // Row label.
    ctx.fillStyle = "#222222";
    ctx.font = "bold 13px DejaVu Sans";
    ctx.textAlign = "right";
    ctx.fillText(row.label, LEFT - 10, top + size / 2, LEFT - 14);

    const cells: (ArrayLike<number> | null)[] = [
      null,
      ...row.cells.map((cell, m) =>
        cell === null
          ? null
          : flat(cell, `the samples of ${methods[m]} on "${row.label}"`)
      ),
    ];
    cells.forEach((cell, c) => {
      const left = LEFT + c * (size + GAP);
      const px = (x: number) => left + (x - x0) / (x1 - x0) * size;
      const py = (y: number) => top + (y1 - y) / (y1 - y0) * size;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, size, size);
      ctx.clip();
      ctx.fillStyle = "#fbfbfb";
      ctx.fillRect(left, top, size, size);
      const dots = (p: ArrayLike<number>, color: string, rad: number) => {
        ctx.fillStyle = color;
        for (let i = 0; i + 1 < p.length; i += 2) {
          if (!Number.isFinite(p[i]) || !Number.isFinite(p[i + 1])) continue;
          ctx.beginPath();
          ctx.arc(px(p[i]), py(p[i + 1]), rad, 0, 2 * Math.PI);
          ctx.fill();
        }
      };
      if (c === 0) {
        dots(real, "#1f77b4", radius);
      } else {
        dots(real, "#d0d0d0", radius * 0.8);
        if (cell !== null) dots(cell, "#d62728", radius);
        else {
          ctx.fillStyle = "#888888";
          ctx.font = "12px DejaVu Sans";
          ctx.textAlign = "center";
          ctx.fillText("no run", left + size / 2, top + size / 2);
        }
      }
      ctx.restore();
      ctx.strokeStyle = "#666666";
      ctx.lineWidth = 1;
      ctx.strokeRect(left + 0.5, top + 0.5, size - 1, size - 1);
    });
  });

  if (options.caption) {
    ctx.fillStyle = "#444444";
    ctx.font = "11px DejaVu Sans";
    ctx.textAlign = "left";
    ctx.fillText(
      options.caption,
      8,
      height - captionHeight / 2 - 2,
      width - 16,
    );
  }
  return new Uint8Array(canvas.encodeSync("png"));
}
