import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { useBackend } from "../../src/backend/mod.ts";
import {
  adam,
  datasets,
  evaluators,
  experiment,
  type ExperimentOptions,
  layers,
  losses,
  networks,
  schedule,
  training,
} from "../../src/dsl/mod.ts";
import {
  compile,
  compileDiscriminator,
  type CompiledPairNetwork,
  EVALUATOR_FACTORIES,
  LOSS_FACTORIES,
} from "../../src/compiler/mod.ts";
import { Rng } from "../../src/random.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";

await useBackend("cpu");

const base = {
  name: "toy",
  data: datasets.eightGaussians(),
  latentDim: 2,
  generator: networks.mlp({ hidden: [16, 16], output: 2 }),
} as const;

function relationRun(merge: "concat" | "sum" | "packed", split?: number) {
  return experiment({
    ...base,
    discriminator: networks.mlpDiscriminator({
      hidden: [16, 16],
      relation: { merge, split },
    }),
    loss: losses.relation(),
  });
}

Deno.test("compile: resolves every default into the plan, Adam per network", async () => {
  const c = await compile(experiment({
    ...base,
    seed: 7,
    discriminator: networks.mlpDiscriminator({ hidden: [16] }),
    loss: losses.wganGp(),
    training: training({
      iterations: 500,
      dSteps: 5,
      order: "generator-first",
      emaDecay: 0.999,
      generatorOptimizer: adam({ learningRate: 1e-4, beta1: 0, beta2: 0.9 }),
      discriminatorOptimizer: adam({ learningRate: 3e-4 }),
    }),
    schedule: schedule({ sampleEvery: 50, evalEvery: 100 }),
  }));
  try {
    assert.deepEqual(c.plan, {
      name: "toy",
      seed: 7,
      iterations: 500,
      batchSize: 64,
      dSteps: 5,
      order: "generator-first",
      optim: {
        generator: { learningRate: 1e-4, beta1: 0, beta2: 0.9, epsilon: 1e-8 },
        discriminator: {
          learningRate: 3e-4,
          beta1: 0.5,
          beta2: 0.999,
          epsilon: 1e-8,
        },
      },
      emaDecay: 0.999,
      logEvery: 100,
      sampleEvery: 50,
      sampleCount: 64,
      checkpointEvery: 0,
      evalEvery: 100,
    });
    assert.equal(c.latentDim, 2);
    assert.deepEqual(c.warnings, []);
    assert.equal(c.loss.kind, "wgan_gp");
    assert.deepEqual(c.data.shape, [2]);
    assert.equal(c.discriminator.input, "single");
    // 2·16+16 + 16·1+1
    assert.equal(c.discriminator.paramCount, 2 * 16 + 16 + 16 + 1);
    assert.equal(
      (c.declaration as { training: { batchSize: number } }).training.batchSize,
      64,
    );
  } finally {
    c.dispose();
  }
});

Deno.test("compile: every loss kind of the table is wired", async () => {
  const kinds = Object.keys(LOSS_FACTORIES).sort();
  assert.deepEqual(kinds, [
    "hinge",
    "lsgan",
    "relation",
    "relativistic",
    "siamese",
    "vanilla",
    "wgan_gp",
  ]);
  const single = networks.mlpDiscriminator({ hidden: [4] });
  const pair = networks.mlpDiscriminator({
    hidden: [4, 4],
    relation: { merge: "concat" },
  });
  const decls: ExperimentOptions[] = [
    {
      ...base,
      discriminator: pair,
      loss: losses.relation({ form: "batch-mean" }),
    },
    { ...base, discriminator: pair, loss: losses.siamese({ margin: 2 }) },
    {
      ...base,
      discriminator: single,
      loss: losses.vanilla({ generator: "minimax" }),
    },
    { ...base, discriminator: single, loss: losses.lsgan() },
    { ...base, discriminator: single, loss: losses.wganGp({ lambda: 1 }) },
    {
      ...base,
      discriminator: single,
      loss: losses.relativistic({ average: true }),
    },
    { ...base, discriminator: single, loss: losses.hinge() },
  ];
  for (const d of decls) {
    const c = await compile(experiment(d));
    assert.equal(c.loss.kind, d.loss.kind);
    assert.equal(c.loss.input, c.discriminator.input);
    c.dispose();
  }
});

Deno.test("compile: validation warnings travel with the compiled experiment", async () => {
  const c = await compile(relationRun("sum", 2));
  assert.equal(c.warnings?.length, 1);
  assert.match(c.warnings![0], /D\(a, b\) = s\(a\) \+ s\(b\)/);
  c.dispose();
});

Deno.test("compile: the same seed gives identical initial weights, another seed different ones", async () => {
  const weights = async (seed: number) => {
    const c = await compile({ ...relationRun("concat"), seed });
    const all = [...c.generator.variables, ...c.discriminator.variables].map((
      v,
    ) => Array.from(v.dataSync()) // device sync: test only
    );
    c.dispose();
    return all;
  };
  const a = await weights(3);
  const b = await weights(3);
  const other = await weights(4);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0], other[0]);
});

