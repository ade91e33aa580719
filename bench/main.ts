/**
 * relgan's benchmark: `deno task bench [--out FILE] [--reps N] [--quick]
 * [--sections LIST] [--only TEXT] [--skip TEXT] [--torch PATH]` (`--help`
 * lists them).
 *
 * Times, side by side in one run, relgan on the wasm backend with its pure
 * wasm kernels (`wasm`, one thread) and with its native kernels (`native`),
 * and the same computations in PyTorch (bench/torch/bench.py, run with
 * /usr/bin/python3 when `torch` imports): kernel microbenchmarks at the
 * DCGAN 32 px and ResNet shapes, hand-built DCGAN steps identical in both,
 * the compiled Relation GAN steps (DSL `compile()` + engine `trainStep`:
 * the 2-D toy per loss, DCGAN 32 px, CIFAR ResNet), the data pipeline's
 * images per second and FID on 10,000 × 2048 features. Prints a table;
 * `--out` also writes JSON.
 *
 * The PyTorch counterpart of a compiled step is built from relgan's own
 * resolved declarations (bench/torch/relgan_nets.py) and checked before it
 * is timed: its parameter counts must equal relgan's, variable by
 * variable, and on relgan's initial weights (sent in a temporary file) it
 * must give the same G(z), scores and loss values within 1e-4. A case that
 * fails the check gets no PyTorch time, says why in its note, and the run
 * exits with status 1.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../src/backend/mod.ts";
import { type KernelMode, setKernelMode } from "../src/backend/kernels/mod.ts";
import { compile } from "../src/compiler/mod.ts";
import type { CompiledExperiment } from "../src/compiler/types.ts";
import { initTrainState, trainStep } from "../src/engine/mod.ts";
import { disposeTrainState } from "../src/engine/mod.ts";
import type { TrainState } from "../src/engine/mod.ts";
import { encodeCifar10Records } from "../src/data/cifar10.ts";
import { loadCifar10 } from "../src/data/mod.ts";
import { measureDataThroughput } from "../src/data/batch_pipeline.ts";
import { benchFid } from "../src/metrics/bench_fid.ts";
import { Rng } from "../src/random.ts";
import {
  CONV_CASES,
  type ConvCase,
  convFlops,
  MATMUL_CASES,
  outSide,
} from "./_cases.ts";
import {
  type CallsPerStep,
  COMPILED_CASES,
  type CompiledCase,
  type Counterpart,
  DCGAN_RELATION_CASE,
  judgeCounterpart,
  prepareCounterpart,
  type TorchCompiledResult,
  type Verdict,
} from "./_compiled_cases.ts";
import { parseBenchFlags, selected } from "./_flags.ts";
import { time, type Timing } from "./_measure.ts";
import { discriminatorStep, ganStep } from "./_hand_built.ts";

const parsed = parseBenchFlags(Deno.args);
if (parsed.kind === "exit") {
  (parsed.code === 0 ? console.log : console.error)(parsed.message);
  Deno.exit(parsed.code);
}
const flags = parsed.flags;
const REPS = flags.reps;
const QUICK = flags.quick;
const SECTIONS = flags.sections;
const want = (name: string) => selected(flags, name);

/** One row of the table. */
interface Row {
  case: string;
  op: string;
  mode: KernelMode | "-";
  relganMs: number;
  torchMs?: number;
  ratio?: number;
  gflops?: number;
  torchGflops?: number;
  rssMiB: number;
  torchRssMiB?: number;
  note?: string;
}

const rows: Row[] = [];

/** A progress line on stderr (the table goes to stdout). */
function progress(message: string): void {
  console.error(`bench: ${message}`);
}
const modes: KernelMode[] = ["wasm", "native"];

function add(
  c: string,
  op: string,
  mode: KernelMode | "-",
  t: Timing,
  flops?: number,
  note?: string,
): void {
  rows.push({
    case: c,
    op,
    mode,
    relganMs: t.ms,
    gflops: flops === undefined ? undefined : flops / t.ms / 1e6,
    rssMiB: t.rssMiB,
    note,
  });
}

