import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  allocate,
  heap,
  offsetOf,
  release,
  type WasmBackend,
} from "../../src/backend/kernels/_wasm.ts";
import {
  setScalarMoves,
  simdMoves,
  transposeMatrices,
} from "../../src/backend/kernels/_wasm_simd.ts";
import { gemm } from "../../src/backend/kernels/_wasm_gemm.ts";

/** A wasm-heap scratch buffer of `n` floats set to `f(i)`, with its index. */
function scratch(
  backend: WasmBackend,
  n: number,
  f: (i: number) => number,
): { info: tf.TensorInfo; at: number } {
  const info = allocate(backend, [n]);
  const at = offsetOf(backend, info);
  const mem = heap(backend);
  for (let i = 0; i < n; i++) mem[at + i] = f(i);
  return { info, at };
}

async function wasmBackend(): Promise<WasmBackend> {
  await useBackend("wasm");
  return tf.backend() as unknown as WasmBackend;
}

for (const scalar of [false, true]) {
  const kind = scalar ? "JavaScript" : "SIMD";

  Deno.test(`${kind} moves: copy and add follow their strides, runs of 1 to 13 floats, and touch nothing else`, async () => {
    const backend = await wasmBackend();
    const previous = setScalarMoves(scalar);
    try {
      const moves = simdMoves(backend);
      assert.equal(moves.simd, !scalar);
      for (const run of [1, 3, 4, 9, 13]) {
        const count = 5;
        const ss = run + 2;
        const ds = run + 3;
        const src = scratch(backend, count * ss, (i) => i + 1);
        const dst = scratch(backend, count * ds + 1, () => -1);
        moves.copy(src.at, dst.at, count, run, ss, ds);
        const mem = heap(backend);
        for (let k = 0; k < count * ds + 1; k++) {
          const i = Math.floor(k / ds);
          const j = k % ds;
          const want = i < count && j < run ? i * ss + j + 1 : -1;
          assert.equal(mem[dst.at + k], want, `copy run ${run}, float ${k}`);
        }
        // add with overlapping destination runs (stride 2 < run): in order
        const out = scratch(backend, 2 * count + run, () => 0.5);
        moves.add(src.at, out.at, count, run, ss, 2);
        const want = new Array(2 * count + run).fill(0.5);
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < run; j++) want[2 * i + j] += i * ss + j + 1;
        }
        assert.deepEqual(
          Array.from(heap(backend).subarray(out.at, out.at + want.length)),
          want,
          `add run ${run}`,
        );
        release(backend, src.info, dst.info, out.info);
      }
    } finally {
      setScalarMoves(previous);
    }
  });

  Deno.test(`${kind} moves: transposeMatrices of [rows, cols] = [1, 7], [5, 3], [8, 12], [67, 130] in two batches`, async () => {
    const backend = await wasmBackend();
    const previous = setScalarMoves(scalar);
    try {
      for (const [rows, cols] of [[1, 7], [5, 3], [8, 12], [67, 130]]) {
        const size = rows * cols;
        const src = scratch(backend, 2 * size, (i) => i);
        const dst = scratch(backend, 2 * size, () => NaN);
        transposeMatrices(backend, src.at, dst.at, 2, rows, cols);
        const mem = heap(backend);
        for (let b = 0; b < 2; b++) {
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              assert.equal(
                mem[dst.at + b * size + c * rows + r],
                b * size + r * cols + c,
                `[${rows}, ${cols}] batch ${b} at (${r}, ${c})`,
              );
            }
          }
        }
        release(backend, src.info, dst.info);
      }
    } finally {
      setScalarMoves(previous);
    }
  });

  Deno.test(`${kind} moves: gemmTN adds aᵀ·b into c, strided operands, within 1e-5 of a plain sum`, async () => {
    const backend = await wasmBackend();
    const previous = setScalarMoves(scalar);
    try {
      const [M, N, R, lda, ldb, ldc] = [12, 16, 37, 13, 19, 18];
      const a = scratch(backend, R * lda, (i) => Math.sin(i));
      const b = scratch(backend, R * ldb, (i) => Math.cos(0.7 * i));
      const c = scratch(backend, M * ldc, (i) => i % 3);
      simdMoves(backend).gemmTN(a.at, b.at, c.at, M, N, R, lda, ldb, ldc);
      const mem = heap(backend);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < ldc; n++) {
          let want = (m * ldc + n) % 3;
          if (n < N) {
            for (let r = 0; r < R; r++) {
              want += Math.sin(r * lda + m) * Math.cos(0.7 * (r * ldb + n));
            }
          }
          const got = mem[c.at + m * ldc + n];
          assert.ok(
            Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)),
            `c[${m}, ${n}] = ${got}, expected ${want}`,
          );
        }
      }
      release(backend, a.info, b.info, c.info);
    } finally {
      setScalarMoves(previous);
    }
  });
}

Deno.test("gemm: XNNPACK's product of heap regions writes only its [m, n] region", async () => {
  const backend = await wasmBackend();
  const [m, k, n] = [5, 7, 3];
  const a = scratch(backend, 2 + m * k, (i) => i - 2);
  const b = scratch(backend, 1 + k * n, (i) => (i % 5) - 1);
  const out = scratch(backend, m * n + 2, () => -7);
  const ids = tf.engine().backend.numDataIds();
  gemm(backend, a.at + 2, b.at + 1, out.at + 1, m, k, n);
  assert.equal(tf.engine().backend.numDataIds(), ids, "aliases left behind");
  const mem = heap(backend);
  assert.equal(mem[out.at], -7);
  assert.equal(mem[out.at + m * n + 1], -7);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let want = 0;
      for (let q = 0; q < k; q++) {
        want += (i * k + q) * (((1 + q * n + j) % 5) - 1);
      }
      assert.equal(mem[out.at + 1 + i * n + j], want, `(${i}, ${j})`);
    }
  }
  release(backend, a.info, b.info, out.info);
  await useBackend("cpu");
});
