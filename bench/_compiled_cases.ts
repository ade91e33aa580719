/**
 * The compiled Relation GAN step cases (DSL `compile()` + engine
 * `trainStep`) and what their PyTorch counterparts need: the resolved
 * declarations the Python side builds its networks from, relgan's
 * parameter counts to check them against, and relgan's initial weights with
 * fixed inputs and relgan's outputs on them, for the loss check.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { KernelMode } from "../src/backend/kernels/mod.ts";
import { compile } from "../src/compiler/mod.ts";
import type {
  CompiledExperiment,
  CompiledNetwork,
} from "../src/compiler/types.ts";
import {
  datasets,
  experiment,
  losses,
  networks,
  training,
} from "../src/dsl/mod.ts";
import type { ExperimentDecl } from "../src/dsl/types.ts";
import type { PairBatch, SingleBatch } from "../src/losses/types.ts";
import { Rng } from "../src/random.ts";

/** One compiled step case. */
export interface CompiledCase {
  /** The row's case name (shared with the PyTorch side). */
  readonly name: string;
  /** The declaration; image cases read the synthetic CIFAR-10 directory. */
  readonly declaration: (cifarDir: string) => ExperimentDecl;
  /** Timed calls in a kernel mode (0 leaves the mode out), given `--reps` and `--quick`. */
  readonly reps: (mode: KernelMode, reps: number, quick: boolean) => number;
  /** Batch size of the loss check (small: it runs each network once or twice). */
  readonly checkBatch: number;
}

const TOY_LOSSES = [
  ["relation", () => losses.relation(), true],
  ["siamese", () => losses.siamese(), true],
  ["vanilla", () => losses.vanilla(), false],
  ["lsgan", () => losses.lsgan(), false],
  ["wgan_gp", () => losses.wganGp(), false],
  ["relativistic", () => losses.relativistic(), false],
  ["hinge", () => losses.hinge(), false],
] as const;

/** The DCGAN 32 px Relation GAN step case's name (issue 10's headline target). */
export const DCGAN_RELATION_CASE = "dcgan32 Relation GAN step (batch 64)";

/**
 * The CIFAR ResNet Relation GAN step case's name. Batch 32, not 64: at 64
 * the step's activations outgrow the wasm backend's 4 GiB heap (wasm32) and
 * tfjs-backend-wasm aborts when an allocation fails.
 */
export const RESNET_RELATION_CASE = "CIFAR ResNet Relation GAN step (batch 32)";

/** Every compiled step case, in table order. */
export const COMPILED_CASES: readonly CompiledCase[] = [
  ...TOY_LOSSES.map(([kind, loss, pair]): CompiledCase => ({
    name: `toy 8 gaussians step, ${kind} loss (batch 256)`,
    declaration: () =>
      experiment(
        {
          name: `toy-${kind}`,
          data: datasets.eightGaussians(),
          latentDim: 2,
          generator: networks.mlp({ hidden: [512, 512, 512], output: 2 }),
          discriminator: networks.mlpDiscriminator({
            hidden: [512, 512, 512],
            ...(pair ? { relation: { merge: "concat" } } : {}),
          }),
          loss: loss(),
          training: training({ batchSize: 256 }),
        } as Parameters<typeof experiment>[0],
      ),
    reps: (_mode, reps) => reps,
    checkBatch: 16,
  })),
  {
    name: DCGAN_RELATION_CASE,
    declaration: (dir) =>
      experiment({
        name: "dcgan32-relation",
        data: datasets.cifar10({ dir, split: "test" }),
        latentDim: 128,
        generator: networks.dcganGenerator({ size: 32 }),
        discriminator: networks.dcganDiscriminator({
          size: 32,
          relation: { merge: "concat" },
        }),
        loss: losses.relation(),
        training: training({ batchSize: 64 }),
      }),
    reps: (mode, reps, quick) => mode === "native" ? reps : quick ? 0 : 1,
    checkBatch: 8,
  },
  {
    // Some 1 TFLOP a step: native kernels only, one timed call.
    name: RESNET_RELATION_CASE,
    declaration: (dir) =>
      experiment({
        name: "resnet-relation",
        data: datasets.cifar10({ dir, split: "test" }),
        latentDim: 128,
        generator: networks.resnetGenerator(),
        discriminator: networks.resnetDiscriminator({
          relation: { merge: "concat" },
        }),
        loss: losses.relation(),
        training: training({ batchSize: 32 }),
      }),
    reps: (mode) => mode === "native" ? 1 : 0,
    checkBatch: 4,
  },
];

