/**
 * The paper's 2-D experiments (section 5.1, figure 3): Relation GAN against
 * four popular GANs on 8 Gaussians, 25 Gaussians and the Swiss roll.
 *
 * ```sh
 * deno task run experiments/gaussians.ts            # the whole suite
 * deno task run experiments/gaussians.ts --smoke    # a tiny version, seconds
 * ```
 *
 * The suite is 3 datasets × 5 methods × 3 seeds = 45 runs; {@linkcode report}
 * writes `gaussians.png` (rows datasets; columns the real data, then each
 * method's samples for the first seed) and `gaussians.md` / `gaussians.json`
 * (each metric as mean ± sample standard deviation over the seeds).
 *
 * ## Methods
 *
 * - **Relation GAN**: the triplet relation loss in its per-sample form (the
 *   paper's eq. 6) with the default distance margin, on a relation
 *   discriminator built from the same trunk as the others' discriminator:
 *   its first two blocks are the embedding module (shared between the two
 *   samples), the embeddings are concatenated (figure 1), and the third
 *   block, dense + ReLU, is a non-linear relation module before the linear
 *   head. (A sum merge followed by a linear head would make D(a, b) =
 *   s(a) + s(b), no relation at all; the DSL warns about that.)
 * - **Vanilla GAN** with the non-saturating generator loss, **LSGAN**,
 *   **WGAN-GP** and **relativistic GAN** (RSGAN, the standard relativistic
 *   form), on the single-sample discriminator.
 *
 * ## Networks and training
 *
 * As in the toy script of WGAN-GP (Gulrajani et al. 2017, `gan_toy.py`),
 * whose datasets and MLPs the later 2-D comparisons reuse: a 2-D latent
 * z ~ N(0, I); generator and discriminator are MLPs of three ReLU blocks
 * with He-normal initialisation, the generator ending in a linear layer of
 * 2 units and the discriminator in one score; Adam with β = (0.5, 0.9); the
 * WGAN-GP penalty weight is the toy script's λ = 0.1. Every method gets the
 * same setting (the paper compares "under the same setting"): one
 * discriminator update per generator update, the same networks, batch size,
 * learning rate and iterations.
 *
 * ## Sizing (measured, not assumed)
 *
 * `gan_toy.py` trains 512-unit MLPs for 100,000 iterations at batch 256;
 * the suite must finish in well under 30 minutes on a 2-core CPU. On the
 * idle machine, through `auto` (wasm with relgan's OpenBLAS kernels, one
 * OpenBLAS thread per worker, two workers), the 45 runs of 1000 iterations
 * at width 64 and batch 128 took 4 min 9 s of wall time: 6–15 s per run,
 * Relation GAN the slowest (it scores three kinds of pairs). Hence width
 * 64, batch 128, 3000 iterations (about 12 minutes idle; a machine shared
 * with other work is several times slower), learning rate 1e-3 (ten times
 * the toy script's 1e-4, to make up for some 30× fewer iterations), three
 * seeds. The networks are still far from converged in
 * the literature's sense; the table reports what this budget buys, for
 * every method alike.
 *
 * ## Metrics
 *
 * On the mixtures, `toy_modes` (`src/metrics/toy.ts`) with 2500 samples: a
 * sample is high quality within 3σ of its nearest centre; a mode is covered
 * with at least 20 high-quality samples; `mode_kl` is KL(histogram of
 * nearest modes ‖ uniform). On the Swiss roll, `swiss_roll_distance`: the
 * sliced 2-Wasserstein distance over 64 evenly spaced directions between
 * 2500 generated and 2500 real samples, beside the same distance between two
 * real sets (the floor a perfect generator would reach).
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
  DatasetDecl,
  EvaluatorDecl,
  ExperimentDecl,
  SuiteDecl,
} from "../src/dsl/mod.ts";
import {
  eightGaussians,
  swissRoll,
  type ToyDataSource,
  twentyFiveGaussians,
} from "../src/data/toy.ts";
import { renderToyFigure, type ToyPoints } from "../src/metrics/toy_figure.ts";
import {
  markdownTable,
  type TableColumn,
  tableRows,
  type TableRun,
} from "../src/metrics/toy_table.ts";
import { Rng } from "../src/random.ts";

/** The sizes of a suite. */
export interface GaussiansSettings {
  /** Generator updates per run. */
  readonly iterations: number;
  readonly batchSize: number;
  /** Units of each of the three hidden blocks. */
  readonly width: number;
  /** Adam's learning rate, both networks. */
  readonly learningRate: number;
  readonly seeds: readonly number[];
  /** Samples each evaluator draws. */
  readonly evalSamples: number;
  /** Method ids to run (all five by default). */
  readonly methods: readonly MethodId[];
}

