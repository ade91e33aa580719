// Must NOT type-check: a relation (pair) loss with a single-input discriminator.
import { datasets, experiment, losses, networks } from "../../src/dsl/mod.ts";

export const bad = experiment({
  name: "bad",
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: networks.mlp({ hidden: [8], output: 2 }),
  discriminator: networks.mlpDiscriminator({ hidden: [8] }),
  loss: losses.relation(),
});