// ---------------------------------------------------------------- PyTorch
interface TorchResult extends TorchCompiledResult {
  case: string;
  op: string;
  ms: number;
  rssMiB: number;
}

const D_STEP = "dcgan D Adam step (issue 10 network)";
const GAN_STEP = "dcgan32 GAN step (G + D, vanilla loss)";
const convCases = CONV_CASES.filter((c) => want(c.name));
const matmulCases = MATMUL_CASES.filter((c) => want(c.name));
const compiledCases = SECTIONS.has("steps")
  ? COMPILED_CASES.filter((c) => want(c.name))
  : [];

async function runTorch(
  counterparts: readonly Counterpart[],
): Promise<
  { version: string; results: TorchResult[] } | { missing: string }
> {
  const spec = {
    threads: 2,
    reps: REPS,
    conv: SECTIONS.has("kernels") ? convCases : [],
    matmul: SECTIONS.has("kernels") ? matmulCases : [],
    steps: [
      ...(SECTIONS.has("steps") && want(D_STEP) ? ["d_step"] : []),
      ...(SECTIONS.has("steps") && want(GAN_STEP) ? ["gan_step"] : []),
      ...(SECTIONS.has("data") && want("FID 10000 x 2048 features")
        ? ["fid"]
        : []),
    ],
    compiled: counterparts.map((c) => c.spec),
    fidN: 10000,
    fidD: 2048,
  };
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(flags.torch, {
      args: [new URL("./torch/bench.py", import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return {
      missing: `${flags.torch} cannot start (${
        error instanceof Error ? error.message : error
      })`,
    };
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(spec)));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
    return { missing: `PyTorch script failed: ${err}` };
  }
  const parsed = JSON.parse(new TextDecoder().decode(out.stdout));
  return { version: parsed.torch, results: parsed.results };
}

// ---------------------------------------------------------------- kernels
async function convKernels(mode: KernelMode): Promise<void> {
  for (const c of convCases) {
    const [n, h, w, inC] = c.x;
    const rng = new Rng(1);
    const oh = outSide(h, c.stride);
    const ow = outSide(w, c.stride);
    const x = tf.tensor4d(rng.normal(n * h * w * inC), [n, h, w, inC]);
    const filter = tf.tensor4d(
      rng.normal(c.k * c.k * inC * c.outC),
      [c.k, c.k, inC, c.outC],
    );
    const dy = tf.tensor4d(rng.normal(n * oh * ow * c.outC), [
      n,
      oh,
      ow,
      c.outC,
    ]);
    for (const op of c.ops) {
      const run = opFn(c, op, x, filter, dy);
      add(
        c.name,
        op,
        mode,
        await time(run, mode === "wasm" ? Math.min(REPS, 3) : REPS),
        convFlops(c),
      );
    }
    tf.dispose([x, filter, dy]);
  }
}

function opFn(
  c: ConvCase,
  op: ConvCase["ops"][number],
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
): () => void {
  switch (op) {
    case "fwd":
      return () => tf.conv2d(x, filter, c.stride, "same").dispose();
    case "dgrad":
    case "tconv":
      return () =>
        tf.conv2dTranspose(
          dy,
          filter,
          c.x as [number, number, number, number],
          c.stride,
          "same",
        ).dispose();
    case "wgrad":
      return () =>
        (tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: c.stride,
          pad: "same",
          dataFormat: "NHWC",
          filterShape: filter.shape,
        }) as tf.Tensor).dispose();
  }
}

async function matmulKernels(mode: KernelMode): Promise<void> {
  for (const c of matmulCases) {
    const rng = new Rng(2);
    const a = tf.tensor2d(rng.normal(c.m * c.k), [c.m, c.k]);
    const b = tf.tensor2d(rng.normal(c.k * c.n), [c.k, c.n]);
    const dc = tf.tensor2d(rng.normal(c.m * c.n), [c.m, c.n]);
    const flops = 2 * c.m * c.k * c.n;
    add(
      c.name,
      "fwd",
      mode,
      await time(() => tf.matMul(a, b).dispose(), REPS),
      flops,
    );
    add(
      c.name,
      "dA",
      mode,
      await time(() => tf.matMul(dc, b, false, true).dispose(), REPS),
      flops,
    );
    add(
      c.name,
      "dB",
      mode,
      await time(() => tf.matMul(a, dc, true, false).dispose(), REPS),
      flops,
    );
    tf.dispose([a, b, dc]);
  }
}

