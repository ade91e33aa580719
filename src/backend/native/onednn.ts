/**
 * Loads oneDNN (the library behind PyTorch's CPU convolutions; Debian
 * `libdnnl2`) through Deno's FFI and runs NHWC convolutions with it:
 * forward, input gradient and filter gradient, on caller-owned memory.
 *
 * Tensors keep TensorFlow.js's layouts: activations `[batch, h, w, c]`,
 * filters `[kH, kW, inC, outC]`. oneDNN names dimensions in its own order
 * (`N, C, H, W` and `O, I, kH, kW`), so each layout is given to it as
 * strides: an NHWC activation has strides `(H·W·C, 1, W·C, C)`, an HWIO
 * filter `(1, O, kW·I·O, I·O)`. oneDNN's fastest kernels want blocked
 * layouts of their own; with {@linkcode DnnlLayout} `all` relgan lets
 * oneDNN choose them and reorders the operands in and out on every call
 * (the name of the kernel chosen is in {@linkcode OneDnnConv.implementation}).
 *
 * A primitive is built once per geometry and operation (oneDNN compiles
 * its kernels just in time) and cached for the process.
 *
 * @module
 */

import { firstLine, granted, readEnv } from "../_env.ts";
import type { ConvGeometry } from "../kernels/_layout.ts";

/**
 * The geometry of an NHWC convolution with the padding on all four sides:
 * relgan's {@linkcode ConvGeometry} plus the bottom and right padding
 * (negative where a valid convolution leaves input rows unused).
 */
export interface DnnlConvShape extends ConvGeometry {
  readonly padBottom: number;
  readonly padRight: number;
}

/**
 * One of the three convolution operations:
 * - `forward`: `y = x ⋆ W` (+ bias);
 * - `backward_data`: `dx = ∂/∂x` from `dy` and `W` (also the transposed
 *   convolution);
 * - `backward_weights`: `dW = ∂/∂W` from `x` and `dy`.
 */
export type DnnlConvOp = "forward" | "backward_data" | "backward_weights";

/** Where the operands of one call lie (byte addresses). */
export interface DnnlConvOperands {
  /** `x` (forward, backward_weights) or `dx` (backward_data, written). */
  readonly src: Deno.PointerValue;
  /** `W` (forward, backward_data) or `dW` (backward_weights, written). */
  readonly weights: Deno.PointerValue;
  /** `y` (forward, written) or `dy` (the gradients, read). */
  readonly dst: Deno.PointerValue;
  /** A bias `[outC]` added by `forward`, if any. */
  readonly bias?: Deno.PointerValue;
}

/** A loaded oneDNN. */
export interface OneDnnConv {
  /** The file that was loaded. */
  readonly path: string;
  /** Its version, e.g. `2.6.3`. */
  readonly version: string;
  /** OpenMP threads it runs on (`OMP_NUM_THREADS`, else every core). */
  readonly threads: number;
  /**
   * Runs one convolution operation; blocks until it is done.
   *
   * @throws {Error} When oneDNN rejects the geometry (the message has its
   * status).
   */
  run(op: DnnlConvOp, shape: DnnlConvShape, operands: DnnlConvOperands): void;
  /**
   * The name of the kernel oneDNN chose for an operation and geometry, e.g.
   * `jit:avx2` or `gemm:jit`.
   */
  implementation(op: DnnlConvOp, shape: DnnlConvShape, bias?: boolean): string;
}

/** The outcome of {@linkcode loadOneDnn}: the library, or why not. */
export type OneDnnProbe =
  | { readonly ok: true; readonly dnnl: OneDnnConv }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_PATHS = [
  "/usr/lib/x86_64-linux-gnu/libdnnl.so.2",
  "/usr/lib/aarch64-linux-gnu/libdnnl.so.2",
  "libdnnl.so.2",
  "libdnnl.so.3",
  "/opt/homebrew/opt/onednn/lib/libdnnl.dylib",
  "/usr/local/opt/onednn/lib/libdnnl.dylib",
];