/** relgan's side of a counterpart: counts and variable shapes, from the compiled variables. */
export interface RelganCounts {
  readonly generator: number;
  readonly discriminator: number;
  readonly generatorVariables: readonly (readonly number[])[];
  readonly discriminatorVariables: readonly (readonly number[])[];
}

/** What relgan computed on the check inputs. */
export interface CheckValues {
  /** G(z), `[batch · prod(shape)]` in relgan's layout. */
  readonly fake: Float32Array;
  /** D(x1, x2) (pair) or D(x1) (single), `[batch]`. */
  readonly scores: Float32Array;
  readonly dLoss: number;
  readonly gLoss: number;
}

/** A case prepared for the PyTorch side. */
export interface Counterpart {
  /** The JSON the Python side builds and times the case from. */
  readonly spec: Record<string, unknown>;
  readonly relgan: RelganCounts;
  readonly check: CheckValues;
}

interface BundleEntry {
  readonly key: string;
  readonly list: boolean;
  readonly shape: readonly number[];
}

function shapes(vars: readonly tf.Variable[]): number[][] {
  return vars.map((v) => [...v.shape]);
}

/**
 * Compiles a case once and prepares its counterpart: the resolved
 * declarations and plan, relgan's counts, and a bundle file (in `dir`)
 * with the initial weights and fixed check inputs, beside relgan's values
 * on them.
 *
 * @param c The case.
 * @param cifarDir The synthetic CIFAR-10 directory.
 * @param reps Timed calls the PyTorch side makes.
 * @param dir Where the bundle file goes.
 * @returns The counterpart.
 */
export async function prepareCounterpart(
  c: CompiledCase,
  cifarDir: string,
  reps: number,
  dir: string,
): Promise<Counterpart> {
  const compiled = await compile(c.declaration(cifarDir));
  try {
    const e = compiled.declaration as Record<string, unknown>;
    const n = c.checkBatch;
    const rng = new Rng(7);
    const dataShape = [...compiled.data.shape];
    const x1 = compiled.data.sample(rng, n);
    const x2 = compiled.data.sample(rng, n);
    const y2 = compiled.data.sample(rng, n);
    const z = rng.normal(n * compiled.latentDim);
    const uniform = rng.uniform(n);
    const pair = compiled.loss.input === "pair";

    // Weights first (the check changes batch-norm and spectral-norm state).
    const entries: BundleEntry[] = [];
    const chunks: Float32Array[] = [];
    const put = (
      key: string,
      list: boolean,
      shape: number[],
      v: Float32Array,
    ) => {
      entries.push({ key, list, shape });
      chunks.push(v);
    };
    const groups = {
      generator: compiled.generator.variables,
      generatorState: compiled.generator.state,
      discriminator: compiled.discriminator.variables,
      discriminatorState: compiled.discriminator.state,
    };
    for (const [key, vars] of Object.entries(groups)) {
      for (const v of vars) {
        put(key, true, [...v.shape], v.dataSync() as Float32Array);
      }
    }
    put("x1", false, [n, ...dataShape], x1);
    put("x2", false, [n, ...dataShape], x2);
    put("y2", false, [n, ...dataShape], y2);
    put("z", false, [n, compiled.latentDim], z);
    put("uniform", false, [n], uniform);
    const check = relganCheck(compiled, { x1, x2, y2, z, uniform, n, pair });

    const bytes = new Uint8Array(chunks.reduce((s, a) => s + a.byteLength, 0));
    let offset = 0;
    for (const a of chunks) {
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
      offset += a.byteLength;
    }
    const path = `${dir}/${c.name.replace(/[^a-z0-9]+/gi, "_")}.bin`;
    await Deno.writeFile(path, bytes);

    return {
      spec: {
        name: c.name,
        generator: e.generator,
        discriminator: e.discriminator,
        loss: e.loss,
        data: e.data,
        dataShape,
        latentDim: compiled.latentDim,
        plan: compiled.plan,
        reps,
        check: { path, batch: n, tensors: entries },
      },
      relgan: {
        generator: compiled.generator.paramCount,
        discriminator: compiled.discriminator.paramCount,
        generatorVariables: shapes(compiled.generator.variables),
        discriminatorVariables: shapes(compiled.discriminator.variables),
      },
      check,
    };
  } finally {
    compiled.dispose();
  }
}

