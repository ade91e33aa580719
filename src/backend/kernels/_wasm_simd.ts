/**
 * Float moves inside the wasm backend's own memory, in WebAssembly SIMD
 * assembled here at run time (no build step, no binary in the repository).
 *
 * relgan's pure-wasm kernels spend much of their time laying data out for
 * XNNPACK: im2col rows, col2im sums, transposes, interleaving sub-pixel
 * outputs. Written as JavaScript loops these run at about one float per
 * nanosecond, and `copyWithin` costs tens of nanoseconds per call, too much
 * for runs of 9 floats. The module built here imports the backend's
 * `WebAssembly.Memory` (so it reads and writes tensors in place) and exports
 * three routines over float indices into that memory:
 *
 * - `copy(src, dst, count, run, srcStride, dstStride)`: for `i < count`,
 *   `dst[i·dstStride + j] = src[i·srcStride + j]` for `j < run`;
 * - `add(…)`: the same with `dst[…] += src[…]`, runs processed in order, so
 *   destination runs may overlap (col2im at stride 1);
 * - `transpose(src, dst, rows, cols, srcStride, dstStride)`:
 *   `dst[c·dstStride + r] = src[r·srcStride + c]`, rows and cols multiples
 *   of 4, in 4 × 4 blocks of `i8x16.shuffle`.
 *
 * Where the backend's memory object cannot be reached, {@linkcode simdMoves}
 * returns the same routines written in JavaScript.
 *
 * @module
 */

import { heap, type WasmBackend } from "./_wasm.ts";

/** The routines, over float indices into the wasm backend's memory. */
export interface SimdMoves {
  /** `dst[i·ds + j] = src[i·ss + j]` for `i < count`, `j < run`. */
  copy(
    src: number,
    dst: number,
    count: number,
    run: number,
    ss: number,
    ds: number,
  ): void;
  /** `dst[i·ds + j] += src[i·ss + j]`, in order of `i`. */
  add(
    src: number,
    dst: number,
    count: number,
    run: number,
    ss: number,
    ds: number,
  ): void;
  /** `dst[c·ds + r] = src[r·ss + c]`, `rows` and `cols` multiples of 4. */
  transpose(
    src: number,
    dst: number,
    rows: number,
    cols: number,
    ss: number,
    ds: number,
  ): void;
  /**
   * `c[m·ldc + n] += Σ_{r < R} a[r·lda + m] · b[r·ldb + n]` for `m < M`
   * (a multiple of 4) and `n < N` (a multiple of 8): the product `aᵀ·b` of
   * two row-major operands that share their rows, added into `c`.
   */
  gemmTN(
    a: number,
    b: number,
    c: number,
    M: number,
    N: number,
    R: number,
    lda: number,
    ldb: number,
    ldc: number,
  ): void;
  /** Whether these run in WebAssembly SIMD (else JavaScript). */
  readonly simd: boolean;
}

