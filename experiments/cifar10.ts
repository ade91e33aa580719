/**
 * The paper's CIFAR-10 runs (section 5.2, tables 2 and 3): Relation GAN with
 * the per-sample loss (eq. 6) and with the batch-mean loss (eq. 7,
 * "RelationGAN*"), and the table-3 baselines: vanilla GAN, LSGAN, WGAN-GP
 * and the relativistic GAN.
 *
 * ```sh
 * deno task run experiments/cifar10.ts --backend webgpu   # the paper's runs
 * deno task run experiments/cifar10.ts --smoke            # a few steps on generated files
 * ```
 *
 * ## Setting (table 2)
 *
 * G learning rate 2e-4, D learning rate 1e-4, Adam β = (0.9, 0.999), batch
 * 64, 600,000 iterations, one D update per G update. Networks: the SNGAN
 * ResNet for 32 px (Miyato et al. 2018, appendix B; generator 256
 * channels, discriminator 128) with spectral normalisation removed, as the
 * paper states; Relation GAN's discriminator is the same ResNet as a
 * relation network (`merge: "concat"`). WGAN-GP λ = 10; the vanilla GAN
 * uses the non-saturating generator loss; the relativistic GAN is RSGAN.
 * Scores: FID, KID and IS on 50,000 samples with Inception-v3 from a local
 * TensorFlow.js model folder (`RELGAN_INCEPTION_DIR`, default
 * `models/inception_v3`).
 *
 * ## Data
 *
 * The official binary CIFAR-10 (`data_batch_1.bin` … `data_batch_5.bin`)
 * in `RELGAN_CIFAR10_DIR` (default `$HOME/.cache/relgan/cifar10`, directly
 * or in its `cifar-10-batches-bin/` subfolder). When the files are missing,
 * running this file stops at once with a message naming the folder, the
 * archive's address and its MD5. With `--smoke`, a small file set in the
 * official format (8 records per batch of a fixed pattern) is written to
 * `$TMPDIR/relgan-cifar10-smoke` and two runs train for 3 steps on it with
 * narrow networks and no Inception scores.
 *
 * @module
 */

import {
  adam,
  datasets,
  evaluators,
  experiment,
  losses,
  networks,
  schedule,
  suite,
  training,
} from "../src/dsl/mod.ts";
import { baselineLoss } from "./_baselines.ts";
import type {
  EvaluatorDecl,
  ExperimentDecl,
  SuiteDecl,
} from "../src/dsl/mod.ts";
import { encodeCifar10Records, loadCifar10 } from "../src/data/cifar10.ts";

/** The runs of table 3, by id. */
export type MethodId =
  | "relation"
  | "relation_star"
  | "vanilla"
  | "lsgan"
  | "wgan_gp"
  | "relativistic";

/** Each method's label and the paper's CIFAR-10 FID / KID (×100) / IS (table 3). */
export const METHODS: ReadonlyArray<
  { id: MethodId; label: string; paper: string }
> = [
  { id: "vanilla", label: "Vanilla GAN", paper: "26.46 / 1.88 / 6.73" },
  { id: "lsgan", label: "LS-GAN", paper: "14.9 / 1.31 / 7.74" },
  { id: "wgan_gp", label: "WGAN-GP", paper: "63.56 / 8.01 / 3.56" },
  { id: "relativistic", label: "Relativistic", paper: "23.96 / 1.88 / –" },
  {
    id: "relation",
    label: "RelationGAN (eq. 6)",
    paper: "13.52 / 1.26 / 7.74",
  },
  {
    id: "relation_star",
    label: "RelationGAN* (eq. 7)",
    paper: "47.96 / 8.88 / 3.32",
  },
];

/** The sizes of a suite. */
export interface Cifar10Settings {
  readonly iterations: number;
  readonly batchSize: number;
  readonly generatorChannels: number;
  readonly discriminatorChannels: number;
  readonly methods: readonly MethodId[];
  /** Folder of the binary batches. */
  readonly dir: string;
  /** Inception samples per score; 0 computes no scores. */
  readonly evalSamples: number;
}

const env = (key: string): string | undefined => {
  try {
    return Deno.env.get(key);
  } catch {
    return undefined;
  }
};
const HOME = env("HOME") ?? ".";

/** The paper's setting (table 2). */
export const PAPER: Cifar10Settings = Object.freeze({
  iterations: 600000,
  batchSize: 64,
  generatorChannels: 256,
  discriminatorChannels: 128,
  methods: METHODS.map((m) => m.id),
  dir: env("RELGAN_CIFAR10_DIR") ?? `${HOME}/.cache/relgan/cifar10`,
  evalSamples: 50000,
});

/** Where `--smoke` writes its CIFAR-format files. */
export const SMOKE_DIR = `${env("TMPDIR") ?? "/tmp"}/relgan-cifar10-smoke`;

