/**
 * A child process for the crash-and-resume test: compiles a small relation
 * GAN (batch norm in the generator, EMA, two discriminator updates per
 * step) and trains it into a run directory, printing `step N` after every
 * step.
 *
 * `deno run -A test/engine/_driver.ts <backend> <outDir> <fresh|slow|resume> <iterations> <checkpointEvery>`
 *
 * `slow` is `fresh` with a 20 ms pause after each step, so that the parent
 * reading the output can kill the run while it is still training.
 *
 * @module
 */

import { parseBackendChoice, useBackend } from "../../src/backend/mod.ts";
import { compile } from "../../src/compiler/mod.ts";
import {
  datasets,
  experiment,
  losses,
  networks,
  schedule,
  training,
} from "../../src/dsl/mod.ts";
import { train } from "../../src/engine/mod.ts";

const [backend, outDir, mode, iterations, checkpointEvery] = Deno.args;
await useBackend(parseBackendChoice(backend));
const compiled = await compile(experiment({
  name: "kill",
  seed: 11,
  data: datasets.eightGaussians(),
  latentDim: 4,
  generator: networks.mlp({ hidden: [16, 16], output: 2, batchNorm: true }),
  discriminator: networks.mlpDiscriminator({
    hidden: [16, 16],
    relation: { split: 1, merge: "concat" },
  }),
  loss: losses.relation(),
  training: training({
    iterations: Number(iterations),
    batchSize: 16,
    dSteps: 2,
    emaDecay: 0.9,
  }),
  schedule: schedule({
    logEvery: 1,
    checkpointEvery: Number(checkpointEvery),
  }),
}));
const pause = new Int32Array(new SharedArrayBuffer(4));
const summary = await train(compiled, {
  outDir,
  resume: mode === "resume",
  argv: Deno.args,
  onRecord: (record) => {
    if (record.kind !== "step") return;
    console.log(`step ${record.step}`);
    if (mode === "slow") Atomics.wait(pause, 0, 0, 20);
  },
});
console.log(`done ${summary.status} ${summary.steps}`);
compiled.dispose();