// ---------------------------------------------------------------- steps
async function handBuilt(mode: KernelMode): Promise<void> {
  if (want(D_STEP)) {
    const d = discriminatorStep(3);
    add(D_STEP, "step", mode, await time(d.step, REPS));
    d.dispose();
  }
  if (want(GAN_STEP)) {
    const g = ganStep(3);
    add(GAN_STEP, "step", mode, await time(g.step, mode === "wasm" ? 1 : REPS));
    g.dispose();
  }
}

async function syntheticCifarDir(): Promise<string> {
  // CIFAR-10's binary format with seeded random pixels: the real files need
  // a download, and a step's time does not depend on the pixel values.
  const dir = await Deno.makeTempDir({ prefix: "relgan-bench-" });
  const count = 1000;
  const rng = new Rng(4);
  const bytes = new Uint8Array(count * 3072);
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
  const labels = Array.from({ length: count }, (_, i) => i % 10);
  await Deno.writeFile(
    `${dir}/test_batch.bin`,
    encodeCifar10Records(bytes, labels),
  );
  return dir;
}

/** Networks' calls per step of each compiled case, as relgan's trainStep makes them. */
const relganCalls = new Map<string, CallsPerStep>();

/** Counts the calls of a compiled experiment's two networks from now on. */
function countCalls(compiled: CompiledExperiment): CallsPerStep {
  const calls = { generator: 0, discriminator: 0 };
  for (const net of ["generator", "discriminator"] as const) {
    const n = compiled[net] as { apply: (...a: never[]) => tf.Tensor };
    const apply = n.apply.bind(n);
    n.apply = (...a: never[]) => {
      calls[net]++;
      return apply(...a);
    };
  }
  return calls;
}

async function compiledStep(
  c: CompiledCase,
  mode: KernelMode,
  cifarDir: string,
): Promise<void> {
  const reps = c.reps(mode, REPS, QUICK);
  if (reps === 0) return;
  progress(`${c.name}, ${mode} kernels: a warm-up step and ${reps} timed`);
  const compiled = await compile(c.declaration(cifarDir));
  let state: TrainState = initTrainState(compiled);
  const calls = countCalls(compiled);
  const t = await time(async () => {
    state = (await trainStep(compiled, state)).state;
  }, reps);
  relganCalls.set(c.name, {
    generator: calls.generator / (reps + 1),
    discriminator: calls.discriminator / (reps + 1),
  });
  add(c.name, "step", mode, t);
  disposeTrainState(state);
  compiled.dispose();
}

// ---------------------------------------------------------------- data, FID
async function dataAndFid(cifarDir: string): Promise<void> {
  const source = await loadCifar10({ dir: cifarDir, split: "test" });
  const r = await measureDataThroughput(source, { batchSize: 64, batches: 50 });
  rows.push({
    case: "data pipeline, CIFAR-10 format, batch 64",
    op: "images/s",
    mode: "-",
    relganMs: r.ms / 50,
    rssMiB: Deno.memoryUsage().rss / 2 ** 20,
    note: `${r.imagesPerSecond.toFixed(0)} images/s (ms per batch of 64)`,
  });
  const t0 = Deno.memoryUsage().rss;
  const fid = benchFid(10000, 2048);
  rows.push({
    case: "FID 10000 x 2048 features",
    op: "fid",
    mode: "-",
    relganMs: fid.totalMs,
    rssMiB: Math.max(t0, Deno.memoryUsage().rss) / 2 ** 20,
    note: `linear algebra: ${fid.linearAlgebra}; statistics ${
      fid.statisticsMs.toFixed(0)
    } ms, distance ${fid.distanceMs.toFixed(0)} ms`,
  });
}

