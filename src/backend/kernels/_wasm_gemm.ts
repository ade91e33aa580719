/**
 * XNNPACK's matrix product on any region of the wasm heap, writing into
 * any region: no copy of an operand chunk in, none of the product out.
 *
 * tfjs-backend-wasm runs `BatchMatMul` in XNNPACK only for untransposed,
 * unbatched operands, and its kernel always allocates a new output. Its C
 * entry point, though, takes tensor ids; an id registered at an offset
 * inside another tensor (an alias) lets it read a chunk of rows in place
 * and write its product straight into a chunk of the kernel's output.
 *
 * XNNPACK caches the packed right operand by tensor id (with no shape in
 * the key), so a right operand is always an alias made for one product
 * and dropped after it, or a tensor the caller made for this use alone.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";
import type { WasmBackend } from "./_wasm.ts";

/** The internals of tfjs-backend-wasm's backend that aliases need. */
interface BackendInternals {
  readonly wasm: {
    cwrap(
      name: string,
      result: null,
      args: string[],
    ): (...args: unknown[]) => void;
    readonly tfjs: { disposeData(id: number): void };
  };
  readonly dataIdMap: {
    get(dataId: tf.DataId): { id: number } | undefined;
    delete(dataId: tf.DataId): boolean;
  };
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
  ): tf.TensorInfo;
}

/**
 * A float32 tensor over `shape` floats of the heap starting at float index
 * `at`, owned by whatever owns that memory: drop it with
 * {@linkcode dropAlias}, never dispose it.
 */
export function alias(
  backend: WasmBackend,
  at: number,
  shape: number[],
): tf.TensorInfo {
  return (backend as unknown as BackendInternals).makeOutput(
    shape,
    "float32",
    at * 4,
  );
}

/** Forgets an {@linkcode alias} (and XNNPACK's operators cached on it) without freeing its memory. */
export function dropAlias(backend: WasmBackend, info: tf.TensorInfo): void {
  const internals = backend as unknown as BackendInternals;
  const record = internals.dataIdMap.get(info.dataId);
  if (record === undefined) return;
  internals.wasm.tfjs.disposeData(record.id);
  internals.dataIdMap.delete(info.dataId);
}

const entry = new WeakMap<object, (...args: unknown[]) => void>();

function idOf(backend: WasmBackend, info: tf.TensorInfo): number {
  return (backend as unknown as BackendInternals).dataIdMap.get(info.dataId)!
    .id;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * `out[m, n] = a[m, k] · b[k, n]` in XNNPACK, on row-major regions of the
 * heap given by float index.
 *
 * @param backend The wasm backend.
 * @param a Float index of `a` `[m, k]`.
 * @param b Float index of `b` `[k, n]` (packed anew), or a tensor of that
 * shape used as a right operand only with this shape (packed once).
 * @param out Float index of `out` `[m, n]` (must not overlap `a` or `b`).
 */
export function gemm(
  backend: WasmBackend,
  a: number,
  b: number | tf.TensorInfo,
  out: number,
  m: number,
  k: number,
  n: number,
): void {
  const internals = backend as unknown as BackendInternals;
  let run = entry.get(internals.wasm);
  if (run === undefined) {
    run = internals.wasm.cwrap("BatchMatMul", null, [
      "number",
      "array",
      "number",
      "number",
      "array",
      "number",
      "number",
      "number",
      "number",
    ]);
    entry.set(internals.wasm, run);
  }
  const left = alias(backend, a, [1, m, k]);
  const right = typeof b === "number" ? alias(backend, b, [1, k, n]) : b;
  const product = alias(backend, out, [1, m, n]);
  run(
    idOf(backend, left),
    shapeBytes([1, m, k]),
    3,
    idOf(backend, right),
    shapeBytes([1, k, n]),
    3,
    0,
    0,
    idOf(backend, product),
  );
  dropAlias(backend, left);
  if (typeof b === "number") dropAlias(backend, right);
  dropAlias(backend, product);
}
