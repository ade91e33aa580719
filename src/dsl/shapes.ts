/**
 * Shape inference over declarations, without TensorFlow.js: per-example
 * shapes (no batch axis) through every layer, with the layer's path in any
 * mismatch. Validation and the compiler both use it, so a shape error is
 * found before a single weight exists.
 *
 * @module
 */

import type { DatasetDecl, LayerDecl, SequentialDecl } from "./types.ts";
import type { IssuePath } from "./issue.ts";

/** A per-example shape. */
export type Shape = readonly number[];

/** A shape mismatch at a layer; validation turns it into an issue. */
export class ShapeMismatch extends TypeError {
  /** The layer's path. */
  readonly path: IssuePath;
  /** What the layer needs. */
  readonly expected: string;
  /** The shape it got, rendered. */
  readonly received: string;
  /** What is wrong. */
  readonly problem: string;
  /**
   * @param path The layer.
   * @param problem What is wrong.
   * @param expected What the layer needs.
   * @param received The shape it got.
   */
  constructor(
    path: IssuePath,
    problem: string,
    expected: string,
    received: Shape,
  ) {
    super(
      `${problem}: expected ${expected}, current shape is ${
        showShape(received)
      }`,
    );
    this.path = path;
    this.problem = problem;
    this.expected = expected;
    this.received = showShape(received);
  }
}

/** Renders a shape as `[32, 32, 3]`. */
export function showShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

function prod(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

function image(layer: LayerDecl, input: Shape, path: IssuePath): void {
  if (input.length !== 3) {
    throw new ShapeMismatch(
      path,
      `${layer.kind} needs an image per example`,
      "[height, width, channels] (reshape the input first)",
      input,
    );
  }
}

/**
 * The output shape of one layer.
 *
 * @param layer A resolved layer declaration (defaults filled in).
 * @param input The per-example input shape.
 * @param path The layer's path, for errors.
 * @returns The per-example output shape.
 * @throws {ShapeMismatch} When the layer cannot take the input shape.
 */
export function layerShape(
  layer: LayerDecl,
  input: Shape,
  path: IssuePath,
): Shape {
  switch (layer.kind) {
    case "dense":
      if (input.length !== 1) {
        throw new ShapeMismatch(
          path,
          "dense needs a vector per example",
          "[features] (add a flatten layer before it)",
          input,
        );
      }
      return [layer.units];
    case "conv2d": {
      image(layer, input, path);
      const s = layer.stride ?? 1;
      const k = layer.kernel;
      const out = (n: number) =>
        (layer.padding ?? "same") === "same"
          ? Math.ceil(n / s)
          : Math.floor((n - k) / s) + 1;
      const [h, w] = [out(input[0]), out(input[1])];
      if (h < 1 || w < 1) {
        throw new ShapeMismatch(
          path,
          `conv2d's ${k}×${k} kernel is larger than its input`,
          `height and width ≥ ${k}`,
          input,
        );
      }
      return [h, w, layer.filters];
    }
    case "conv2d_transpose": {
      image(layer, input, path);
      const s = layer.stride ?? 2;
      return [input[0] * s, input[1] * s, layer.filters];
    }
    case "activation":
      return input;
    case "batch_norm":
      if (input.length < 1) {
        throw new ShapeMismatch(
          path,
          "batch_norm needs at least one axis per example",
          "[features] or [height, width, channels]",
          input,
        );
      }
      return input;
    case "upsample": {
      image(layer, input, path);
      const f = layer.factor ?? 2;
      return [input[0] * f, input[1] * f, input[2]];
    }
    case "avg_pool": {
      image(layer, input, path);
      const s = layer.size ?? 2;
      if (input[0] % s !== 0 || input[1] % s !== 0) {
        throw new ShapeMismatch(
          path,
          `avg_pool of size ${s} needs a height and width divisible by ${s}`,
          `[multiple of ${s}, multiple of ${s}, channels]`,
          input,
        );
      }
      return [input[0] / s, input[1] / s, input[2]];
    }
    case "global_sum_pool":
      image(layer, input, path);
      return [input[2]];
    case "reshape":
      if (prod(layer.shape) !== prod(input)) {
        throw new ShapeMismatch(
          path,
          `reshape to ${showShape(layer.shape)} needs ${
            prod(layer.shape)
          } values per example`,
          `a shape of ${prod(layer.shape)} values`,
          input,
        );
      }
      return [...layer.shape];
    case "flatten":
      return [prod(input)];
    case "res_block": {
      image(layer, input, path);
      const resample = layer.resample ?? "none";
      if (layer.first && resample !== "down") {
        throw new ShapeMismatch(
          path,
          "res_block with first: true is the discriminator's optimised block and must down-sample",
          'resample: "down"',
          input,
        );
      }
      if (resample === "down" && (input[0] % 2 !== 0 || input[1] % 2 !== 0)) {
        throw new ShapeMismatch(
          path,
          "res_block down-sampling needs an even height and width",
          "[even, even, channels]",
          input,
        );
      }
      const [h, w] = resample === "up"
        ? [input[0] * 2, input[1] * 2]
        : resample === "down"
        ? [input[0] / 2, input[1] / 2]
        : [input[0], input[1]];
      return [h, w, layer.filters];
    }
    case "sequential":
      return sequentialShape(layer, input, path);
    default: {
      const never: never = layer;
      throw new TypeError(`Unknown layer kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The output shape of a sequence of layers.
 *
 * @param seq The sequence.
 * @param input The per-example input shape.
 * @param path The sequence's path; layer i is at `[...path, "layers", i]`.
 * @returns The per-example output shape.
 * @throws {ShapeMismatch} At the first layer that cannot take its input.
 */
export function sequentialShape(
  seq: SequentialDecl,
  input: Shape,
  path: IssuePath,
): Shape {
  let shape = input;
  seq.layers.forEach((layer, i) => {
    shape = layerShape(layer, shape, [...path, "layers", i]);
  });
  return shape;
}

/**
 * The per-example shape a dataset declaration yields, known without
 * loading it.
 *
 * @param data A resolved dataset declaration.
 * @returns E.g. `[2]` for the toys, `[32, 32, 3]` for CIFAR-10.
 */
export function datasetShape(data: DatasetDecl): Shape {
  switch (data.kind) {
    case "eight_gaussians":
    case "twenty_five_gaussians":
    case "swiss_roll":
      return [2];
    case "mnist":
      return [28, 28, 1];
    case "stacked_mnist": {
      const s = data.imageSize ?? 28;
      return [s, s, 3];
    }
    case "cifar10":
      return [32, 32, 3];
    case "image_folder":
    case "lsun": {
      const [h, w] = typeof data.size === "number"
        ? [data.size, data.size]
        : data.size;
      return [h, w, data.channels ?? 3];
    }
    default: {
      const never: never = data;
      throw new TypeError(`Unknown dataset kind ${JSON.stringify(never)}`);
    }
  }
}

/** True when a layer, or anything inside it, is non-linear in its input. */
export function isNonLinear(layer: LayerDecl): boolean {
  switch (layer.kind) {
    case "activation":
      return layer.fn !== "linear";
    case "res_block":
      return true;
    case "sequential":
      return layer.layers.some(isNonLinear);
    default:
      // dense, convolutions, pooling, reshapes are linear; batch norm is
      // affine per example at inference.
      return false;
  }
}
