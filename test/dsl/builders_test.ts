import assert from "node:assert/strict";
import {
  adam,
  datasets,
  DeclarationRangeError,
  DeclarationTypeError,
  evaluators,
  experiment,
  layers,
  losses,
  networks,
  resolveExperiment,
  schedule,
  training,
  validate,
} from "../../src/dsl/mod.ts";

const toyG = networks.mlp({ hidden: [32, 32], output: 2 });

Deno.test("layers: builders return frozen nodes with a kind and reject bad values", () => {
  const d = layers.dense(8, { bias: false });
  assert.deepEqual(d, { kind: "dense", units: 8, bias: false });
  assert.ok(Object.isFrozen(d));
  assert.throws(() => layers.dense(1.5), (e: Error) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /`units`/);
    assert.match(e.message, /expected an integer ≥ 1, current value is 1\.5/);
    return true;
  });
  assert.throws(
    () => layers.conv2d(8, 3, { padding: "full" as "same" }),
    /`padding`.*expected one of "same", "valid", current value is "full"/,
  );
});

Deno.test("networks.mlp: hidden blocks of dense and activation, then the output layer", () => {
  const net = networks.mlp({
    hidden: [4, 5],
    output: 2,
    activation: "leaky_relu",
    alpha: 0.1,
  });
  assert.equal(net.layers.length, 3);
  assert.deepEqual(net.layers[0], {
    kind: "sequential",
    layers: [{ kind: "dense", units: 4 }, {
      kind: "activation",
      fn: "leaky_relu",
      alpha: 0.1,
    }],
  });
  assert.deepEqual(net.layers[2], { kind: "dense", units: 2 });
});

Deno.test("networks.mlpDiscriminator: the relation form splits the trunk's blocks n + m", () => {
  for (const split of [0, 1, 2, 3]) {
    const d = networks.mlpDiscriminator({
      hidden: [8, 8, 8],
      relation: { merge: "concat", split },
    });
    assert.equal(d.kind, "relation");
    if (d.merge === "packed") throw new Error("expected an embedding module");
    assert.equal(d.merge, "concat");
    assert.equal(d.embedding.layers.length, split);
    assert.equal(d.relation.layers.length, 3 - split);
    assert.deepEqual(d.head.layers, [{ kind: "dense", units: 1 }]);
  }
  const packed = networks.mlpDiscriminator({
    hidden: [8, 8],
    relation: { merge: "packed" },
  });
  assert.equal(packed.merge, "packed");
  assert.equal("embedding" in packed, false);
  assert.equal(packed.relation.layers.length, 2);
  assert.throws(
    () =>
      networks.mlpDiscriminator({
        hidden: [8],
        relation: { merge: "sum", split: 2 },
      }),
    (e: Error) =>
      e instanceof RangeError &&
      /split must be an integer in \[0, 1\].*current value is 2/.test(
        e.message,
      ),
  );
  assert.throws(
    () =>
      networks.mlpDiscriminator({
        hidden: [8],
        relation: { merge: "packed", split: 1 },
      }),
    RangeError,
  );
});

Deno.test("experiment: a relation loss with a single-input discriminator is rejected at loss.kind", () => {
  assert.throws(
    () =>
      experiment({
        name: "bad",
        data: datasets.eightGaussians(),
        latentDim: 2,
        generator: toyG,
        discriminator: networks.mlpDiscriminator({ hidden: [8] }),
        // @ts-expect-error a pair loss needs a relation discriminator
        loss: losses.relation(),
      }),
    (e: Error) => {
      assert.ok(e instanceof DeclarationTypeError);
      assert.equal(e.issues[0].code, "incompatible");
      assert.deepEqual(e.issues[0].path, ["loss", "kind"]);
      assert.match(e.message, /pair loss and needs a relation discriminator/);
      return true;
    },
  );
});

Deno.test("validate: returns every issue at once, errors first", () => {
  const result = validate({
    kind: "experiment",
    name: "many",
    data: { kind: "eight_gaussians", std: -1 },
    latentDim: 0,
    generator: toyG,
    discriminator: {
      kind: "sequential",
      layers: [{ kind: "dense", units: 1, colour: "red" }],
    },
    loss: { kind: "vanilla" },
    training: { kind: "training", batchSize: "64" },
  });
  assert.equal(result.ok, false);
  const byPath = result.issues.map((i) => `${i.code}@${i.path.join(".")}`);
  assert.deepEqual(byPath.sort(), [
    "out_of_range@data.std",
    "out_of_range@latentDim",
    "unknown_key@discriminator.layers.0.colour",
    "wrong_type@training.batchSize",
  ]);
});

