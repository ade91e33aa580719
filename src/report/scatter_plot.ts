/**
 * 2-D scatter plots as PNG, e.g. generated against real samples of a toy
 * distribution.
 *
 * @module
 */

import { createCanvas } from "@napi-rs/canvas";

/** One set of points with its legend label and colour. */
export interface ScatterSeries {
  /** Legend text, e.g. `"real"`. */
  readonly label: string;
  /** `n × 2` values, row-major (`[n, 2]`): x0, y0, x1, y1, … */
  readonly points: Float32Array | readonly number[];
  /** A CSS colour, e.g. `"#1f77b4"`. */
  readonly color: string;
}

/** Options of {@linkcode renderScatterPlot}. */
export interface ScatterPlotOptions {
  /**
   * Image width in pixels.
   * @default {480}
   */
  readonly width?: number;
  /**
   * Image height in pixels.
   * @default {480}
   */
  readonly height?: number;
  /**
   * A title drawn at the top.
   * @default {""}
   */
  readonly title?: string;
  /**
   * Axis limits `[xMin, xMax, yMin, yMax]`.
   * @default {the finite points' range, padded by 5 %}
   */
  readonly limits?: readonly [number, number, number, number];
  /**
   * Point radius in pixels.
   * @default {2}
   */
  readonly radius?: number;
}

/** Where a data point lands in the image. */
export interface PlotFrame {
  readonly limits: readonly [number, number, number, number];
  /** The plotting area's left, top, width and height in pixels. */
  readonly area: { x: number; y: number; w: number; h: number };
}

const MARGIN = { left: 48, right: 16, top: 32, bottom: 36 };

/**
 * Computes the axis limits and the plotting area a plot of these series uses.
 *
 * @param series The point sets.
 * @param options As for {@linkcode renderScatterPlot}.
 * @returns The frame; a point (x, y) lands at pixel
 * (area.x + (x − xMin) / (xMax − xMin) · area.w, area.y + (yMax − y) / (yMax − yMin) · area.h).
 */
export function plotFrame(
  series: readonly ScatterSeries[],
  options: ScatterPlotOptions = {},
): PlotFrame {
  const width = options.width ?? 480;
  const height = options.height ?? 480;
  let limits = options.limits;
  if (!limits) {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const s of series) {
      for (let i = 0; i + 1 < s.points.length; i += 2) {
        const x = s.points[i];
        const y = s.points[i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [-1, 1, -1, 1];
    const padX = (x1 - x0) * 0.05 || 1;
    const padY = (y1 - y0) * 0.05 || 1;
    limits = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
  }
  return {
    limits,
    area: {
      x: MARGIN.left,
      y: MARGIN.top,
      w: width - MARGIN.left - MARGIN.right,
      h: height - MARGIN.top - MARGIN.bottom,
    },
  };
}

/**
 * Draws 2-D point sets as a PNG scatter plot with axes, tick labels, a
 * legend and an optional title. Later series are drawn over earlier ones;
 * non-finite points are skipped.
 *
 * @param series The point sets.
 * @param options Size, title, limits, point radius.
 * @returns The PNG file's bytes.
 * @throws {TypeError} When a series' points are not pairs.
 * @throws {RangeError} When the size is too small for the margins or the
 * limits are empty.
 *
 * @example Real and generated points
 * ```ts
 * import { renderScatterPlot } from "./scatter_plot.ts";
 * import { decode } from "fast-png";
 * import assert from "node:assert/strict";
 *
 * const png = renderScatterPlot([
 *   { label: "real", points: [0, 0, 1, 1], color: "#1f77b4" },
 *   { label: "generated", points: [0.5, 0.2], color: "#d62728" },
 * ], { width: 200, height: 160, title: "step 100" });
 * const image = decode(png);
 * assert.equal(image.width, 200);
 * assert.equal(image.height, 160);
 * ```
 */
export function renderScatterPlot(
  series: readonly ScatterSeries[],
  options: ScatterPlotOptions = {},
): Uint8Array {
  const width = options.width ?? 480;
  const height = options.height ?? 480;
  const radius = options.radius ?? 2;
  if (
    !Number.isInteger(width) || !Number.isInteger(height) ||
    width < MARGIN.left + MARGIN.right + 16 ||
    height < MARGIN.top + MARGIN.bottom + 16
  ) {
    throw new RangeError(
      `Cannot draw a scatter plot: width and height must be integers of at least ${
        MARGIN.left + MARGIN.right + 16
      } and ${
        MARGIN.top + MARGIN.bottom + 16
      } pixels, current size is ${width} × ${height}`,
    );
  }
  for (const s of series) {
    if (s.points.length % 2 !== 0) {
      throw new TypeError(
        `Cannot draw the series "${s.label}": points must be [n, 2] pairs, current length is ${s.points.length}`,
      );
    }
  }
  const { limits, area } = plotFrame(series, options);
  const [xMin, xMax, yMin, yMax] = limits;
  if (!(xMax > xMin) || !(yMax > yMin)) {
    throw new RangeError(
      `Cannot draw a scatter plot: limits must satisfy xMin < xMax and yMin < yMax, current limits are [${
        limits.join(", ")
      }]`,
    );
  }
  const px = (x: number) => area.x + (x - xMin) / (xMax - xMin) * area.w;
  const py = (y: number) => area.y + (yMax - y) / (yMax - yMin) * area.h;

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);

  // Axes box and ticks.
  ctx.strokeStyle = "#444444";
  ctx.lineWidth = 1;
  ctx.strokeRect(area.x, area.y, area.w, area.h);
  ctx.fillStyle = "#222222";
  ctx.font = "11px DejaVu Sans";
  for (let i = 0; i <= 4; i++) {
    const x = xMin + (xMax - xMin) * i / 4;
    const y = yMin + (yMax - yMin) * i / 4;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(formatTick(x), px(x), area.y + area.h + 4);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(formatTick(y), area.x - 4, py(y));
  }
  if (options.title) {
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.font = "13px DejaVu Sans";
    ctx.fillText(options.title, width / 2, 8);
  }

  // Points, clipped to the plotting area.
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.w, area.h);
  ctx.clip();
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.globalAlpha = 0.7;
    for (let i = 0; i + 1 < s.points.length; i += 2) {
      const x = s.points[i];
      const y = s.points[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.beginPath();
      ctx.arc(px(x), py(y), radius, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.restore();

  // Legend, top right inside the area.
  ctx.globalAlpha = 1;
  ctx.font = "11px DejaVu Sans";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  series.forEach((s, k) => {
    const y = area.y + 10 + 14 * k;
    ctx.fillStyle = s.color;
    ctx.fillRect(area.x + area.w - 14, y - 4, 8, 8);
    ctx.fillStyle = "#222222";
    ctx.fillText(s.label, area.x + area.w - 18, y);
  });
  return new Uint8Array(canvas.encodeSync("png"));
}

function formatTick(v: number): string {
  const r = Math.abs(v) < 1e-9 ? 0 : v;
  return Math.abs(r) >= 100 || (Math.abs(r) < 0.01 && r !== 0)
    ? r.toExponential(1)
    : String(Number(r.toFixed(2)));
}