const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_engine_create: {
    parameters: ["buffer", "i32", "usize"],
    result: "i32",
  },
  dnnl_stream_create: {
    parameters: ["buffer", "pointer", "u32"],
    result: "i32",
  },
  dnnl_memory_desc_init_by_strides: {
    parameters: ["buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query: {
    parameters: ["pointer", "i32", "i32", "buffer"],
    result: "i32",
  },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_memory_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_memory_set_data_handle: {
    parameters: ["pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_execute: {
    parameters: ["pointer", "pointer", "i32", "buffer"],
    result: "i32",
  },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  dnnl_primitive_desc_query_md: {
    parameters: ["pointer", "i32", "i32"],
    result: "pointer",
  },
  dnnl_memory_desc_equal: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: ["pointer"], result: "usize" },
  dnnl_reorder_primitive_desc_create: {
    parameters: [
      "buffer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
    ],
    result: "i32",
  },
} as const;

// Values from oneDNN 2.x's dnnl_types.h.
const ENGINE_CPU = 1;
const STREAM_DEFAULT = 1;
const F32 = 3;
const FORWARD_TRAINING = 64;
const CONVOLUTION_DIRECT = 1;
const QUERY_IMPL_INFO_STR = 8;
const ARG = {
  src: 1,
  dst: 17,
  weights: 33,
  bias: 41,
  diffSrc: 129,
  diffDst: 145,
  diffWeights: 161,
} as const;
/** Bytes of `dnnl_memory_desc_t` (696 in 2.6) and `dnnl_convolution_desc_t` (5976), rounded up generously. */
const MD_BYTES = 1024;
const OP_DESC_BYTES = 8192;
const DIMS = 12;

const STATUS = [
  "success",
  "out_of_memory",
  "invalid_arguments",
  "unimplemented",
  "iterator_ends",
  "runtime_error",
  "not_required",
];

function statusText(code: number): string {
  return STATUS[code] ?? `status ${code}`;
}

/** A `dnnl_dims_t` (12 int64s) holding `values`, and how many they are. */
interface Dims {
  readonly cells: BigInt64Array;
  readonly count: number;
}

function dims(...values: number[]): Dims {
  const cells = new BigInt64Array(DIMS);
  values.forEach((v, i) => (cells[i] = BigInt(v)));
  return { cells, count: values.length };
}

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** One operand of a built primitive. */
interface Slot {
  /** Index into the call's handles: 0 src, 1 weights, 2 dst, 3 bias. */
  readonly role: number;
  /** The memory object bound to the caller's tensor. */
  readonly user: Deno.PointerValue;
  /**
   * When oneDNN wants another layout: the reorder to or from it, and the
   * memory object in that layout, whose bytes lie in the shared scratch
   * buffer during a call.
   */
  readonly reorder?: {
    readonly primitive: Deno.PointerValue;
    readonly args: Uint8Array;
    readonly input: boolean;
    readonly inner: Deno.PointerValue;
    readonly bytes: number;
  };
}

/** One built primitive with its memory objects, ready to execute. */
interface Built {
  readonly primitive: Deno.PointerValue;
  readonly implementation: string;
  readonly slots: readonly Slot[];
  readonly args: Uint8Array;
}

/**
 * Which operands oneDNN may lay out its own way (reordered on every call):
 * `plain` none (oneDNN then runs its im2col and matrix-product kernel),
 * `weights` the filter only, `all` every operand (its blocked direct
 * kernels, as PyTorch uses them), `auto` `weights` for layers with fewer
 * than 16 input or output channels (an image's first or last layer: there
 * `plain` runs oneDNN's im2col kernel, whose many OpenMP barriers made one
 * 3-channel input gradient take 0.8 s inside a training step on a busy
 * machine, and `all` pays reorders of mostly padding) and `all` elsewhere.
 */
export type DnnlLayout = "plain" | "weights" | "all" | "auto";

/** The layout {@linkcode DnnlLayout} `auto` gives a geometry. */
export function autoLayout(s: DnnlConvShape): "weights" | "all" {
  return s.inC < 16 || s.outC < 16 ? "weights" : "all";
}

function readPointer(cell: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(cell[0]);
}

function execArgs(pairs: readonly (readonly [number, Deno.PointerValue])[]) {
  const args = new Uint8Array(16 * pairs.length);
  const view = new DataView(args.buffer);
  pairs.forEach(([arg, mem], i) => {
    view.setInt32(16 * i, arg, true);
    view.setBigUint64(16 * i + 8, BigInt(Deno.UnsafePointer.value(mem)), true);
  });
  return args;
}

const ANY = 1;
const QUERY = {
  forward: [129, 131, 133],
  backward_data: [130, 131, 134],
  backward_weights: [129, 132, 134],
} as const;
const INPUTS = {
  forward: [true, true, false, true],
  backward_data: [false, true, true],
  backward_weights: [true, false, true],
} as const;

