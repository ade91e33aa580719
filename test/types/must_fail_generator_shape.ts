// Must NOT type-check: a 64 px generator with 32 px data.
import { datasets, experiment, losses, networks } from "../../src/dsl/mod.ts";

export const bad = experiment({
  name: "bad",
  data: datasets.cifar10(),
  generator: networks.dcganGenerator({ size: 64 }),
  discriminator: networks.dcganDiscriminator({ size: 32 }),
  loss: losses.hinge(),
});
