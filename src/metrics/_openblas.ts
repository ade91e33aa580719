/**
 * Float64 BLAS and LAPACK from the system's OpenBLAS through `Deno.dlopen`:
 * `cblas_dsyrk`, `cblas_dgemm` and `dsyevd_`. Loaded on first use; absent
 * (returns `undefined`) when the library or the FFI permission is missing.
 *
 * @module
 */

import type { SymmetricEigen } from "./_linalg.ts";

/** Where Debian's `libopenblas0` installs the library (it includes LAPACK). */
export const OPENBLAS_PATH = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0";

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;
const UPPER = 121;

const SYMBOLS = {
  cblas_dsyrk: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  cblas_dgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  // Fortran: every argument by reference, then the hidden lengths of the
  // two CHARACTER arguments.
  dsyevd_: {
    parameters: [
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "usize",
      "usize",
    ],
    result: "void",
  },
} as const;

/** The float64 kernels the metrics need, computed by OpenBLAS. */
export interface OpenBlas {
  /** Upper triangle of `c` (`[d, d]`) += XᵀX for row-major X `[rows, d]`. */
  scatterAddUpper(
    c: Float64Array,
    x: Float64Array,
    rows: number,
    d: number,
  ): void;
  /** op(A) · B, see `matMulTs`. */
  matMul(
    a: Float64Array,
    b: Float64Array,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
  ): Float64Array;
  /** A · Bᵀ, see `matMulTransposeBTs`. */
  matMulTransposeB(
    a: Float64Array,
    b: Float64Array,
    m: number,
    k: number,
    n: number,
  ): Float64Array;
  /** Symmetric eigendecomposition (LAPACK `dsyevd`), ascending. */
  symmetricEigen(a: Float64Array, n: number, vectors: boolean): SymmetricEigen;
}

let cached: OpenBlas | null | undefined;

/**
 * Opens OpenBLAS once per process.
 *
 * @returns The kernels, or `undefined` when the library cannot be opened
 *   (not installed, or no `--allow-ffi`).
 */
export function openBlas(): OpenBlas | undefined {
  if (cached === undefined) cached = open();
  return cached ?? undefined;
}

function open(): OpenBlas | null {
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    // Never prompt: without a granted FFI permission, use TypeScript.
    if (
      Deno.permissions.querySync({ name: "ffi", path: OPENBLAS_PATH }).state !==
        "granted"
    ) {
      return null;
    }
    lib = Deno.dlopen(OPENBLAS_PATH, SYMBOLS);
  } catch {
    return null;
  }
  const s = lib.symbols;
  const int = (v: number) => new Int32Array([v]);
  const char = (c: string) => new Uint8Array([c.charCodeAt(0)]);

  return {
    scatterAddUpper(c, x, rows, d) {
      if (rows === 0) return;
      s.cblas_dsyrk(ROW_MAJOR, UPPER, TRANS, d, rows, 1, x, d, 1, c, d);
    },
    matMul(a, b, m, k, n, transposeA) {
      const c = new Float64Array(m * n);
      if (m === 0 || n === 0 || k === 0) return c;
      s.cblas_dgemm(
        ROW_MAJOR,
        transposeA ? TRANS : NO_TRANS,
        NO_TRANS,
        m,
        n,
        k,
        1,
        a,
        transposeA ? m : k,
        b,
        n,
        0,
        c,
        n,
      );
      return c;
    },
    matMulTransposeB(a, b, m, k, n) {
      const c = new Float64Array(m * n);
      if (m === 0 || n === 0 || k === 0) return c;
      s.cblas_dgemm(
        ROW_MAJOR,
        NO_TRANS,
        TRANS,
        m,
        n,
        k,
        1,
        a,
        k,
        b,
        k,
        0,
        c,
        n,
      );
      return c;
    },
    symmetricEigen(matrix, n, vectors) {
      if (n === 0) return { values: new Float64Array(0) };
      // A symmetric row-major matrix is its own column-major transpose; the
      // column-major eigenvectors that dsyevd returns are then our rows.
      const a = Float64Array.from(matrix);
      const w = new Float64Array(n);
      const jobz = char(vectors ? "V" : "N");
      const uplo = char("U");
      const nn = int(n);
      const info = int(0);
      const workQuery = new Float64Array(1);
      const iworkQuery = new Int32Array(1);
      s.dsyevd_(
        jobz,
        uplo,
        nn,
        a,
        nn,
        w,
        workQuery,
        int(-1),
        iworkQuery,
        int(-1),
        info,
        1n,
        1n,
      );
      const lwork = Math.ceil(workQuery[0]);
      const liwork = iworkQuery[0];
      const work = new Float64Array(Math.max(1, lwork));
      const iwork = new Int32Array(Math.max(1, liwork));
      s.dsyevd_(
        jobz,
        uplo,
        nn,
        a,
        nn,
        w,
        work,
        int(lwork),
        iwork,
        int(liwork),
        info,
        1n,
        1n,
      );
      if (info[0] !== 0) {
        throw new RangeError(
          `Cannot diagonalise the ${n}×${n} matrix with LAPACK dsyevd: it returned info = ${
            info[0]
          } (${
            info[0] < 0 ? "an invalid argument" : "no convergence"
          }); check the matrix for NaN or Infinity`,
        );
      }
      return vectors ? { values: w, vectors: a } : { values: w };
    },
  };
}