// ---------------------------------------------------------------- encoding

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) ||
      (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

const I32 = 0x7f;
const V128 = 0x7b;

// Instructions (WebAssembly core 2.0 opcodes).
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (c: number) => [0x41, ...sleb(c)];
const add = [0x6a];
const mul = [0x6c];
const and = [0x71];
const shl = [0x74];
const geU = [0x4f];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const br = (l: number) => [0x0c, ...uleb(l)];
const brIf = (l: number) => [0x0d, ...uleb(l)];
const f32Load = [0x2a, 0x02, 0x00];
const f32Store = [0x38, 0x02, 0x00];
const f32Add = [0x92];
const vLoad = (offset = 0) => [0xfd, 0x00, 0x00, ...uleb(offset)];
const vStore = (offset = 0) => [0xfd, 0x0b, 0x00, ...uleb(offset)];
const f32x4Add = [0xfd, ...uleb(228)];
const f32x4Mul = [0xfd, ...uleb(230)];
/** `v128.load32_splat` at a constant byte offset. */
const splatLoad = (offset: number) => [0xfd, 0x09, 0x02, ...uleb(offset)];
/** `i8x16.shuffle` picking float lanes (0–3 from the first operand, 4–7 from the second). */
const shuffle = (lanes: number[]) => [
  0xfd,
  0x0d,
  ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
];
/** `local[i] += c` for an i32 local. */
const bump = (i: number, c: number[]) => [...get(i), ...c, ...add, ...set(i)];
/** `local[i] <<= 2`: float index to byte address. */
const toBytes = (i: number) => [...get(i), ...i32(2), ...shl, ...set(i)];

/** `while (local[i] < local[limit]) { body }`, unsigned; `body` advances `i`. */
const whileBelow = (i: number, limit: number, body: number[]) => [
  ...block,
  ...loop,
  ...get(i),
  ...get(limit),
  ...geU,
  ...brIf(1),
  ...body,
  ...br(0),
  ...end,
  ...end,
];

/** `local[i] = 0`, then {@linkcode whileBelow}. */
const countUp = (i: number, limit: number, body: number[]) => [
  ...i32(0),
  ...set(i),
  ...whileBelow(i, limit, body),
];

/** `local[i] · local[stride]`. */
const times = (
  i: number,
  stride: number,
) => [...get(i), ...get(stride), ...mul];

/** `local[i] << 2`: four bytes per float. */
const quad = (i: number) => [...get(i), ...i32(2), ...shl];

/** `local[into] = local[base] + Σ terms`. */
const sum = (into: number, base: number, ...terms: number[][]) => [
  ...get(base),
  ...terms.flatMap((t) => [...t, ...add]),
  ...set(into),
];

/** `copy` / `add`: params src, dst, count, run, ss, ds; locals i, j, a, b, run4. */
function runsBody(accumulate: boolean): number[] {
  const [src, dst, count, run, ss, ds, i, j, a, b, run4] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
  ];
  const vectorStep = accumulate
    ? [...get(b), ...get(b), ...vLoad(), ...get(a), ...vLoad(), ...f32x4Add]
    : [...get(b), ...get(a), ...vLoad()];
  const scalarStep = accumulate
    ? [...get(b), ...get(b), ...f32Load, ...get(a), ...f32Load, ...f32Add]
    : [...get(b), ...get(a), ...f32Load];
  return [
    ...vec([[5, I32]]),
    ...[src, dst, ss, ds].flatMap(toBytes),
    ...get(run),
    ...i32(-4),
    ...and,
    ...set(run4),
    ...whileBelow(i, count, [
      ...get(src),
      ...set(a),
      ...get(dst),
      ...set(b),
      ...countUp(j, run4, [
        ...vectorStep,
        ...vStore(),
        ...bump(a, i32(16)),
        ...bump(b, i32(16)),
        ...bump(j, i32(4)),
      ]),
      ...whileBelow(j, run, [
        ...scalarStep,
        ...f32Store,
        ...bump(a, i32(4)),
        ...bump(b, i32(4)),
        ...bump(j, i32(1)),
      ]),
      ...bump(src, get(ss)),
      ...bump(dst, get(ds)),
      ...bump(i, i32(1)),
    ]),
    ...end,
  ];
}

/** `transpose`: params src, dst, rows, cols, ss, ds; locals r, c, a, b and 8 v128. */
function transposeBody(): number[] {
  const [src, dst, rows, cols, ss, ds, r, c, a, b] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ];
  const v = [10, 11, 12, 13];
  const t = [14, 15, 16, 17];
  const loads = v.flatMap((vi, k) => [
    ...get(a),
    ...(k === 0 ? [] : [...get(ss), ...i32(k), ...mul, ...add]),
    ...vLoad(),
    ...set(vi),
  ]);
  const pair = (x: number, y: number, lanes: number[], into: number) => [
    ...get(x),
    ...get(y),
    ...shuffle(lanes),
    ...set(into),
  ];
  const lo = [0, 4, 1, 5];
  const hi = [2, 6, 3, 7];
  const shuffles = [
    ...pair(v[0], v[1], lo, t[0]), // a0 b0 a1 b1
    ...pair(v[0], v[1], hi, t[1]), // a2 b2 a3 b3
    ...pair(v[2], v[3], lo, t[2]), // c0 d0 c1 d1
    ...pair(v[2], v[3], hi, t[3]), // c2 d2 c3 d3
    ...pair(t[0], t[2], [0, 1, 4, 5], v[0]), // a0 b0 c0 d0
    ...pair(t[0], t[2], [2, 3, 6, 7], v[1]), // a1 b1 c1 d1
    ...pair(t[1], t[3], [0, 1, 4, 5], v[2]), // a2 b2 c2 d2
    ...pair(t[1], t[3], [2, 3, 6, 7], v[3]), // a3 b3 c3 d3
  ];
  const stores = v.flatMap((vi, k) => [
    ...get(b),
    ...(k === 0 ? [] : [...get(ds), ...i32(k), ...mul, ...add]),
    ...get(vi),
    ...vStore(),
  ]);
  return [
    ...vec([[4, I32], [8, V128]]),
    ...[src, dst, ss, ds].flatMap(toBytes),
    ...countUp(r, rows, [
      ...countUp(c, cols, [
        ...sum(a, src, times(r, ss), quad(c)), // src + r·ss + 4c
        ...sum(b, dst, times(c, ds), quad(r)), // dst + c·ds + 4r
        ...loads,
        ...shuffles,
        ...stores,
        ...bump(c, i32(4)),
      ]),
      ...bump(r, i32(4)),
    ]),
    ...end,
  ];
}

