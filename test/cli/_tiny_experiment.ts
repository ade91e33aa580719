/**
 * A tiny experiment module for the command-line tests: a relation GAN on
 * eight Gaussians with small MLPs, a smoke variant, and a report that
 * writes the runs it was given.
 *
 * @module
 */

import {
  datasets,
  experiment,
  losses,
  networks,
  schedule,
  suite,
  training,
} from "../../src/dsl/mod.ts";
import type { ReportContext } from "../../src/dsl/mod.ts";

function tiny(name: string, iterations: number, seed = 1) {
  return experiment({
    name,
    seed,
    data: datasets.eightGaussians(),
    latentDim: 2,
    generator: networks.mlp({ hidden: [8], output: 2 }),
    discriminator: networks.mlpDiscriminator({
      hidden: [8, 8],
      relation: { split: 1, merge: "concat" },
    }),
    loss: losses.relation(),
    training: training({ iterations, batchSize: 8 }),
    schedule: schedule({ logEvery: 2, sampleEvery: 4, checkpointEvery: 3 }),
  });
}

export default suite("tiny_suite", [tiny("alpha", 4), tiny("beta", 4, 2)]);

export const smoke = suite("tiny_suite", [
  tiny("alpha", 2),
  tiny("beta", 2, 2),
]);

export async function report(context: ReportContext): Promise<void> {
  await Deno.writeTextFile(
    `${context.outDir}/report.json`,
    JSON.stringify({
      smoke: context.smoke,
      runs: context.runs.map((r) => ({
        name: r.name,
        status: r.summary?.status ?? null,
      })),
    }),
  );
}
