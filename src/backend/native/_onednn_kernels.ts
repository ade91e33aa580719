/**
 * Convolution kernels for the wasm backend that run in oneDNN through
 * Deno's FFI, on the tensors' wasm memory: oneDNN reads and writes the
 * NHWC tensors in place (a byte address inside the wasm heap, re-taken on
 * every call since the heap may have moved when it grew).
 *
 * - `Conv2D`, `FusedConv2D`: oneDNN's forward convolution (bias added by
 *   oneDNN; the fused activation applied after it).
 * - `Conv2DBackpropInput` (input gradient, transposed convolution):
 *   oneDNN's backward-data convolution.
 * - `Conv2DBackpropFilter`: oneDNN's backward-weights convolution.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  allocate,
  heap,
  offsetOf,
  type WasmBackend,
  type WasmKernelFunc,
} from "../kernels/_wasm.ts";
import { type ConvGeometry, convGeometry } from "../kernels/_layout.ts";
import type { DnnlConvShape, OneDnnConv } from "./onednn.ts";
import { epilogue, lastAxisOnly } from "./_native_kernels.ts";

/** A geometry with the padding oneDNN needs on the bottom and right (negative where a valid convolution leaves input rows unused). */
export function dnnlShape(g: ConvGeometry): DnnlConvShape {
  return {
    ...g,
    padBottom: (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1 -
      g.inH - g.padTop,
    padRight: (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1 -
      g.inW - g.padLeft,
  };
}

/** The byte address of a tensor's first element inside the wasm heap. */
function address(backend: WasmBackend, info: tf.TensorInfo): Deno.PointerValue {
  const mem = heap(backend);
  return Deno.UnsafePointer.offset(
    Deno.UnsafePointer.of(mem)!,
    offsetOf(backend, info) * 4,
  );
}

/** Whether any extent is zero (oneDNN rejects empty tensors). */
function empty(g: ConvGeometry): boolean {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC].some((d) =>
    d === 0
  );
}

/**
 * Builds the oneDNN convolution kernels; `fallback` serves shapes oneDNN
 * cannot take (empty tensors).
 *
 * @param dnnl The loaded oneDNN.
 * @param fallback Kernels of the same names to use instead for those shapes.
 * @returns Kernels by tfjs name.
 */
export function oneDnnKernels(
  dnnl: OneDnnConv,
  fallback: Record<string, WasmKernelFunc>,
): Record<string, WasmKernelFunc> {
  const forward = (
    backend: WasmBackend,
    x: tf.TensorInfo,
    filter: tf.TensorInfo,
    bias: tf.TensorInfo | undefined,
    g: ConvGeometry,
  ) => {
    const y = allocate(backend, [g.batch, g.outH, g.outW, g.outC]);
    dnnl.run("forward", dnnlShape(g), {
      src: address(backend, x),
      weights: address(backend, filter),
      dst: address(backend, y),
      bias: bias === undefined ? undefined : address(backend, bias),
    });
    return y;
  };

  const conv2d: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const g = convGeometry("Conv2D", x.shape, filter.shape, attrs!);
    if (empty(g)) return fallback.Conv2D(args);
    return forward(backend, x, filter, undefined, g);
  };

  const fusedConv2d: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const prelu = inputs.preluActivationWeights as tf.TensorInfo | undefined;
    const g = convGeometry("FusedConv2D", x.shape, filter.shape, attrs!);
    if (
      empty(g) || !lastAxisOnly(bias, g.outC) || !lastAxisOnly(prelu, g.outC)
    ) {
      return fallback.FusedConv2D(args);
    }
    const perChannel = bias !== undefined &&
      tf.util.sizeFromShape(bias.shape) === g.outC;
    const y = forward(backend, x, filter, perChannel ? bias : undefined, g);
    epilogue(
      backend,
      y,
      perChannel ? undefined : bias,
      (attrs!.activation as string) ?? "linear",
      (attrs!.leakyreluAlpha as number) ?? 0.2,
      prelu,
    );
    return y;
  };

  const backpropInput: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const inputShape = attrs!.inputShape as number[];
    const g = convGeometry(
      "Conv2DBackpropInput",
      inputShape,
      filter.shape,
      attrs!,
    );
    if (empty(g)) return fallback.Conv2DBackpropInput(args);
    const dx = allocate(backend, inputShape);
    dnnl.run("backward_data", dnnlShape(g), {
      src: address(backend, dx),
      weights: address(backend, filter),
      dst: address(backend, dy),
    });
    return dx;
  };

  const backpropFilter: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const dy = inputs.dy as tf.TensorInfo;
    const filterShape = attrs!.filterShape as number[];
    const g = convGeometry(
      "Conv2DBackpropFilter",
      x.shape,
      filterShape,
      attrs!,
    );
    if (empty(g)) return fallback.Conv2DBackpropFilter(args);
    const dw = allocate(backend, filterShape);
    dnnl.run("backward_weights", dnnlShape(g), {
      src: address(backend, x),
      weights: address(backend, dw),
      dst: address(backend, dy),
    });
    return dw;
  };

  return {
    Conv2D: conv2d,
    FusedConv2D: fusedConv2d,
    Conv2DBackpropInput: backpropInput,
    Conv2DBackpropFilter: backpropFilter,
  };
}