/**
 * `gemmTN`: params a, b, c, M, N, R, lda, ldb, ldc (float units);
 * `c[m·ldc + n] += Σ_{r < R} a[r·lda + m] · b[r·ldb + n]` in tiles of
 * 4 × 8 (M a multiple of 4, N of 8), eight accumulators in registers.
 */
function gemmTNBody(): number[] {
  const [a, b, c, M, N, R, lda, ldb, ldc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [m, n, r, pa, pb, pc] = [9, 10, 11, 12, 13, 14];
  const acc = [15, 16, 17, 18, 19, 20, 21, 22];
  const [b0, b1, sp] = [23, 24, 25];
  const rowOf = (i: number) =>
    i === 0 ? get(pc) : [...get(pc), ...get(ldc), ...i32(i), ...mul, ...add];
  const loadC = acc.flatMap((v, i) => [
    ...rowOf(i >> 1),
    ...vLoad((i & 1) * 16),
    ...set(v),
  ]);
  const storeC = acc.flatMap((v, i) => [
    ...rowOf(i >> 1),
    ...get(v),
    ...vStore((i & 1) * 16),
  ]);
  const step = [
    ...get(pb),
    ...vLoad(0),
    ...set(b0),
    ...get(pb),
    ...vLoad(16),
    ...set(b1),
    ...[0, 1, 2, 3].flatMap((i) => [
      ...get(pa),
      ...splatLoad(4 * i),
      ...set(sp),
      ...get(acc[2 * i]),
      ...get(sp),
      ...get(b0),
      ...f32x4Mul,
      ...f32x4Add,
      ...set(acc[2 * i]),
      ...get(acc[2 * i + 1]),
      ...get(sp),
      ...get(b1),
      ...f32x4Mul,
      ...f32x4Add,
      ...set(acc[2 * i + 1]),
    ]),
    ...bump(pa, get(lda)),
    ...bump(pb, get(ldb)),
    ...bump(r, i32(1)),
  ];
  return [
    ...vec([[6, I32], [11, V128]]),
    ...[a, b, c, lda, ldb, ldc].flatMap(toBytes),
    ...countUp(n, N, [
      ...countUp(m, M, [
        ...sum(pc, c, times(m, ldc), quad(n)), // c + m·ldc + 4n
        ...sum(pa, a, quad(m)), // a + 4m
        ...sum(pb, b, quad(n)), // b + 4n
        ...loadC,
        ...countUp(r, R, step),
        ...storeC,
        ...bump(m, i32(4)),
      ]),
      ...bump(n, i32(8)),
    ]),
    ...end,
  ];
}

/** The module's bytes, importing a memory that is shared or not. */
function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const sixI32 = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0];
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const nineI32 = [0x60, ...vec(Array.from({ length: 9 }, () => [I32])), 0];
  const bodies = [
    runsBody(false),
    runsBody(true),
    transposeBody(),
    gemmTNBody(),
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([sixI32, nineI32])),
    ...section(2, vec([[...name("e"), ...name("m"), 0x02, ...limits]])),
    ...section(3, vec([[0], [0], [0], [1]])),
    ...section(
      7,
      vec(
        ["copy", "add", "transpose", "gemmTN"].map((
          n,
          i,
        ) => [...name(n), 0x00, i]),
      ),
    ),
    ...section(10, vec(bodies.map((body) => [...uleb(body.length), ...body]))),
  ]);
}

// ---------------------------------------------------------------- instances