/** The method ids, in the figure's column order. */
export type MethodId =
  | "relation"
  | "vanilla"
  | "lsgan"
  | "wgan_gp"
  | "relativistic";

interface DatasetEntry {
  readonly id: string;
  readonly label: string;
  readonly decl: () => DatasetDecl;
  readonly source: () => ToyDataSource;
  readonly evaluator: (samples: number) => EvaluatorDecl;
}

interface MethodEntry {
  readonly id: MethodId;
  readonly label: string;
}

const DATASETS: readonly DatasetEntry[] = [
  {
    id: "8g",
    label: "8 Gaussians",
    decl: () => datasets.eightGaussians(),
    source: () => eightGaussians(),
    evaluator: (samples) => evaluators.toyModes({ samples }),
  },
  {
    id: "25g",
    label: "25 Gaussians",
    decl: () => datasets.twentyFiveGaussians(),
    source: () => twentyFiveGaussians(),
    evaluator: (samples) => evaluators.toyModes({ samples }),
  },
  {
    id: "roll",
    label: "Swiss roll",
    decl: () => datasets.swissRoll(),
    source: () => swissRoll(),
    evaluator: (samples) => evaluators.swissRollDistance({ samples }),
  },
];

const METHODS: readonly MethodEntry[] = [
  { id: "relation", label: "Relation GAN" },
  { id: "vanilla", label: "Vanilla GAN" },
  { id: "lsgan", label: "LSGAN" },
  { id: "wgan_gp", label: "WGAN-GP" },
  { id: "relativistic", label: "RSGAN" },
];

/** The default suite's sizes; see the module doc for how they were chosen. */
export const SETTINGS: GaussiansSettings = Object.freeze({
  iterations: 3000,
  batchSize: 128,
  width: 64,
  learningRate: 1e-3,
  seeds: Object.freeze([1, 2, 3]),
  evalSamples: 2500,
  methods: Object.freeze(METHODS.map((m) => m.id)),
});

/**
 * The smoke suite's sizes: every dataset, Relation GAN only, a few steps (3
 * worker processes; their start-up is most of the time).
 */
export const SMOKE_SETTINGS: GaussiansSettings = Object.freeze({
  iterations: 10,
  batchSize: 32,
  width: 16,
  learningRate: 1e-3,
  seeds: Object.freeze([1]),
  evalSamples: 300,
  methods: Object.freeze(["relation"] as MethodId[]),
});

/** The run name of one (dataset, method, seed). */
export function runName(
  dataset: string,
  method: MethodId,
  seed: number,
): string {
  return `${dataset}-${method}-s${seed}`;
}

/**
 * Declares one run.
 *
 * @param dataset A dataset id: `8g`, `25g` or `roll`.
 * @param method A method id.
 * @param seed The run's seed.
 * @param settings The suite's sizes.
 * @returns The validated declaration.
 * @throws {TypeError} When an id is unknown.
 */
