/**
 * Fits generated or real images to a feature network's input: size,
 * channels and value range.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { FeatureNetwork } from "./feature_network.ts";

/** How images are resized to the network's input size. */
export type ResizeMethod = "bilinear" | "nearest";

/** Options for {@linkcode prepareImages}. */
export interface PrepareImagesOptions {
  /**
   * Interpolation, with half-pixel centres (PyTorch's
   * `align_corners=False`, as pytorch-fid resizes).
   *
   * @default {"bilinear"}
   */
  resize?: ResizeMethod;
}

/**
 * Maps images in [-1, 1] to what a network takes:
 *
 *   x' = low + (x + 1)/2 · (high − low),  [low, high] = network.inputRange,
 *
 * resized to `network.inputSize` (when the size differs), with one channel
 * repeated to three or three averaged to one when the channel counts differ.
 *
 * @param images `[batch, h, w, c]` in [-1, 1]; not disposed.
 * @param network The network whose input size and range to meet.
 * @param options Resize method.
 * @returns `[batch, H, W, C]` with `[H, W, C]` = `network.inputSize`.
 * @throws {TypeError} When the channel counts cannot be reconciled.
 *
 * @example Grey 2 × 2 images to a 4 × 4 RGB network in [0, 255]
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { prepareImages } from "./prepare_images.ts";
 * import assert from "node:assert/strict";
 *
 * await tf.setBackend("cpu");
 * const net = { inputSize: [4, 4, 3], inputRange: [0, 255] } as const;
 * const x = tf.fill([1, 2, 2, 1], 0); // mid-grey in [-1, 1]
 * const y = prepareImages(x as tf.Tensor4D, net);
 * assert.deepEqual(y.shape, [1, 4, 4, 3]);
 * assert.ok(Math.abs(y.dataSync()[0] - 127.5) < 1e-4);
 * tf.dispose([x, y]);
 * ```
 */
export function prepareImages(
  images: tf.Tensor4D,
  network: Pick<FeatureNetwork, "inputSize" | "inputRange"> & {
    readonly name?: string;
  },
  options: PrepareImagesOptions = {},
): tf.Tensor4D {
  const [h, w, c] = network.inputSize;
  const [low, high] = network.inputRange;
  const resize = options.resize ?? "bilinear";
  if (resize !== "bilinear" && resize !== "nearest") {
    throw new TypeError(
      `Cannot prepare images: resize must be "bilinear" or "nearest", current value is "${resize}"`,
    );
  }
  const channels = images.shape[3];
  if (channels !== c && !(channels === 1 || c === 1)) {
    throw new TypeError(
      `Cannot prepare images for ${
        network.name ?? "the network"
      }: images have ${channels} channels and the network takes ${c}; only 1 → ${c} (repeat) and ${channels} → 1 (mean) are supported`,
    );
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = images; // [batch, h0, w0, c0]
    if (channels !== c) {
      x = channels === 1
        ? tf.tile(x, [1, 1, 1, c]) // [batch, h0, w0, c]
        : tf.mean(x, 3, true) as tf.Tensor4D; // [batch, h0, w0, 1]
    }
    if (x.shape[1] !== h || x.shape[2] !== w) {
      x = resize === "bilinear"
        ? tf.image.resizeBilinear(x, [h, w], false, true) // [batch, h, w, c]
        : tf.image.resizeNearestNeighbor(x, [h, w], false, true);
    }
    // [-1, 1] → [low, high]
    const scale = (high - low) / 2;
    return tf.add(tf.mul(tf.add(x, 1), scale), low) as tf.Tensor4D;
  });
}
