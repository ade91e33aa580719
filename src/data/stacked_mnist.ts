/**
 * Stacked MNIST (paper section 5.1): three MNIST digits drawn independently
 * and stacked as the red, green and blue channels of one image, so the data
 * has 10³ = 1000 modes.
 *
 * @module
 */

import { Rng } from "../random.ts";
import type { ImageSource } from "./image_source.ts";
import { loadMnist, type MnistOptions } from "./mnist.ts";
import type { DataSource } from "./types.ts";

/** Options of {@linkcode loadStackedMnist}. */
export interface StackedMnistOptions {
  /** Number of stacked examples to build. @default {100000} */
  readonly size?: number;
  /** Seed of the draw of the digit triples. @default {0} */
  readonly seed?: number;
  /**
   * Side of the output images: 28 keeps MNIST's size; 32 pads each side with
   * 2 background pixels (value −1), for generators that work in powers of 2.
   * @default {28}
   */
  readonly imageSize?: 28 | 32;
  /** Where the digits come from (see {@linkcode loadMnist}). @default {{}} */
  readonly mnist?: MnistOptions;
}

/** A Stacked MNIST dataset with its per-example 3-digit labels. */
export interface StackedMnistSource extends DataSource {
  /** `[s, s, 3]` with s = `imageSize`. */
  readonly shape: readonly [number, number, number];
  /**
   * `size × 3` digit indices into {@linkcode StackedMnistSource.digits}:
   * example i stacks digits `triples[3i]` (red), `triples[3i+1]` (green),
   * `triples[3i+2]` (blue).
   */
  readonly triples: Uint32Array;
  /** Mode of each example: 100·(red digit) + 10·(green digit) + (blue digit), in [0, 1000). */
  readonly labels: Int32Array;
  /** The MNIST digits the channels are drawn from. */
  readonly digits: ImageSource;
  /**
   * Builds examples by index, as floats in [-1, 1].
   *
   * @param indices Which examples, each in [0, size).
   * @returns `indices.length × s × s × 3` values, HWC.
   */
  gather(indices: ArrayLike<number>): Float32Array;
}

/**
 * Builds Stacked MNIST: for each example three digits are drawn uniformly
 * and independently (with replacement) from the MNIST pool by a generator
 * seeded with `seed`, and stacked as channels 0, 1, 2. The example's mode is
 * `100·d₀ + 10·d₁ + d₂` for the digits' labels d. Only the index triples are
 * stored; pixels are assembled when sampled.
 *
 * @param options Size, seed, image size and digit source.
 * @returns A {@linkcode StackedMnistSource}, shape `[s, s, 3]`.
 * @throws {RangeError} When `size` is not a positive integer or `imageSize`
 * is not 28 or 32.
 *
 * @example Channels are digits
 * ```ts
 * import { loadStackedMnist } from "./stacked_mnist.ts";
 * import assert from "node:assert/strict";
 *
 * const data = await loadStackedMnist({ size: 10, seed: 1 });
 * assert.deepEqual(data.shape, [28, 28, 3]);
 * const t = data.triples;
 * const d = data.digits.labels!;
 * assert.equal(data.labels[0], 100 * d[t[0]] + 10 * d[t[1]] + d[t[2]]);
 * ```
 */
export async function loadStackedMnist(
  options: StackedMnistOptions = {},
): Promise<StackedMnistSource> {
  const size = options.size ?? 100000;
  const seed = options.seed ?? 0;
  const side = options.imageSize ?? 28;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(
      `Cannot build Stacked MNIST: size must be a positive integer, current value is ${size}`,
    );
  }
  if (side !== 28 && side !== 32) {
    throw new RangeError(
      `Cannot build Stacked MNIST: imageSize must be 28 or 32, current value is ${side}`,
    );
  }
  const digits = await loadMnist(options.mnist ?? {});
  const [dh, dw] = digits.shape;
  if (dh > side || dw > side) {
    throw new RangeError(
      `Cannot build Stacked MNIST of side ${side}: the digits are ${dh} × ${dw}; use imageSize ${dh}`,
    );
  }
  const digitLabels = digits.labels!;
  const rng = new Rng(seed).fork("stacked_mnist");
  const triples = new Uint32Array(size * 3);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let mode = 0;
    for (let c = 0; c < 3; c++) {
      const j = rng.int(digits.size);
      triples[3 * i + c] = j;
      mode = mode * 10 + digitLabels[j];
    }
    labels[i] = mode;
  }
  const pad = [(side - dh) >> 1, (side - dw) >> 1];
  const per = side * side * 3;
  const bytes = digits.bytes;
  const gather = (indices: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(indices.length * per).fill(-1);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(Number.isInteger(i) && i >= 0 && i < size)) {
        throw new RangeError(
          `Cannot gather Stacked MNIST example ${i}: the index must be an integer in [0, ${size})`,
        );
      }
      for (let c = 0; c < 3; c++) {
        const src = triples[3 * i + c] * dh * dw;
        for (let y = 0; y < dh; y++) {
          const row = k * per + ((y + pad[0]) * side + pad[1]) * 3 + c;
          for (let x = 0; x < dw; x++) {
            out[row + 3 * x] = bytes[src + y * dw + x] / 127.5 - 1;
          }
        }
      }
    }
    return out;
  };
  return {
    name: `stacked mnist (${size})`,
    shape: [side, side, 3],
    size,
    triples,
    labels,
    digits,
    gather,
    sample(r: Rng, n: number): Float32Array {
      const indices = new Uint32Array(n);
      for (let k = 0; k < n; k++) indices[k] = r.int(size);
      return gather(indices);
    },
  };
}