export function gaussiansRun(
  dataset: string,
  method: MethodId,
  seed: number,
  settings: GaussiansSettings = SETTINGS,
): ExperimentDecl {
  const data = DATASETS.find((d) => d.id === dataset);
  if (data === undefined) {
    throw new TypeError(
      `Cannot declare a 2-D run: unknown dataset "${dataset}"; known are ${
        DATASETS.map((d) => d.id).join(", ")
      }`,
    );
  }
  if (!METHODS.some((m) => m.id === method)) {
    throw new TypeError(
      `Cannot declare a 2-D run: unknown method "${method}"; known are ${
        METHODS.map((m) => m.id).join(", ")
      }`,
    );
  }
  const hidden = [settings.width, settings.width, settings.width];
  const optimizer = adam({
    learningRate: settings.learningRate,
    beta1: 0.5,
    beta2: 0.9,
  });
  const common = {
    name: runName(dataset, method, seed),
    seed,
    data: data.decl(),
    latentDim: 2,
    generator: networks.mlp({ hidden, output: 2, init: "he_normal" }),
    training: training({
      iterations: settings.iterations,
      batchSize: settings.batchSize,
      dSteps: 1,
      generatorOptimizer: optimizer,
      discriminatorOptimizer: optimizer,
    }),
    schedule: schedule({
      logEvery: Math.max(1, Math.floor(settings.iterations / 10)),
    }),
    evaluators: [data.evaluator(settings.evalSamples)],
  };
  if (method === "relation") {
    return experiment({
      ...common,
      discriminator: networks.mlpDiscriminator({
        hidden,
        init: "he_normal",
        relation: { merge: "concat", split: 2 },
      }),
      loss: losses.relation({ form: "per-sample" }),
    });
  }
  return experiment({
    ...common,
    discriminator: networks.mlpDiscriminator({ hidden, init: "he_normal" }),
    loss: baselineLoss(method, { lambda: 0.1 }),
  });
}

/**
 * Declares the suite: every dataset × the settings' methods × seeds.
 *
 * @param settings The sizes.
 * @param name The suite's name.
 * @returns The validated suite.
 */
export function gaussiansSuite(
  settings: GaussiansSettings = SETTINGS,
  name = "gaussians",
): SuiteDecl {
  const runs: ExperimentDecl[] = [];
  for (const data of DATASETS) {
    for (const method of settings.methods) {
      for (const seed of settings.seeds) {
        runs.push(gaussiansRun(data.id, method, seed, settings));
      }
    }
  }
  return suite(name, runs);
}

/** The whole suite: 3 datasets × 5 methods × 3 seeds. */
const GAUSSIANS: SuiteDecl = gaussiansSuite(SETTINGS);
export default GAUSSIANS;

/** The smoke suite: 3 datasets × Relation GAN × 1 seed, 10 steps each. */
export const smoke: SuiteDecl = gaussiansSuite(
  SMOKE_SETTINGS,
  "gaussians-smoke",
);

/** What the command line passes to {@linkcode report}. */
export interface ReportContext {
  /** The suite's output directory. */
  readonly outDir: string;
  /** Every run of the suite with its `summary.json` (`null` when it wrote none). */
  readonly runs: ReadonlyArray<{
    readonly name: string;
    readonly dir: string;
    readonly summary: Readonly<Record<string, unknown>> | null;
  }>;
  readonly smoke: boolean;
}

/** What {@linkcode report} wrote. */
export interface ReportFiles {
  readonly figure: string;
  readonly markdown: string;
  readonly json: string;
}

const COLUMNS: readonly TableColumn[] = [
  { key: "modes_covered", label: "Modes covered", digits: 1 },
  { key: "high_quality_fraction", label: "High-quality fraction", digits: 3 },
  { key: "mode_kl", label: "Mode KL (nats)", digits: 3 },
  { key: "swiss_roll_sw2", label: "Sliced W₂", digits: 3 },
  {
    key: "swiss_roll_sw2_floor",
    label: "Sliced W₂ floor (real vs real)",
    digits: 3,
  },
  { key: "timeS", label: "Run time (s)", digits: 0 },
];