type Six = (
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, SimdMoves>();
let forceScalar = false;

/**
 * Makes {@linkcode simdMoves} return the JavaScript routines (tests compare
 * both paths).
 *
 * @param scalar Whether to use JavaScript.
 * @returns The previous setting.
 */
export function setScalarMoves(scalar: boolean): boolean {
  const previous = forceScalar;
  forceScalar = scalar;
  return previous;
}

function memoryOf(backend: WasmBackend): WebAssembly.Memory | undefined {
  const wasm = backend.wasm as {
    wasmMemory?: unknown;
    asm?: { memory?: unknown };
  };
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

function scalarMoves(backend: WasmBackend): SimdMoves {
  return {
    simd: false,
    copy(src, dst, count, run, ss, ds) {
      const mem = heap(backend);
      for (let i = 0; i < count; i++) {
        const s = src + i * ss;
        mem.copyWithin(dst + i * ds, s, s + run);
      }
    },
    add(src, dst, count, run, ss, ds) {
      const mem = heap(backend);
      for (let i = 0; i < count; i++) {
        const s = src + i * ss;
        const d = dst + i * ds;
        for (let j = 0; j < run; j++) mem[d + j] += mem[s + j];
      }
    },
    transpose(src, dst, rows, cols, ss, ds) {
      const mem = heap(backend);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          mem[dst + c * ds + r] = mem[src + r * ss + c];
        }
      }
    },
    gemmTN(a, b, c, M, N, R, lda, ldb, ldc) {
      const mem = heap(backend);
      for (let r = 0; r < R; r++) {
        for (let m = 0; m < M; m++) {
          const v = mem[a + r * lda + m];
          const row = c + m * ldc;
          const br = b + r * ldb;
          for (let n = 0; n < N; n++) mem[row + n] += v * mem[br + n];
        }
      }
    },
  };
}

/**
 * The move routines for a wasm backend: WebAssembly SIMD on its memory,
 * or JavaScript where that memory cannot be reached.
 *
 * @param backend The wasm backend.
 * @returns The routines (one instance per memory, built once).
 */
export function simdMoves(backend: WasmBackend): SimdMoves {
  const memory = memoryOf(backend);
  if (forceScalar || memory === undefined) return scalarMoves(backend);
  let ops = instances.get(memory);
  if (ops === undefined) {
    const shared = typeof SharedArrayBuffer !== "undefined" &&
      memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(moduleBytes(shared));
    const exports = new WebAssembly.Instance(module, { e: { m: memory } })
      .exports as Record<"copy" | "add" | "transpose", Six> & {
        gemmTN: SimdMoves["gemmTN"];
      };
    ops = {
      simd: true,
      copy: exports.copy,
      add: exports.add,
      transpose: exports.transpose,
      gemmTN: exports.gemmTN,
    };
    instances.set(memory, ops);
  }
  return ops;
}

/**
 * `dst[c·ds + r] = src[r·ss + c]` for `r < rows`, `c < cols` (regions
 * that must not overlap), in 64 × 64 tiles of SIMD blocks, with the edges
 * that are not multiples of 4 in JavaScript.
 *
 * @param backend The wasm backend holding both.
 * @param src Float index of `src[0, 0]`.
 * @param dst Float index of `dst[0, 0]`.
 * @param ss Floats between source rows.
 * @param ds Floats between destination rows.
 */
export function transposeStrided(
  backend: WasmBackend,
  src: number,
  dst: number,
  rows: number,
  cols: number,
  ss: number,
  ds: number,
): void {
  const ops = simdMoves(backend);
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const tile = 64;
  for (let r = 0; r < r4; r += tile) {
    const nr = Math.min(tile, r4 - r);
    for (let c = 0; c < c4; c += tile) {
      const nc = Math.min(tile, c4 - c);
      ops.transpose(src + r * ss + c, dst + c * ds + r, nr, nc, ss, ds);
    }
  }
  if (r4 === rows && c4 === cols) return;
  const mem = heap(backend);
  for (let r = 0; r < rows; r++) {
    for (let c = r < r4 ? c4 : 0; c < cols; c++) {
      mem[dst + c * ds + r] = mem[src + r * ss + c];
    }
  }
}

/**
 * Transposes `batch` row-major `[rows, cols]` matrices into `[cols, rows]`
 * (source and destination must not overlap) with
 * {@linkcode transposeStrided}.
 *
 * @param backend The wasm backend holding both.
 * @param src Float index of the first source matrix.
 * @param dst Float index of the first destination matrix.
 */
export function transposeMatrices(
  backend: WasmBackend,
  src: number,
  dst: number,
  batch: number,
  rows: number,
  cols: number,
): void {
  const size = rows * cols;
  if (rows === 1 || cols === 1) {
    heap(backend).copyWithin(dst, src, src + batch * size);
    return;
  }
  for (let m = 0; m < batch; m++) {
    transposeStrided(
      backend,
      src + m * size,
      dst + m * size,
      rows,
      cols,
      cols,
      rows,
    );
  }
}
