/**
 * Loads OpenBLAS through Deno's FFI and exposes its single-precision matrix
 * product, `C ← α·op(A)·op(B) + β·C` (`cblas_sgemm`, row-major).
 *
 * OpenBLAS picks its kernels from the CPU it detects when it loads; an old
 * build may not know a newer CPU and fall back to slow generic kernels.
 * Unless the user set `OPENBLAS_CORETYPE`, relgan sets it before loading
 * from what the CPU reports (`/proc/cpuinfo`): `SkylakeX` where AVX-512
 * (F, DQ, BW, VL) is present, `Haswell` where AVX2 and FMA are. Both give
 * exact IEEE float32 products; only their speed differs.
 *
 * @module
 */

import { firstLine, granted, readEnv } from "../_env.ts";

/** A loaded OpenBLAS. */
export interface OpenBlas {
  /** The file that was loaded. */
  readonly path: string;
  /** The kernel family in use, e.g. `Haswell`, `Zen`, `SkylakeX`. */
  readonly core: string;
  /** Threads OpenBLAS runs a product on. */
  readonly threads: number;
  /**
   * Row-major `C ← α·op(A)·op(B) + β·C` with `op(A)` `[m, k]`, `op(B)`
   * `[k, n]`, `C` `[m, n]`; each array starts at its matrix's first element.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array<ArrayBufferLike>,
    lda: number,
    b: Float32Array<ArrayBufferLike>,
    ldb: number,
    beta: number,
    c: Float32Array<ArrayBufferLike>,
    ldc: number,
  ): void;
  /**
   * Row-major `y ← α·op(A)·x + β·y` with `A` `[m, n]` (leading dimension
   * `lda`), `op(A)` `[n, m]` when `transA`; `x` and `y` contiguous.
   */
  sgemv(
    transA: boolean,
    m: number,
    n: number,
    alpha: number,
    a: Float32Array<ArrayBufferLike>,
    lda: number,
    x: Float32Array<ArrayBufferLike>,
    beta: number,
    y: Float32Array<ArrayBufferLike>,
  ): void;
}

/** The outcome of {@linkcode loadOpenBlas}: the library, or why not. */
export type OpenBlasProbe =
  | { readonly ok: true; readonly blas: OpenBlas }
  | { readonly ok: false; readonly reason: string };

/** Options of {@linkcode loadOpenBlas}. */
export interface LoadOpenBlasOptions {
  /**
   * Files to try, in order.
   * @default {["$RELGAN_OPENBLAS", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "libopenblas.so.0", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"]}
   */
  readonly paths?: readonly string[];
}

const DEFAULT_PATHS = [
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  cblas_sgemv: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_get_corename: { parameters: [], result: "pointer" },
  openblas_get_num_threads: { parameters: [], result: "i32" },
} as const;

let loaded: OpenBlasProbe | undefined;

/** The OpenBLAS core type matching this CPU's vector units, if known. */
export function coreTypeForCpu(cpuinfo: string): string | undefined {
  const line = cpuinfo.split("\n").find((l) => l.startsWith("flags"));
  if (line === undefined) return undefined;
  const flags = new Set(line.split(/\s+/));
  const has = (...names: string[]) => names.every((n) => flags.has(n));
  if (has("avx512f", "avx512dq", "avx512bw", "avx512vl")) return "SkylakeX";
  if (has("avx2", "fma")) return "Haswell";
  return undefined;
}

function chooseCoreType(): void {
  if (readEnv("OPENBLAS_CORETYPE") !== undefined) return;
  if (!granted({ name: "env", variable: "OPENBLAS_CORETYPE" })) return;
  if (!granted({ name: "read", path: "/proc/cpuinfo" })) return;
  let cpuinfo: string;
  try {
    cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  } catch {
    return;
  }
  const core = coreTypeForCpu(cpuinfo);
  if (core !== undefined) Deno.env.set("OPENBLAS_CORETYPE", core);
}

/**
 * Loads OpenBLAS once per process (later calls return the same outcome).
 *
 * @param options Where to look.
 * @returns The library, or the reason it could not be loaded (no FFI
 * permission, no file found).
 *
 * @example Loading the library, or learning why not
 * ```ts
 * import { loadOpenBlas } from "./openblas.ts";
 * import assert from "node:assert/strict";
 *
 * const probe = loadOpenBlas();
 * if (probe.ok) {
 *   const c = new Float32Array(1);
 *   probe.blas.sgemm(false, false, 1, 1, 2, 1, new Float32Array([1, 2]), 2, new Float32Array([3, 4]), 1, 0, c, 1);
 *   assert.equal(c[0], 1 * 3 + 2 * 4);
 * } else {
 *   assert.match(probe.reason, /OpenBLAS/);
 * }
 * ```
 */
export function loadOpenBlas(options: LoadOpenBlasOptions = {}): OpenBlasProbe {
  if (loaded !== undefined && options.paths === undefined) return loaded;
  if (!granted({ name: "ffi" })) {
    return {
      ok: false,
      reason:
        "OpenBLAS not loaded: Deno runs without --allow-ffi (run with -A or --allow-ffi)",
    };
  }
  const fromEnv = readEnv("RELGAN_OPENBLAS");
  const paths = options.paths ??
    (fromEnv ? [fromEnv, ...DEFAULT_PATHS] : DEFAULT_PATHS);
  chooseCoreType();
  const failures: string[] = [];
  for (const path of paths) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      failures.push(`${path}: ${firstLine(error)}`);
      continue;
    }
    const s = lib.symbols;
    const name = s.openblas_get_corename();
    const blas: OpenBlas = {
      path,
      core: name === null ? "unknown" : Deno.UnsafePointerView.getCString(name),
      threads: s.openblas_get_num_threads(),
      sgemm: (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
        s.cblas_sgemm(
          101,
          ta ? 112 : 111,
          tb ? 112 : 111,
          m,
          n,
          k,
          alpha,
          a,
          lda,
          b,
          ldb,
          beta,
          c,
          ldc,
        ),
      sgemv: (ta, m, n, alpha, a, lda, x, beta, y) =>
        s.cblas_sgemv(
          101,
          ta ? 112 : 111,
          m,
          n,
          alpha,
          a,
          lda,
          x,
          1,
          beta,
          y,
          1,
        ),
    };
    const probe: OpenBlasProbe = { ok: true, blas };
    if (options.paths === undefined) loaded = probe;
    return probe;
  }
  const probe: OpenBlasProbe = {
    ok: false,
    reason:
      `OpenBLAS not found (${failures.length} paths tried; Debian: apt-get install libopenblas0-pthread, or set RELGAN_OPENBLAS to the library file)`,
  };
  if (options.paths === undefined) loaded = probe;
  return probe;
}