interface CheckInputs {
  readonly x1: Float32Array;
  readonly x2: Float32Array;
  readonly y2: Float32Array;
  readonly z: Float32Array;
  readonly uniform: Float32Array;
  readonly n: number;
  readonly pair: boolean;
}

/** relgan on the check inputs, in the order the Python side repeats: G(z), the scores, the D loss, the G loss. */
function relganCheck(
  compiled: CompiledExperiment,
  i: CheckInputs,
): CheckValues {
  const shape = [i.n, ...compiled.data.shape];
  const { discriminator: d, loss } = compiled;
  const generator = compiled.generator as CompiledNetwork;
  const out = tf.tidy(() => {
    const t = { training: true };
    const x1 = tf.tensor(i.x1, shape); // [n, ...shape]
    const x2 = tf.tensor(i.x2, shape); // [n, ...shape]
    const y2 = tf.tensor(i.y2, shape); // [n, ...shape]
    const z = tf.tensor2d(i.z, [i.n, compiled.latentDim]); // [n, latent]
    const fake = generator.apply(z, t); // [n, ...shape]
    if (loss.input === "pair" && d.input === "pair") {
      const critic = (a: tf.Tensor, b: tf.Tensor) => d.apply(a, b, t); // [n]
      const scores = critic(x1, x2); // [n]
      const batch: PairBatch = { real: x1, real2: x2, fake, fakePrev: y2 };
      const dl = loss.discriminator(critic, batch).total;
      const gl = loss.generator(critic, batch).total;
      return [fake, scores, dl, gl];
    }
    if (loss.input === "single" && d.input === "single") {
      const critic = (x: tf.Tensor) => d.apply(x, t) as tf.Tensor1D; // [n]
      const scores = critic(x1); // [n]
      const batch: SingleBatch = {
        real: x1,
        fake,
        uniform: tf.tensor1d(i.uniform),
      };
      const dl = loss.discriminator(critic, batch).total;
      const gl = loss.generator(critic, batch).total;
      return [fake, scores, dl, gl];
    }
    throw new TypeError(
      `Cannot check ${compiled.plan.name}: loss input ${loss.input} against discriminator input ${d.input}`,
    );
  });
  const [fake, scores, dl, gl] = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return { fake, scores, dLoss: dl[0], gLoss: gl[0] };
}

/** How often one training step calls each network (G(z) and D on a batch or a pair). */
export interface CallsPerStep {
  readonly generator: number;
  readonly discriminator: number;
}

/** The PyTorch side's answer for a compiled case. */
export interface TorchCompiledResult {
  readonly ms?: number;
  readonly error?: string;
  readonly counts?: {
    readonly generator: number;
    readonly discriminator: number;
    readonly generatorVariables: readonly (readonly number[])[];
    readonly discriminatorVariables: readonly (readonly number[])[];
    readonly callsPerStep?: CallsPerStep;
  };
  readonly check?: {
    readonly fake: readonly number[];
    readonly scores: readonly number[];
    readonly dLoss: number;
    readonly gLoss: number;
  } | null;
}

/** Largest |a − b| over the largest |b|: a normwise relative error. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** Relative tolerance of the loss check (float32, different summation orders). */
export const CHECK_TOLERANCE = 1e-4;

