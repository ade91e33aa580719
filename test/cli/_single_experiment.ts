/**
 * One tiny experiment (not a suite) for the command-line tests.
 *
 * @module
 */

import {
  datasets,
  experiment,
  losses,
  networks,
  schedule,
  training,
} from "../../src/dsl/mod.ts";

export default experiment({
  name: "single",
  seed: 1,
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: networks.mlp({ hidden: [8], output: 2 }),
  discriminator: networks.mlpDiscriminator({ hidden: [8] }),
  loss: losses.vanilla(),
  training: training({ iterations: 6, batchSize: 8 }),
  schedule: schedule({ logEvery: 2, sampleEvery: 6, checkpointEvery: 3 }),
});
