/**
 * The IDX format of the MNIST distribution (`train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, …), plain or gzipped.
 *
 * Layout (LeCun et al., yann.lecun.com/exdb/mnist): two zero bytes, a type
 * byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D
 * float32, 0x0E float64), the number of dimensions, one big-endian uint32 per
 * dimension, then the values, big-endian, row-major.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { DataError } from "./data_error.ts";

/** A parsed IDX array. */
export interface IdxArray {
  /** Sizes of the dimensions, e.g. `[60000, 28, 28]`. */
  readonly dims: readonly number[];
  /** The values in row-major order; bytes stay a `Uint8Array`/`Int8Array`. */
  readonly data:
    | Uint8Array
    | Int8Array
    | Int16Array
    | Int32Array
    | Float32Array
    | Float64Array;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: "uint8", bytes: 1 },
  0x09: { name: "int8", bytes: 1 },
  0x0b: { name: "int16", bytes: 2 },
  0x0c: { name: "int32", bytes: 4 },
  0x0d: { name: "float32", bytes: 4 },
  0x0e: { name: "float64", bytes: 8 },
};

/**
 * Parses IDX bytes; gzipped input (leading bytes 1f 8b) is inflated first.
 *
 * @param bytes The file's contents.
 * @param file The file's name, for error messages.
 * @default {"<bytes>"} file
 * @returns The dimensions and values.
 * @throws {DataError} When the header is invalid, the gzip stream is
 * corrupt, or the file is shorter or longer than its header says.
 *
 * @example A 2 × 2 byte array
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
 * const idx = parseIdx(bytes);
 * assert.deepEqual(idx.dims, [2, 2]);
 * assert.deepEqual([...idx.data], [1, 2, 3, 4]);
 * ```
 */
export function parseIdx(bytes: Uint8Array, file = "<bytes>"): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch (error) {
      throw new DataError(
        file,
        `corrupt gzip stream (${
          error instanceof Error ? error.message : error
        })`,
        "download the file again",
      );
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      file,
      `not an IDX file: the first two bytes must be 0, got ${
        [...bytes.subarray(0, 2)].join(", ")
      }`,
      "pass an MNIST IDX file such as train-images-idx3-ubyte(.gz)",
    );
  }
  const type = TYPES[bytes[2]];
  if (type === undefined) {
    throw new DataError(
      file,
      `unknown IDX type byte 0x${
        bytes[2].toString(16)
      }; accepted are 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`,
    );
  }
  const ndims = bytes[3];
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    throw new DataError(
      file,
      `truncated header: ${ndims} dimensions need ${header} bytes, the file has ${bytes.length}`,
      "download the file again",
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count * type.bytes;
  if (bytes.length !== expected) {
    throw new DataError(
      file,
      `${
        bytes.length < expected ? "truncated" : "too long"
      }: the header [${dims}] of ${type.name} needs ${expected} bytes, the file has ${bytes.length}`,
      "download the file again",
    );
  }
  const body = bytes.subarray(header);
  switch (type.name) {
    case "uint8":
      return { dims, data: new Uint8Array(body) };
    case "int8":
      return { dims, data: new Int8Array(body.slice().buffer) };
    default: {
      const out = type.name === "int16"
        ? new Int16Array(count)
        : type.name === "int32"
        ? new Int32Array(count)
        : type.name === "float32"
        ? new Float32Array(count)
        : new Float64Array(count);
      const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
      for (let i = 0; i < count; i++) {
        const o = i * type.bytes;
        out[i] = type.name === "int16"
          ? v.getInt16(o, false)
          : type.name === "int32"
          ? v.getInt32(o, false)
          : type.name === "float32"
          ? v.getFloat32(o, false)
          : v.getFloat64(o, false);
      }
      return { dims, data: out };
    }
  }
}

/**
 * Reads and parses an IDX file, gzipped or not.
 *
 * @param path The file.
 * @returns The dimensions and values.
 * @throws {DataError} When the file is missing or invalid (see {@linkcode parseIdx}).
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new DataError(
      path,
      error instanceof Deno.errors.NotFound
        ? "file not found"
        : `unreadable (${error instanceof Error ? error.message : error})`,
      "download the MNIST IDX files (train-images-idx3-ubyte.gz and friends) and pass their paths",
    );
  }
  return parseIdx(bytes, path);
}
