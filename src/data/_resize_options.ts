/**
 * Options shared by the loaders that decode and resize images.
 *
 * @module
 */

/** How decoded images are fitted to the declared size. */
export interface ResizeOptions {
  /** Output size: a side for square images, or `[height, width]`. */
  readonly size: number | readonly [number, number];
  /** 3 for RGB, 1 for grey (mean of RGB). @default {3} */
  readonly channels?: 1 | 3;
  /** Skip images that cannot be decoded and list them in `skipped`, instead of throwing. @default {false} */
  readonly skipBad?: boolean;
  /** Keep at most this many images. @default {Infinity} */
  readonly limit?: number;
}

/** Resolves and checks {@linkcode ResizeOptions}. */
export function resolveResize(
  what: string,
  options: ResizeOptions,
): { h: number; w: number; c: 1 | 3; skipBad: boolean; limit: number } {
  const size = options.size;
  const [h, w] = typeof size === "number" ? [size, size] : size ?? [NaN, NaN];
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new RangeError(
      `Cannot load ${what}: size must be a positive integer or [height, width] of positive integers, current value is ${
        JSON.stringify(size)
      }`,
    );
  }
  const c = options.channels ?? 3;
  if (c !== 1 && c !== 3) {
    throw new RangeError(
      `Cannot load ${what}: channels must be 1 or 3, current value is ${c}`,
    );
  }
  const limit = options.limit ?? Infinity;
  if (!(limit >= 1)) {
    throw new RangeError(
      `Cannot load ${what}: limit must be at least 1, current value is ${limit}`,
    );
  }
  return { h, w, c, skipBad: options.skipBad ?? false, limit };
}