// ---------------------------------------------------------------- run
const started = new Date().toISOString();
// One wasm thread unless asked otherwise: issue 10's pure-wasm target is
// per thread, and the native kernels run beside one wasm thread by default
// (src/backend/select.ts, wasmThreadsFor). RELGAN_WASM_THREADS=2 times the
// pure-wasm rows on two.
if (Deno.env.get("RELGAN_WASM_THREADS") === undefined) {
  Deno.env.set("RELGAN_WASM_THREADS", "1");
}
const backend = await useBackend("wasm");
const cifarDir = await syntheticCifarDir();

// The compiled cases' counterparts: declarations, counts, check bundles.
const bundleDir = await Deno.makeTempDir({ prefix: "relgan-bench-check-" });
setKernelMode("native");
const counterparts: Counterpart[] = [];
for (const c of compiledCases) {
  const torchReps = Math.max(
    ...modes.map((m) => c.reps(m, REPS, QUICK)),
    1,
  );
  counterparts.push(
    await prepareCounterpart(c, cifarDir, torchReps, bundleDir),
  );
}

// PyTorch first, alone on the cores; then relgan in each kernel mode.
progress(`PyTorch side (${flags.torch} bench/torch/bench.py)`);
const torch = await runTorch(counterparts);
await Deno.remove(bundleDir, { recursive: true });
const kernelDetails: Record<string, string> = {};
for (const mode of modes) {
  const status = setKernelMode(mode);
  kernelDetails[mode] = status.detail;
  if (SECTIONS.has("kernels")) {
    await convKernels(status.active);
    await matmulKernels(status.active);
  }
  if (SECTIONS.has("steps")) {
    await handBuilt(status.active);
    for (const c of compiledCases) {
      await compiledStep(c, status.active, cifarDir);
    }
  }
}
setKernelMode("native");
if (SECTIONS.has("data")) await dataAndFid(cifarDir);
await Deno.remove(cifarDir, { recursive: true });

// Counterpart verdicts: a compiled case's PyTorch time counts only when its
// networks match relgan's.
const verdicts = new Map<string, Verdict>();
if ("results" in torch) {
  for (const cp of counterparts) {
    const name = cp.spec.name as string;
    verdicts.set(
      name,
      judgeCounterpart(
        cp,
        torch.results.find((r) => r.case === name),
        relganCalls.get(name),
      ),
    );
  }
}
for (const row of rows) {
  const v = verdicts.get(row.case);
  if (v) row.note = v.note;
}

if ("results" in torch) {
  for (const row of rows) {
    if (verdicts.get(row.case)?.ok === false) continue;
    const match = torch.results.find((r) =>
      r.case === row.case && r.op === row.op && r.ms !== undefined
    );
    if (match === undefined) continue;
    row.torchMs = match.ms;
    row.torchRssMiB = match.rssMiB;
    row.ratio = row.relganMs / match.ms;
    if (row.gflops !== undefined) {
      row.torchGflops = row.gflops * row.relganMs / match.ms;
    }
  }
}

const fmt = (v: number | undefined, digits = 1) =>
  v === undefined ? "-" : v.toFixed(digits);
const header = [
  "case",
  "op",
  "mode",
  "relgan ms",
  "torch ms",
  "ratio",
  "GFLOP/s",
  "torch GFLOP/s",
  "RSS MiB",
  "torch RSS MiB",
];
const table = [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map((r) =>
    `| ${r.case} | ${r.op} | ${r.mode} | ${fmt(r.relganMs)} | ${
      fmt(r.torchMs)
    } | ${fmt(r.ratio, 2)} | ${fmt(r.gflops)} | ${fmt(r.torchGflops)} | ${
      fmt(r.rssMiB, 0)
    } | ${fmt(r.torchRssMiB, 0)} |`
  ),
];
const load = Deno.loadavg();
console.log(
  `relgan benchmark, ${started}; ${backend.name} backend (${backend.detail})`,
);
console.log(
  `kernels: wasm = ${kernelDetails.wasm}; native = ${kernelDetails.native}`,
);
console.log(
  "results" in torch
    ? `PyTorch ${torch.version}, 2 threads (torch.set_num_threads(2))`
    : `no PyTorch comparison: ${torch.missing}`,
);
console.log(
  `load average at the end: ${
    load.map((l) => l.toFixed(2)).join(", ")
  } on ${navigator.hardwareConcurrency} cores (other processes share them: compare ratios within this run)`,
);
console.log(table.join("\n"));
const notes = new Map(rows.filter((r) => r.note).map((r) => [r.case, r.note]));
for (const [c, note] of notes) console.log(`note: ${c}: ${note}`);