/** The verdict on one counterpart. */
export interface Verdict {
  readonly ok: boolean;
  /** One line for the table's notes. */
  readonly note: string;
}

/**
 * Compares the PyTorch counterpart with relgan's networks: the parameter
 * counts (each network, and variable by variable) and, when the check ran,
 * G(z), the scores and both loss values within {@linkcode CHECK_TOLERANCE},
 * and the step's structure: how often one step calls each network.
 *
 * @param cp relgan's side.
 * @param r PyTorch's answer, or undefined when it sent none.
 * @param calls relgan's calls per step, when relgan timed the case.
 * @returns Whether they match, and the note saying what was compared.
 */
export function judgeCounterpart(
  cp: Counterpart,
  r: TorchCompiledResult | undefined,
  calls?: CallsPerStep,
): Verdict {
  if (r === undefined) {
    return { ok: false, note: "COUNTERPART MISSING: PyTorch sent no result" };
  }
  if (r.error !== undefined || r.counts === undefined) {
    return { ok: false, note: `COUNTERPART FAILED: ${r.error ?? "no counts"}` };
  }
  const problems: string[] = [];
  for (const net of ["generator", "discriminator"] as const) {
    const mine = cp.relgan[net];
    const theirs = r.counts[net];
    const sizes = (l: readonly (readonly number[])[]) =>
      l.map((s) => s.reduce((a, b) => a * b, 1)).join(",");
    const vm = sizes(cp.relgan[`${net}Variables`]);
    const vt = sizes(r.counts[`${net}Variables`]);
    if (mine !== theirs) {
      problems.push(`${net} parameters relgan ${mine} != PyTorch ${theirs}`);
    } else if (vm !== vt) {
      problems.push(
        `${net} variable sizes differ: relgan [${vm}], PyTorch [${vt}]`,
      );
    }
  }
  let callsNote = "";
  const theirCalls = r.counts.callsPerStep;
  if (calls && theirCalls) {
    const show = (c: CallsPerStep) =>
      `G ${c.generator}×, D ${c.discriminator}×`;
    if (
      calls.generator !== theirCalls.generator ||
      calls.discriminator !== theirCalls.discriminator
    ) {
      problems.push(
        `calls per step differ: relgan ${show(calls)}, PyTorch ${
          show(theirCalls)
        }`,
      );
    }
    callsNote = `; per step ${show(calls)} in both`;
  }
  let checkNote = "loss check not run";
  if (r.check) {
    const errs = {
      "G(z)": relError(r.check.fake, cp.check.fake),
      scores: relError(r.check.scores, cp.check.scores),
      "D loss": relError([r.check.dLoss], [cp.check.dLoss]),
      "G loss": relError([r.check.gLoss], [cp.check.gLoss]),
    };
    for (const [what, e] of Object.entries(errs)) {
      if (!(e <= CHECK_TOLERANCE)) {
        problems.push(
          `${what} relative error ${e.toExponential(1)} > ${CHECK_TOLERANCE}`,
        );
      }
    }
    checkNote = `on relgan's initial weights: D loss relgan ${
      cp.check.dLoss.toPrecision(6)
    } / PyTorch ${r.check.dLoss.toPrecision(6)}, G loss ${
      cp.check.gLoss.toPrecision(6)
    } / ${r.check.gLoss.toPrecision(6)}; max relative error ${
      Math.max(...Object.values(errs)).toExponential(1)
    } (G(z), scores, losses)`;
  }
  const counts =
    `parameters G ${cp.relgan.generator} / D ${cp.relgan.discriminator}`;
  if (problems.length) {
    return {
      ok: false,
      note: `COUNTERPART MISMATCH (${counts} in relgan): ${
        problems.join("; ")
      }`,
    };
  }
  return {
    ok: true,
    note: `PyTorch counterpart matches: ${counts} in both (${
      cp.relgan.generatorVariables.length +
      cp.relgan.discriminatorVariables.length
    } variables, sizes equal in order${callsNote}); ${checkNote}`,
  };
}