const SAMPLE_KEYS = ["toy_modes_samples", "swiss_roll_distance_samples"];

function parseName(
  name: string,
): { dataset: DatasetEntry; method: MethodEntry; seed: number } | null {
  const match = /^([a-z0-9]+)-([a-z_]+)-s(-?\d+)$/.exec(name);
  if (!match) return null;
  const dataset = DATASETS.find((d) => d.id === match[1]);
  const method = METHODS.find((m) => m.id === match[2]);
  if (!dataset || !method) return null;
  return { dataset, method, seed: Number(match[3]) };
}

/**
 * Writes the figure and the table of a finished suite into its directory:
 * `gaussians.png`, `gaussians.md` and `gaussians.json`. Runs that did not
 * complete count in the table's run column and leave their panel empty.
 *
 * @param context The suite's directory and runs.
 * @returns The three paths.
 */
export async function report(context: ReportContext): Promise<ReportFiles> {
  const settings = context.smoke ? SMOKE_SETTINGS : SETTINGS;
  const parsed = context.runs.flatMap((run) => {
    const id = parseName(run.name);
    return id ? [{ ...id, run }] : [];
  });

  // Table: each metric as mean ± std over seeds.
  const tableInput: TableRun[] = parsed.map((
    { dataset, method, seed, run },
  ) => ({
    dataset: dataset.label,
    method: method.label,
    seed,
    completed: run.summary?.status === "completed",
    scores: run.summary ?? {},
  }));
  const rows = tableRows(tableInput, COLUMNS.map((c) => c.key));
  const used = COLUMNS.filter((c) => rows.some((r) => r.metrics[c.key]));
  const title = context.smoke
    ? "2-D experiments (smoke run: a few steps, not results)"
    : "2-D experiments (paper figure 3)";
  const markdown = [
    `# ${title}`,
    "",
    `${settings.iterations} iterations, batch ${settings.batchSize}, MLPs of 3 × ${settings.width} ReLU units, Adam ${settings.learningRate} (β 0.5, 0.9), 1 D step per G step, seeds ${
      settings.seeds.join(", ")
    }. Mean ± sample standard deviation over the completed runs; "Runs" is completed/declared.`,
    "",
    markdownTable(rows, used),
  ].join("\n");

  // Figure: the first seed's samples of every (dataset, method).
  const methods = METHODS.filter((m) => settings.methods.includes(m.id));
  const firstSeed = Math.min(...settings.seeds);
  const figureRows = DATASETS.map((dataset, r) => {
    const real = dataset.source().sample(new Rng(1000 + r), 1000);
    const cells = methods.map((method): ToyPoints | null => {
      const hit = parsed.find((p) =>
        p.dataset.id === dataset.id && p.method.id === method.id &&
        p.seed === firstSeed && p.run.summary?.status === "completed"
      );
      const key = SAMPLE_KEYS.find((k) => Array.isArray(hit?.run.summary?.[k]));
      return key ? hit!.run.summary![key] as number[][] : null;
    });
    return { label: dataset.label, real, cells };
  });
  const png = renderToyFigure(figureRows, {
    methods: methods.map((m) => m.label),
    caption:
      `Seed ${firstSeed}; red: 500 generated samples, grey: real samples. ${settings.iterations} iterations, batch ${settings.batchSize}, width ${settings.width}.`,
  });

  await Deno.mkdir(context.outDir, { recursive: true });
  const files: ReportFiles = {
    figure: `${context.outDir}/gaussians.png`,
    markdown: `${context.outDir}/gaussians.md`,
    json: `${context.outDir}/gaussians.json`,
  };
  await Deno.writeFile(files.figure, png);
  await Deno.writeTextFile(files.markdown, markdown);
  await Deno.writeTextFile(
    files.json,
    JSON.stringify({ smoke: context.smoke, settings, rows }, null, 2) + "\n",
  );
  return files;
}