// Issue 10's targets, read off this run's rows.
// Conv rows only: the matrix-product cases also have "fwd" rows.
const convNames = new Set(CONV_CASES.map((c) => c.name));
const convOps = new Set(["fwd", "dgrad", "wgrad", "tconv"]);
const isConv = (r: Row) => convNames.has(r.case) && convOps.has(r.op);
const nativeConv = rows.filter((r) =>
  r.mode === "native" && isConv(r) && r.ratio !== undefined
);
const wasmConv = rows.filter((r) => r.mode === "wasm" && isConv(r));
const relationNative = rows.find((r) =>
  r.mode === "native" && r.case === DCGAN_RELATION_CASE
);
const ganNative = rows.find((r) => r.mode === "native" && r.case === GAN_STEP);
const worstNative = nativeConv.reduce<Row | undefined>(
  (w, r) => (w === undefined || r.ratio! > w.ratio! ? r : w),
  undefined,
);
const slowestWasm = wasmConv.reduce<Row | undefined>(
  (w, r) => (w === undefined || r.gflops! < w.gflops! ? r : w),
  undefined,
);
const which = (r: Row | undefined) => r ? ` (${r.case} ${r.op})` : "";
const targets = {
  dcganRelationStepRatioNative: relationNative?.ratio ?? null,
  handBuiltGanStepRatioNative: ganNative?.ratio ?? null,
  worstNativeConvRatio: nativeConv.length
    ? Math.max(...nativeConv.map((r) => r.ratio!))
    : null,
  slowestWasmConvGflops: wasmConv.length
    ? Math.min(...wasmConv.map((r) => r.gflops!))
    : null,
};
const relationWhy = relationNative === undefined
  ? " (not run)"
  : verdicts.get(DCGAN_RELATION_CASE)?.ok === false
  ? " (counterpart mismatch: see its note)"
  : "";
console.log(
  `targets: DCGAN Relation GAN step native/PyTorch ${
    fmt(targets.dcganRelationStepRatioNative ?? undefined, 2)
  }${relationWhy} (target ≤ 1.5, goal ≤ 1.0); worst native conv kernel/PyTorch ${
    fmt(targets.worstNativeConvRatio ?? undefined, 2)
  }${which(worstNative)} (target ≤ 1.3); slowest pure-wasm conv kernel ${
    fmt(targets.slowestWasmConvGflops ?? undefined)
  } GFLOP/s${
    which(slowestWasm)
  } (target ≥ 15); hand-built vanilla DCGAN GAN step native/PyTorch ${
    fmt(targets.handBuiltGanStepRatioNative ?? undefined, 2)
  } (for reference)`,
);
const mismatched = [...verdicts].filter(([, v]) => !v.ok).map(([c]) => c);
if (mismatched.length) {
  console.error(
    `bench: ${mismatched.length} PyTorch counterpart(s) do not match relgan's networks: ${
      mismatched.join("; ")
    } (see the notes above)`,
  );
}

if (flags.out) {
  await Deno.writeTextFile(
    flags.out,
    JSON.stringify(
      {
        started,
        backend: backend.detail,
        kernels: kernelDetails,
        torch: "results" in torch ? torch.version : null,
        torchMissing: "missing" in torch ? torch.missing : null,
        loadAverage: load,
        cores: navigator.hardwareConcurrency,
        reps: REPS,
        quick: QUICK,
        sections: [...SECTIONS],
        only: flags.only,
        skip: flags.skip,
        targets,
        counterparts: Object.fromEntries(verdicts),
        rows,
      },
      null,
      2,
    ) + "\n",
  );
}
if (mismatched.length) Deno.exit(1);
