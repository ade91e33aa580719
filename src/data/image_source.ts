/**
 * An in-memory image dataset stored as bytes, sampled as floats in [-1, 1].
 *
 * @module
 */

import type { Rng } from "../random.ts";
import type { SkippedFile } from "./data_error.ts";
import type { DataSource } from "./types.ts";

/**
 * A {@linkcode DataSource} of stored images that also exposes their labels,
 * the raw bytes and the files a loader skipped.
 */
export interface ImageSource extends DataSource {
  /** `[h, w, c]`. */
  readonly shape: readonly [number, number, number];
  /** `size × h × w × c` bytes, HWC, 0 … 255. */
  readonly bytes: Uint8Array;
  /** One label per image (class index; Stacked MNIST: 100·r + 10·g + b), or `null`. */
  readonly labels: Int32Array | null;
  /** Entries left out because of `skipBad: true`; empty otherwise. */
  readonly skipped: readonly SkippedFile[];
  /**
   * Copies images by index, as floats in [-1, 1].
   *
   * @param indices Which images, each in [0, size).
   * @returns `indices.length × h × w × c` values.
   */
  gather(indices: ArrayLike<number>): Float32Array;
}

/** What {@linkcode imageSource} needs. */
export interface ImageSourceInit {
  /** A short name for logs. */
  readonly name: string;
  /** `[h, w, c]` of every image. */
  readonly shape: readonly [number, number, number];
  /** `n × h × w × c` bytes, HWC. */
  readonly bytes: Uint8Array;
  /** `n` labels, or `null`. @default {null} */
  readonly labels?: Int32Array | null;
  /** Entries a loader skipped. @default {[]} */
  readonly skipped?: readonly SkippedFile[];
}

/**
 * Wraps bytes as an {@linkcode ImageSource}. A byte v becomes
 * `v / 127.5 − 1`, so 0 → −1 and 255 → 1. `sample(rng, n)` draws `n`
 * indices uniformly with replacement with `rng.int(size)`.
 *
 * @param init Shape, bytes and optional labels.
 * @returns The source.
 * @throws {TypeError} When the byte count is not a whole number of images.
 *
 * @example Bytes to [-1, 1]
 * ```ts
 * import { imageSource } from "./image_source.ts";
 * import assert from "node:assert/strict";
 *
 * const source = imageSource({
 *   name: "two pixels",
 *   shape: [1, 1, 1],
 *   bytes: new Uint8Array([0, 255]),
 * });
 * assert.equal(source.size, 2);
 * assert.deepEqual([...source.gather([1, 0])], [1, -1]);
 * ```
 */
export function imageSource(init: ImageSourceInit): ImageSource {
  const [h, w, c] = init.shape;
  const per = h * w * c;
  if (!(per > 0) || init.bytes.length % per !== 0) {
    throw new TypeError(
      `Cannot build image source "${init.name}": ${init.bytes.length} bytes is not a whole number of [${init.shape}] images (${per} bytes each)`,
    );
  }
  const size = init.bytes.length / per;
  const labels = init.labels ?? null;
  if (labels !== null && labels.length !== size) {
    throw new TypeError(
      `Cannot build image source "${init.name}": ${labels.length} labels for ${size} images; give one label per image`,
    );
  }
  const bytes = init.bytes;
  const gather = (indices: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(indices.length * per);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(i >= 0 && i < size && Number.isInteger(i))) {
        throw new RangeError(
          `Cannot gather image ${i} from "${init.name}": the index must be an integer in [0, ${size})`,
        );
      }
      const src = i * per;
      const dst = k * per;
      for (let j = 0; j < per; j++) out[dst + j] = bytes[src + j] / 127.5 - 1;
    }
    return out;
  };
  return {
    name: init.name,
    shape: [h, w, c],
    size,
    bytes,
    labels,
    skipped: init.skipped ?? [],
    gather,
    sample(rng: Rng, n: number): Float32Array {
      if (size === 0) {
        throw new RangeError(
          `Cannot sample from "${init.name}": it holds no images`,
        );
      }
      const indices = new Uint32Array(n);
      for (let k = 0; k < n; k++) indices[k] = rng.int(size);
      return gather(indices);
    },
  };
}
