/**
 * Builders for layers: each returns a new, frozen, validated layer
 * declaration.
 *
 * @module
 */

import { built } from "./_build.ts";
import type {
  ActivationDecl,
  ActivationFn,
  AvgPoolDecl,
  BatchNormDecl,
  BuilderOptions,
  Conv2dDecl,
  Conv2dTransposeDecl,
  DenseDecl,
  FlattenDecl,
  GlobalSumPoolDecl,
  LayerDecl,
  ResBlockDecl,
  ReshapeDecl,
  SequentialDecl,
  UpsampleDecl,
} from "./types.ts";

/** The layer builders; see each declaration type for the fields and defaults. */
export interface LayerBuilders {
  /** y = x W + b: `[batch, n]` → `[batch, units]`. */
  dense(
    units: number,
    options?: Omit<BuilderOptions<DenseDecl>, "units">,
  ): DenseDecl;
  /** 2-D convolution: `[b, h, w, c]` → `[b, h/stride, w/stride, filters]` ("same"). */
  conv2d(
    filters: number,
    kernel: number,
    options?: Omit<BuilderOptions<Conv2dDecl>, "filters" | "kernel">,
  ): Conv2dDecl;
  /** Transposed convolution: `[b, h, w, c]` → `[b, h·stride, w·stride, filters]`. */
  conv2dTranspose(
    filters: number,
    kernel: number,
    options?: Omit<BuilderOptions<Conv2dTransposeDecl>, "filters" | "kernel">,
  ): Conv2dTransposeDecl;
  /** Element-wise activation. */
  activation(fn: ActivationFn, options?: { alpha?: number }): ActivationDecl;
  /** max(x, 0). */
  relu(): ActivationDecl;
  /** max(x, αx). @default {0.2} alpha */
  leakyRelu(alpha?: number): ActivationDecl;
  /** tanh(x). */
  tanh(): ActivationDecl;
  /** Batch normalisation over all axes but the last. */
  batchNorm(options?: BuilderOptions<BatchNormDecl>): BatchNormDecl;
  /** Nearest-neighbour up-sampling by `factor` (default 2). */
  upsample(factor?: number): UpsampleDecl;
  /** Average pooling over `size × size` windows (default 2). */
  avgPool(size?: number): AvgPoolDecl;
  /** Sum over height and width: `[b, h, w, c]` → `[b, c]`. */
  globalSumPool(): GlobalSumPoolDecl;
  /** Reshape each example. */
  reshape(shape: readonly number[]): ReshapeDecl;
  /** Flatten each example. */
  flatten(): FlattenDecl;
  /** A residual block of the SNGAN ResNet. */
  resBlock(
    filters: number,
    options?: Omit<BuilderOptions<ResBlockDecl>, "filters">,
  ): ResBlockDecl;
  /** Layers in sequence (also a block inside a bigger sequence). */
  sequential(layers: readonly LayerDecl[]): SequentialDecl;
}

/**
 * Builders for every layer kind.
 *
 * @example A small MLP by hand
 * ```ts
 * import { layers } from "./layers.ts";
 * import assert from "node:assert/strict";
 *
 * const net = layers.sequential([
 *   layers.dense(64),
 *   layers.relu(),
 *   layers.dense(1),
 * ]);
 * assert.equal(net.layers[0].kind, "dense");
 * assert.ok(Object.isFrozen(net.layers));
 * assert.throws(() => layers.dense(0), RangeError);
 * ```
 */
export const layers: LayerBuilders = {
  dense: (units, options = {}) =>
    built("layer", { kind: "dense", units, ...options }),
  conv2d: (filters, kernel, options = {}) =>
    built("layer", { kind: "conv2d", filters, kernel, ...options }),
  conv2dTranspose: (filters, kernel, options = {}) =>
    built("layer", { kind: "conv2d_transpose", filters, kernel, ...options }),
  activation: (fn, options = {}) =>
    built("layer", { kind: "activation", fn, ...options }),
  relu: () => built("layer", { kind: "activation", fn: "relu" }),
  leakyRelu: (alpha) =>
    built("layer", { kind: "activation", fn: "leaky_relu", alpha }),
  tanh: () => built("layer", { kind: "activation", fn: "tanh" }),
  batchNorm: (options = {}) =>
    built("layer", { kind: "batch_norm", ...options }),
  upsample: (factor) => built("layer", { kind: "upsample", factor }),
  avgPool: (size) => built("layer", { kind: "avg_pool", size }),
  globalSumPool: () => built("layer", { kind: "global_sum_pool" }),
  reshape: (shape) => built("layer", { kind: "reshape", shape: [...shape] }),
  flatten: () => built("layer", { kind: "flatten" }),
  resBlock: (filters, options = {}) =>
    built("layer", { kind: "res_block", filters, ...options }),
  sequential: (list) =>
    built("layer", { kind: "sequential", layers: [...list] }),
};
