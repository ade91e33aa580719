// Declarations that must type-check, and mistakes the types must catch
// (each `@ts-expect-error` fails `deno check` if its line compiles).

import {
  datasets,
  experiment,
  layers,
  losses,
  networks,
  type PackedRelationDecl,
  type PairExperimentDecl,
  suite,
} from "../../src/dsl/mod.ts";

const toyG = networks.mlp({ hidden: [64], output: 2 });
const single = networks.mlpDiscriminator({ hidden: [64] });
const pair = networks.mlpDiscriminator({
  hidden: [64, 64],
  relation: { merge: "concat", split: 1 },
});

// A relation loss with a relation discriminator.
export const relgan: PairExperimentDecl = experiment({
  name: "relgan",
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: toyG,
  discriminator: pair,
  loss: losses.relation(),
});

// A single-input loss with a single-input discriminator; conv shapes agree.
export const dcgan = experiment({
  name: "dcgan",
  data: datasets.imageFolder({ dir: "/data", size: 64 }),
  generator: networks.dcganGenerator({ size: 64 }),
  discriminator: networks.dcganDiscriminator({ size: 64 }),
  loss: losses.hinge(),
});

export const cifar = experiment({
  name: "cifar",
  data: datasets.cifar10(),
  generator: networks.resnetGenerator(),
  discriminator: networks.resnetDiscriminator({ relation: { merge: "sum" } }),
  loss: losses.siamese(),
});

// An untagged (hand-built) generator is not constrained by the types.
export const handBuilt = experiment({
  name: "hand",
  data: datasets.swissRoll(),
  latentDim: 2,
  generator: layers.sequential([layers.dense(2)]),
  discriminator: single,
  loss: losses.lsgan(),
});

export const all = suite("all", [relgan, dcgan, cifar, handBuilt]);

experiment({
  name: "wrong-pairing",
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: toyG,
  discriminator: single,
  // @ts-expect-error a relation loss needs a relation discriminator
  loss: losses.relation(),
});

experiment({
  name: "wrong-pairing-2",
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: toyG,
  discriminator: pair,
  // @ts-expect-error a single-input loss does not fit a relation discriminator
  loss: losses.vanilla(),
});

experiment({
  name: "wrong-size",
  data: datasets.cifar10(),
  // @ts-expect-error a 64 px generator does not produce 32 px data
  generator: networks.dcganGenerator({ size: 64 }),
  discriminator: networks.dcganDiscriminator({ size: 32 }),
  loss: losses.hinge(),
});

experiment({
  name: "wrong-dims",
  data: datasets.eightGaussians(),
  latentDim: 2,
  // @ts-expect-error a 3-D generator does not produce 2-D data
  generator: networks.mlp({ hidden: [8], output: 3 }),
  discriminator: single,
  loss: losses.lsgan(),
});

// @ts-expect-error DCGAN networks come in 32, 64 and 128 px only
networks.dcganGenerator({ size: 48 });

// @ts-expect-error the merge kinds are concat, sum and packed
networks.mlpDiscriminator({ hidden: [8], relation: { merge: "product" } });

export const packed: PackedRelationDecl = {
  kind: "relation",
  merge: "packed",
  // @ts-expect-error a packed relation discriminator has no embedding module
  embedding: layers.sequential([]),
  relation: layers.sequential([layers.dense(1)]),
  head: layers.sequential([layers.dense(1)]),
};

// @ts-expect-error unknown options are rejected
layers.dense(8, { bais: false });

// @ts-expect-error the relation margin kinds are distance and constant
losses.relation({ margin: { kind: "fixed", value: 1 } });