/** The smoke setting: two runs, 3 steps, narrow networks, generated data. */
export const SMOKE: Cifar10Settings = Object.freeze({
  iterations: 3,
  batchSize: 4,
  generatorChannels: 8,
  discriminatorChannels: 8,
  methods: ["relation", "lsgan"] as MethodId[],
  dir: SMOKE_DIR,
  evalSamples: 0,
});

function inceptionScores(samples: number): EvaluatorDecl[] {
  if (samples === 0) return [];
  const network = {
    kind: "inception_v3",
    path: env("RELGAN_INCEPTION_DIR") ?? "models/inception_v3",
  } as const;
  return [
    evaluators.fid({ network, samples }),
    evaluators.kid({ network, samples }),
    evaluators.inceptionScore({ network, samples }),
  ];
}

/**
 * Declares one run.
 *
 * @param method The method.
 * @param settings The sizes.
 * @returns The validated declaration, named after the method.
 */
export function cifar10Run(
  method: MethodId,
  settings: Cifar10Settings = PAPER,
): ExperimentDecl {
  const common = {
    name: method,
    seed: 1,
    data: datasets.cifar10({ dir: settings.dir }),
    latentDim: 128,
    generator: networks.resnetGenerator({
      channels: settings.generatorChannels,
    }),
    training: training({
      iterations: settings.iterations,
      batchSize: settings.batchSize,
      dSteps: 1,
      generatorOptimizer: adam({
        learningRate: 2e-4,
        beta1: 0.9,
        beta2: 0.999,
      }),
      discriminatorOptimizer: adam({
        learningRate: 1e-4,
        beta1: 0.9,
        beta2: 0.999,
      }),
    }),
    schedule: schedule({
      logEvery: Math.max(
        1,
        Math.min(1000, Math.floor(settings.iterations / 10)),
      ),
      checkpointEvery: settings.iterations >= 10000 ? 10000 : 0,
    }),
    evaluators: inceptionScores(settings.evalSamples),
  };
  const d = { channels: settings.discriminatorChannels };
  if (method === "relation" || method === "relation_star") {
    return experiment({
      ...common,
      discriminator: networks.resnetDiscriminator({
        ...d,
        relation: { merge: "concat" },
      }),
      loss: losses.relation({
        form: method === "relation" ? "per-sample" : "batch-mean",
      }),
    });
  }
  return experiment({
    ...common,
    discriminator: networks.resnetDiscriminator(d),
    loss: baselineLoss(method),
  });
}

/**
 * Writes a small CIFAR-10 file set in the official binary format: 5
 * training batches and a test batch of `records` records each, label
 * `(batch + i) mod 10`, pixels a fixed colour pattern.
 *
 * @param dir Destination folder.
 * @param records Records per file.
 * @returns The folder.
 */
export async function writeSmokeCifar10(
  dir: string,
  records = 8,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const names = [1, 2, 3, 4, 5].map((b) => `data_batch_${b}.bin`);
  names.push("test_batch.bin");
  for (const [b, name] of names.entries()) {
    const hwc = new Uint8Array(records * 3072);
    for (let i = 0; i < hwc.length; i++) hwc[i] = (i * 7 + b * 31) % 256;
    const labels = Array.from({ length: records }, (_, i) => (b + i) % 10);
    // Write then rename, so parallel workers never read a partial file.
    const tmp = `${dir}/${name}.${Deno.pid}.tmp`;
    await Deno.writeFile(tmp, encodeCifar10Records(hwc, labels));
    await Deno.rename(tmp, `${dir}/${name}`);
  }
  return dir;
}

/**
 * Declares the suite of the settings' methods.
 *
 * @param settings The sizes.
 * @param name The suite's name.
 * @returns The validated suite.
 */
export function cifar10Suite(
  settings: Cifar10Settings,
  name: string,
): SuiteDecl {
  return suite(name, settings.methods.map((m) => cifar10Run(m, settings)));
}

// Run through the command line: prepare the smoke files, or stop at once
// with the loader's message (folder, archive, MD5) when the data is missing.
const viaCli = /\/src\/cli\/run\.ts$/.test(Deno.mainModule);
if (viaCli && Deno.args.includes("--smoke")) {
  await writeSmokeCifar10(SMOKE_DIR);
} else if (viaCli && !Deno.args.includes("--list")) {
  await loadCifar10({ dir: PAPER.dir, limit: 1 });
}

/** The paper's six CIFAR-10 runs. */
const CIFAR10: SuiteDecl = cifar10Suite(PAPER, "cifar10");
export default CIFAR10;

/** Two runs, 3 steps each, on generated CIFAR-format files. */
export const smoke: SuiteDecl = cifar10Suite(SMOKE, "cifar10-smoke");