Deno.test("compileDiscriminator: concat, sum and packed merges match a hand-built graph, values and gradients", () => {
  const a = tf.tensor2d([[0.5, -1], [2, 0.25], [-0.3, 0.7]]);
  const b = tf.tensor2d([[1, 1], [-2, 0.5], [0.1, -0.9]]);
  for (const merge of ["concat", "sum", "packed"] as const) {
    const decl = networks.mlpDiscriminator({
      hidden: [5, 4],
      relation: { merge, split: merge === "packed" ? 0 : 1 },
    });
    const d = compileDiscriminator(decl, [2], {
      rng: new Rng(1),
    }) as CompiledPairNetwork;
    assert.equal(d.input, "pair");
    const got = d.apply(a, b, { training: false });
    const byHand = () => {
      const v = d.variables; // kernel, bias per dense layer, in order
      const dense = (x: tf.Tensor, i: number) =>
        tf.add(
          tf.matMul(x as tf.Tensor2D, v[2 * i] as tf.Tensor2D),
          v[2 * i + 1],
        );
      let m: tf.Tensor;
      let next = 0;
      if (merge === "packed") m = tf.concat([a, b], 1);
      else {
        const ea = tf.relu(dense(a, 0));
        const eb = tf.relu(dense(b, 0));
        next = 1;
        m = merge === "sum" ? tf.add(ea, eb) : tf.concat([ea, eb], 1);
      }
      for (let i = next; i < 2; i++) m = tf.relu(dense(m, i));
      return tf.reshape(dense(m, 2), [3]);
    };
    const expected = tf.tidy(byHand);
    assert.deepEqual(got.shape, [3]);
    assertClose(got.dataSync(), expected.dataSync(), 1e-5, merge);
    // Gradients through the compiled (tidied) graph equal the hand-built ones.
    const weights = [0.3, -1.2, 0.7];
    const objective = (f: () => tf.Tensor) => () =>
      tf.sum(tf.mul(f(), weights)) as tf.Scalar;
    const gotGrads = tf.variableGrads(
      objective(() => d.apply(a, b, { training: false })),
      d.variables as tf.Variable[],
    );
    const wantGrads = tf.variableGrads(
      objective(byHand),
      d.variables as tf.Variable[],
    );
    for (const v of d.variables) {
      assertClose(
        gotGrads.grads[v.name].dataSync(),
        wantGrads.grads[v.name].dataSync(),
        1e-4,
        `${merge} ∂/∂${v.name}`,
      );
    }
    tf.dispose([
      gotGrads.value,
      wantGrads.value,
      ...Object.values(gotGrads.grads),
      ...Object.values(wantGrads.grads),
    ]);
    // Parameter counts: 2 → 5 → 4 → 1, with the first layer's input doubled by packed and the second by concat.
    const count = merge === "packed"
      ? 4 * 5 + 5 + 5 * 4 + 4 + 4 + 1
      : merge === "concat"
      ? 2 * 5 + 5 + 10 * 4 + 4 + 4 + 1
      : 2 * 5 + 5 + 5 * 4 + 4 + 4 + 1;
    assert.equal(d.paramCount, count);
    tf.dispose([got, expected]);
    d.dispose();
  }
  tf.dispose([a, b]);
});

Deno.test("compiled networks: repeated forward and backward passes leave no tensors behind", async () => {
  for (const merge of ["concat", "sum", "packed"] as const) {
    const c = await compile(relationRun(merge, merge === "packed" ? 0 : 1));
    const g = c.generator;
    const d = c.discriminator as CompiledPairNetwork;
    const z = tf.tensor2d(new Rng(0).normal(8 * 2), [8, 2]);
    const x = tf.tensor2d(c.data.sample(new Rng(1), 8), [8, 2]);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.mean(
            d.apply(x, g.apply(z, { training: true }), { training: true }),
          ) as tf.Scalar,
        [...g.variables, ...d.variables],
      );
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step();
    await assertNoLeak(`relation ${merge}`, () => {
      for (let i = 0; i < 5; i++) step();
    });
    tf.dispose([z, x]);
    c.dispose();
  }
});

Deno.test("compile: every evaluator kind is wired; the toy ones score the compiled run", async () => {
  assert.deepEqual(Object.keys(EVALUATOR_FACTORIES).sort(), [
    "fid",
    "is",
    "kid",
    "stacked_mnist_modes",
    "swiss_roll_distance",
    "toy_modes",
  ]);
  const c = await compile(experiment({
    ...base,
    discriminator: networks.mlpDiscriminator({ hidden: [4] }),
    loss: losses.vanilla(),
    evaluators: [
      evaluators.toyModes({ samples: 400 }),
      evaluators.swissRollDistance({ samples: 200 }),
    ],
  }));
  try {
    assert.deepEqual(c.evaluators.map((e) => e.name), [
      "toy_modes",
      "swiss_roll_distance",
    ]);
    // The real data itself covers all 8 modes.
    const rng = new Rng(4);
    const scores = await c.evaluators[0].evaluate({
      generate: (n) => Promise.resolve(c.data.sample(rng, n)),
      data: c.data,
      rng: new Rng(5),
      shape: c.data.shape,
      checkpoint: "final",
    });
    assert.equal(scores.modes_covered, 8);
  } finally {
    c.dispose();
  }
});

Deno.test("compile: a dataset that fails to load frees the networks it made", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(
    compile(experiment({
      name: "missing",
      data: datasets.imageFolder({
        dir: "/nonexistent/relgan-images",
        size: 8,
      }),
      latentDim: 4,
      generator: layers.sequential([
        layers.dense(8 * 8 * 3),
        layers.reshape([8, 8, 3]),
      ]),
      discriminator: layers.sequential([layers.flatten(), layers.dense(1)]),
      loss: losses.hinge(),
    })),
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("compile: a shape mismatch names the layer path before any weight exists", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(
    compile({
      kind: "experiment",
      ...base,
      discriminator: layers.sequential([
        layers.conv2d(4, 3),
        layers.flatten(),
        layers.dense(1),
      ]),
      loss: losses.vanilla(),
    }),
    (e: Error) =>
      e instanceof TypeError &&
      /`discriminator\.layers\[0\]`.*conv2d needs an image per example.*current value is \[2\]/
        .test(e.message),
  );
  assert.equal(tf.memory().numTensors, before);
});