function makeConv(
  lib: Lib,
  path: string,
  version: string,
  layout: DnnlLayout,
): OneDnnConv {
  const check = (what: string, code: number) => {
    if (code !== 0) {
      throw new Error(
        `oneDNN could not ${what}: ${statusText(code)} (${path})`,
      );
    }
  };
  const cell = new BigUint64Array(1);
  check("create a CPU engine", lib.dnnl_engine_create(cell, ENGINE_CPU, 0n));
  const engine = readPointer(cell);
  check(
    "create a stream",
    lib.dnnl_stream_create(cell, engine, STREAM_DEFAULT),
  );
  const stream = readPointer(cell);
  const cache = new Map<string, Built>();

  const plainDesc = (d: Dims, strides: Dims) => {
    const md = new Uint8Array(MD_BYTES);
    check(
      "describe a tensor",
      lib.dnnl_memory_desc_init_by_strides(
        md,
        d.count,
        d.cells,
        F32,
        strides.cells,
      ),
    );
    return md;
  };
  const anyDesc = (d: Dims) => {
    const md = new Uint8Array(MD_BYTES);
    check(
      "describe a tensor",
      lib.dnnl_memory_desc_init_by_tag(md, d.count, d.cells, F32, ANY),
    );
    return md;
  };
  const memory = (md: Deno.PointerValue, handle: Deno.PointerValue) => {
    check(
      "create a memory object",
      lib.dnnl_memory_create(cell, md, engine, handle),
    );
    return readPointer(cell);
  };

  const build = (op: DnnlConvOp, s: DnnlConvShape, bias: boolean): Built => {
    const key = `${op}|${bias}|${Object.values(s).join(",")}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const where = `${op} of x [${s.batch}, ${s.inH}, ${s.inW}, ${s.inC}] ` +
      `with a ${s.kH}×${s.kW} filter to ${s.outC} channels, stride ` +
      `${s.strideH}×${s.strideW}`;
    const actDims = dims(s.batch, s.inC, s.inH, s.inW);
    const outDims = dims(s.batch, s.outC, s.outH, s.outW);
    const filterDims = dims(s.outC, s.inC, s.kH, s.kW);
    const plain = [
      plainDesc(actDims, dims(s.inH * s.inW * s.inC, 1, s.inW * s.inC, s.inC)),
      plainDesc(
        filterDims,
        dims(1, s.outC, s.kW * s.inC * s.outC, s.inC * s.outC),
      ),
      plainDesc(
        outDims,
        dims(s.outH * s.outW * s.outC, 1, s.outW * s.outC, s.outC),
      ),
      plainDesc(dims(s.outC), dims(1)),
    ];
    const chosen = layout === "auto" ? autoLayout(s) : layout;
    const free = [chosen === "all", chosen !== "plain", chosen === "all"];
    const [act, filter, out] = [actDims, filterDims, outDims].map((d, i) =>
      free[i] ? anyDesc(d) : plain[i]
    );
    const strides = dims(s.strideH, s.strideW).cells;
    const dilates = dims(s.dilationH - 1, s.dilationW - 1).cells;
    const padL = dims(s.padTop, s.padLeft).cells;
    const padR = dims(s.padBottom, s.padRight).cells;
    const fwdDesc = new Uint8Array(OP_DESC_BYTES);
    check(
      `describe the ${where}`,
      lib.dnnl_dilated_convolution_forward_desc_init(
        fwdDesc,
        FORWARD_TRAINING,
        CONVOLUTION_DIRECT,
        act,
        filter,
        op === "forward" && bias ? Deno.UnsafePointer.of(plain[3]) : null,
        out,
        strides,
        dilates,
        padL,
        padR,
      ),
    );
    check(
      `find a kernel for the ${where}`,
      lib.dnnl_primitive_desc_create(cell, fwdDesc, null, engine, null),
    );
    const fwdPd = readPointer(cell);
    let pd = fwdPd;
    if (op !== "forward") {
      const opDesc = new Uint8Array(OP_DESC_BYTES);
      check(
        `describe the ${where}`,
        op === "backward_data"
          ? lib.dnnl_dilated_convolution_backward_data_desc_init(
            opDesc,
            CONVOLUTION_DIRECT,
            act,
            filter,
            out,
            strides,
            dilates,
            padL,
            padR,
          )
          : lib.dnnl_dilated_convolution_backward_weights_desc_init(
            opDesc,
            CONVOLUTION_DIRECT,
            act,
            filter,
            null,
            out,
            strides,
            dilates,
            padL,
            padR,
          ),
      );
      check(
        `find a kernel for the ${where}`,
        lib.dnnl_primitive_desc_create(cell, opDesc, null, engine, fwdPd),
      );
      pd = readPointer(cell);
    }
    check(
      `name the kernel of the ${where}`,
      lib.dnnl_primitive_desc_query(pd, QUERY_IMPL_INFO_STR, 0, cell),
    );
    const name = readPointer(cell);
    const implementation = name === null
      ? "unknown"
      : Deno.UnsafePointerView.getCString(name);
    check(
      `build the kernel of the ${where}`,
      lib.dnnl_primitive_create(cell, pd),
    );
    const primitive = readPointer(cell);

    const argIds = op === "forward"
      ? [ARG.src, ARG.weights, ARG.dst, ...(bias ? [ARG.bias] : [])]
      : op === "backward_data"
      ? [ARG.diffSrc, ARG.weights, ARG.diffDst]
      : [ARG.src, ARG.diffWeights, ARG.diffDst];
    const slots: Slot[] = [];
    const pairs: [number, Deno.PointerValue][] = [];
    argIds.forEach((arg, role) => {
      const user = memory(Deno.UnsafePointer.of(plain[role]), null);
      const wanted = role < 3
        ? lib.dnnl_primitive_desc_query_md(pd, QUERY[op][role], 0)
        : null;
      if (wanted === null || lib.dnnl_memory_desc_equal(plain[role], wanted)) {
        slots.push({ role, user });
        pairs.push([arg, user]);
        return;
      }
      const bytes = Number(lib.dnnl_memory_desc_get_size(wanted));
      const inner = memory(wanted, null);
      const input = INPUTS[op][role];
      const [from, to] = input
        ? [Deno.UnsafePointer.of(plain[role]), wanted]
        : [wanted, Deno.UnsafePointer.of(plain[role])];
      check(
        `find a reorder for the ${where}`,
        lib.dnnl_reorder_primitive_desc_create(
          cell,
          from,
          engine,
          to,
          engine,
          null,
        ),
      );
      const rpd = readPointer(cell);
      check("build a reorder", lib.dnnl_primitive_create(cell, rpd));
      const reorder = {
        primitive: readPointer(cell),
        args: execArgs(
          input ? [[1, user], [17, inner]] : [[1, inner], [17, user]],
        ),
        input,
        inner,
        bytes,
      };
      slots.push({ role, user, reorder });
      pairs.push([arg, inner]);
    });
    const built: Built = {
      primitive,
      implementation,
      slots,
      args: execArgs(pairs),
    };
    cache.set(key, built);
    return built;
  };

  const execute = (
    primitive: Deno.PointerValue,
    n: number,
    args: Uint8Array,
    what: string,
  ) => check(what, lib.dnnl_primitive_execute(primitive, stream, n, args));

  // The operands in oneDNN's layouts live here during one call: one buffer
  // for the process, as large as the largest call needs (not one per
  // cached primitive, which held gigabytes for a ResNet step).
  let scratch = new Uint8Array(0);
  const placeScratch = (slots: readonly Slot[]) => {
    const align = (n: number) => Math.ceil(n / 64) * 64;
    let total = 0;
    for (const slot of slots) {
      if (slot.reorder) total += align(slot.reorder.bytes);
    }
    if (total === 0) return;
    if (scratch.byteLength < total + 64) scratch = new Uint8Array(total + 64);
    const base = Deno.UnsafePointer.of(scratch)!;
    let at = (64 - Number(BigInt(Deno.UnsafePointer.value(base)) % 64n)) % 64;
    for (const slot of slots) {
      if (slot.reorder === undefined) continue;
      check(
        "point a memory object at relgan's scratch buffer",
        lib.dnnl_memory_set_data_handle(
          slot.reorder.inner,
          Deno.UnsafePointer.offset(base, at),
        ),
      );
      at += align(slot.reorder.bytes);
    }
  };

  const fromEnv = Number.parseInt(readEnv("OMP_NUM_THREADS") ?? "", 10);
  return {
    path,
    version,
    threads: fromEnv > 0 ? fromEnv : navigator.hardwareConcurrency,
    implementation: (op, shape, bias = false) =>
      build(op, shape, bias).implementation,
    run(op, shape, operands) {
      const built = build(op, shape, operands.bias !== undefined);
      const handles = [
        operands.src,
        operands.weights,
        operands.dst,
        operands.bias ?? null,
      ];
      for (const slot of built.slots) {
        check(
          "point a memory object at a tensor",
          lib.dnnl_memory_set_data_handle(slot.user, handles[slot.role]),
        );
      }
      placeScratch(built.slots);
      for (const slot of built.slots) {
        if (slot.reorder?.input) {
          execute(
            slot.reorder.primitive,
            2,
            slot.reorder.args,
            "reorder an operand",
          );
        }
      }
      execute(
        built.primitive,
        built.slots.length,
        built.args,
        `run the ${op} convolution (${built.implementation})`,
      );
      for (const slot of built.slots) {
        if (slot.reorder !== undefined && !slot.reorder.input) {
          execute(
            slot.reorder.primitive,
            2,
            slot.reorder.args,
            "reorder a result",
          );
        }
      }
      check("wait for the stream", lib.dnnl_stream_wait(stream));
    },
  };
}

/**
 * Makes OpenMP's idle threads sleep rather than spin (`OMP_WAIT_POLICY` is
 * read once, when the OpenMP runtime loads with oneDNN), unless the user
 * chose a policy. Spinning threads that lose their core to another process
 * hold up every barrier: on a busy 2-core machine a DCGAN relation step took
 * a median 16.4 s with spinning and 10.6 s with passive waiting.
 */
function choosePassiveWaiting(): void {
  if (!granted({ name: "env", variable: "OMP_WAIT_POLICY" })) return;
  if (Deno.env.get("OMP_WAIT_POLICY") !== undefined) return;
  Deno.env.set("OMP_WAIT_POLICY", "PASSIVE");
}

let loaded: OneDnnProbe | undefined;

/**
 * Loads oneDNN once per process (later calls return the same outcome).
 * `RELGAN_ONEDNN` names a library file to try first.
 *
 * @param paths Files to try, in order (replaces the default list).
 * @param layout Which operands oneDNN may lay out its own way.
 * @returns The library, or the reason it could not be loaded (no FFI
 * permission, no file found, engine creation failed).
 *
 * @example Loading oneDNN, or learning why not
 * ```ts
 * import { loadOneDnn } from "./onednn.ts";
 * import assert from "node:assert/strict";
 *
 * const probe = loadOneDnn();
 * if (probe.ok) assert.match(probe.dnnl.version, /^\d+\.\d+\.\d+$/);
 * else assert.match(probe.reason, /oneDNN/);
 * ```
 */
export function loadOneDnn(
  paths?: readonly string[],
  layout: DnnlLayout = "auto",
): OneDnnProbe {
  if (loaded !== undefined && paths === undefined) return loaded;
  if (!granted({ name: "ffi" })) {
    return {
      ok: false,
      reason:
        "oneDNN not loaded: Deno runs without --allow-ffi (run with -A or --allow-ffi)",
    };
  }
  choosePassiveWaiting();
  const fromEnv = readEnv("RELGAN_ONEDNN");
  const candidates = paths ??
    (fromEnv ? [fromEnv, ...DEFAULT_PATHS] : DEFAULT_PATHS);
  const failures: string[] = [];
  let probe: OneDnnProbe | undefined;
  for (const path of candidates) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      failures.push(`${path}: ${firstLine(error)}`);
      continue;
    }
    const v = lib.symbols.dnnl_version();
    let version = "unknown";
    if (v !== null) {
      const view = new Deno.UnsafePointerView(v);
      version = `${view.getInt32(0)}.${view.getInt32(4)}.${view.getInt32(8)}`;
    }
    if (!version.startsWith("2.")) {
      lib.close();
      failures.push(`${path}: version ${version}, relgan needs oneDNN 2.x`);
      continue;
    }
    try {
      probe = {
        ok: true,
        dnnl: makeConv(lib.symbols, path, version, layout),
      };
    } catch (error) {
      failures.push(`${path}: ${(error as Error).message}`);
      continue;
    }
    break;
  }
  probe ??= {
    ok: false,
    reason: `oneDNN not found (${failures.length} tried${
      failures.length > 0 ? `: ${failures.at(-1)}` : ""
    }; Debian: apt-get install libdnnl2, or set RELGAN_ONEDNN to the library file)`,
  };
  if (paths === undefined) loaded = probe;
  return probe;
}