Deno.test("validate: combinations are still checked where the parts they read are sound", () => {
  const result = validate({
    kind: "suite",
    name: "mixed",
    runs: [
      {
        kind: "experiment",
        name: "a",
        data: datasets.eightGaussians(),
        latentDim: 2,
        generator: networks.mlp({ hidden: [8], output: 3 }),
        discriminator: networks.mlpDiscriminator({ hidden: [8] }),
        loss: losses.relation(),
        training: { kind: "training", batchSize: "64" },
      },
      "not a run",
      { kind: "experiment", name: "c", data: { kind: "nope" } },
    ],
  });
  assert.deepEqual(
    result.issues.map((i) => `${i.code}@${i.path.join(".")}`),
    [
      "wrong_type@runs.0.training.batchSize",
      "wrong_type@runs.1",
      "unknown_kind@runs.2.data.kind",
      "missing@runs.2.generator",
      "missing@runs.2.discriminator",
      "missing@runs.2.loss",
      "incompatible@runs.0.loss.kind",
      "incompatible@runs.0.generator",
    ],
  );
});

Deno.test("validate: a generator that does not produce the data's shape is incompatible", () => {
  const r = validate({
    kind: "experiment",
    name: "shape",
    data: datasets.eightGaussians(),
    latentDim: 2,
    generator: networks.mlp({ hidden: [8], output: 3 }),
    discriminator: networks.mlpDiscriminator({ hidden: [8] }),
    loss: losses.lsgan(),
  });
  assert.equal(r.ok, false);
  assert.deepEqual(r.issues[0].path, ["generator"]);
  assert.equal(r.issues[0].expected, "output shape [2]");
  assert.equal(r.issues[0].received, "[3]");
});

Deno.test("validate: warns when a sum or concat merge is followed by a linear relation module", () => {
  const base = {
    kind: "experiment" as const,
    name: "w",
    data: datasets.eightGaussians(),
    latentDim: 2,
    generator: toyG,
    loss: losses.relation(),
  };
  for (const merge of ["sum", "concat"] as const) {
    const linear = validate({
      ...base,
      discriminator: networks.mlpDiscriminator({
        hidden: [8, 8],
        relation: { merge, split: 2 },
      }),
    });
    assert.equal(linear.ok, true);
    assert.equal(linear.issues.length, 1);
    assert.equal(linear.issues[0].severity, "warning");
    assert.equal(linear.issues[0].code, "linear_relation");
    assert.deepEqual(linear.issues[0].path, ["discriminator", "relation"]);
  }
  const sumWarning = validate({
    ...base,
    discriminator: networks.mlpDiscriminator({
      hidden: [8, 8],
      relation: { merge: "sum", split: 2 },
    }),
  }).issues[0].message;
  assert.match(sumWarning, /D\(a, b\) = s\(a\) \+ s\(b\)/);
  const nonLinear = validate({
    ...base,
    discriminator: networks.mlpDiscriminator({
      hidden: [8, 8],
      relation: { merge: "sum", split: 1 },
    }),
  });
  assert.deepEqual(nonLinear.issues, []);
});

Deno.test("validate: a relation module that does not fit the merged shape names the merge", () => {
  const r = validate({
    kind: "experiment",
    name: "m",
    data: datasets.eightGaussians(),
    latentDim: 2,
    generator: toyG,
    discriminator: {
      kind: "relation",
      merge: "concat",
      embedding: layers.sequential([layers.dense(8), layers.relu()]),
      relation: layers.sequential([
        layers.reshape([2, 2, 2]),
        layers.relu(),
        layers.flatten(),
      ]),
      head: layers.sequential([layers.dense(1)]),
    },
    loss: losses.relation(),
  });
  assert.equal(r.ok, false);
  assert.deepEqual(r.issues[0].path, [
    "discriminator",
    "relation",
    "layers",
    0,
  ]);
  assert.match(
    r.issues[0].received,
    /\[16\] \(the shape after the "concat" merge of \[8\] is \[16\]\)/,
  );
});

Deno.test("resolveExperiment: fills defaults everywhere, per-network Adam included", () => {
  const r = resolveExperiment(experiment({
    name: "d",
    data: datasets.eightGaussians(),
    latentDim: 2,
    generator: toyG,
    discriminator: networks.mlpDiscriminator({ hidden: [8] }),
    loss: losses.vanilla(),
    training: training({
      dSteps: 5,
      generatorOptimizer: adam({ learningRate: 1e-4, beta1: 0, beta2: 0.9 }),
    }),
    schedule: schedule({ logEvery: 10 }),
    evaluators: [evaluators.toyModes()],
  }));
  assert.equal(r.seed, 0);
  assert.equal(r.training.dSteps, 5);
  assert.deepEqual(r.training.generatorOptimizer, {
    kind: "adam",
    learningRate: 1e-4,
    beta1: 0,
    beta2: 0.9,
    epsilon: 1e-8,
  });
  assert.equal(r.training.discriminatorOptimizer.learningRate, 0.0002);
  assert.equal(r.schedule.logEvery, 10);
  assert.equal(r.schedule.sampleCount, 64);
  assert.deepEqual(r.loss, { kind: "vanilla", generator: "non-saturating" });
  // Evaluator and dataset options keep their owners' defaults (src/metrics, src/data).
  assert.deepEqual(r.evaluators, [{ kind: "toy_modes" }]);
  assert.deepEqual(r.generator.layers[2], {
    kind: "dense",
    units: 2,
    bias: true,
    init: "glorot_uniform",
    spectralNorm: false,
  });
  assert.throws(() => adam({ beta1: 1 }), DeclarationRangeError);
});
