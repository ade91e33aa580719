import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import { datasets, experiment, losses, networks } from "../../src/dsl/mod.ts";
import {
  COMPILED_CASES,
  type CompiledCase,
  type Counterpart,
  DCGAN_RELATION_CASE,
  judgeCounterpart,
  prepareCounterpart,
  RESNET_RELATION_CASE,
  type TorchCompiledResult,
} from "../../bench/_compiled_cases.ts";

const tiny: CompiledCase = {
  name: "tiny relation step",
  declaration: () =>
    experiment({
      name: "tiny",
      data: datasets.eightGaussians(),
      latentDim: 3,
      generator: networks.mlp({ hidden: [4], output: 2 }),
      discriminator: networks.mlpDiscriminator({
        hidden: [5, 6],
        relation: { merge: "concat" },
      }),
      loss: losses.relation(),
    }),
  reps: (_mode, reps) => reps,
  checkBatch: 3,
};

async function prepared(): Promise<{ cp: Counterpart; dir: string }> {
  await useBackend("cpu");
  const dir = await Deno.makeTempDir();
  return { cp: await prepareCounterpart(tiny, "", 2, dir), dir };
}

/** PyTorch's answer as it would be for an exact counterpart of `cp`. */
function exactAnswer(cp: Counterpart): TorchCompiledResult {
  return {
    ms: 1,
    counts: {
      ...cp.relgan,
      callsPerStep: { generator: 2, discriminator: 6 },
    },
    check: {
      fake: Array.from(cp.check.fake),
      scores: Array.from(cp.check.scores),
      dLoss: cp.check.dLoss,
      gLoss: cp.check.gLoss,
    },
  };
}

Deno.test("COMPILED_CASES: every toy loss, the DCGAN and the ResNet Relation GAN steps", () => {
  const names = COMPILED_CASES.map((c) => c.name);
  for (
    const kind of [
      "relation",
      "siamese",
      "vanilla",
      "lsgan",
      "wgan_gp",
      "relativistic",
      "hinge",
    ]
  ) {
    assert.ok(names.includes(`toy 8 gaussians step, ${kind} loss (batch 256)`));
  }
  assert.ok(names.includes(DCGAN_RELATION_CASE));
  assert.ok(names.includes(RESNET_RELATION_CASE));
  const resnet = COMPILED_CASES.find((c) => c.name === RESNET_RELATION_CASE)!;
  assert.equal(
    resnet.reps("native", 3, true),
    1,
    "--quick keeps the ResNet step",
  );
  const dcgan = COMPILED_CASES.find((c) => c.name === DCGAN_RELATION_CASE)!;
  assert.equal(dcgan.reps("wasm", 3, true), 0);
  assert.equal(dcgan.reps("native", 3, true), 3);
});

Deno.test("prepareCounterpart: the spec, relgan's counts and a bundle of every variable and input", async () => {
  await useBackend("cpu");
  const before = tf.memory().numTensors;
  const { cp, dir } = await prepared();
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  // G: 3→4→2; D embedding 2→5, relation 10→6, head 6→1.
  assert.equal(cp.relgan.generator, 3 * 4 + 4 + 4 * 2 + 2);
  assert.equal(cp.relgan.discriminator, 2 * 5 + 5 + 10 * 6 + 6 + 6 + 1);
  assert.deepEqual(cp.relgan.discriminatorVariables, [
    [2, 5],
    [5],
    [10, 6],
    [6],
    [6, 1],
    [1],
  ]);
  const spec = cp.spec as {
    plan: { batchSize: number };
    dataShape: number[];
    latentDim: number;
    reps: number;
    discriminator: { kind: string; merge: string };
    check: {
      path: string;
      batch: number;
      tensors: { key: string; shape: number[] }[];
    };
  };
  assert.equal(spec.discriminator.kind, "relation");
  assert.equal(spec.discriminator.merge, "concat");
  assert.deepEqual(spec.dataShape, [2]);
  assert.equal(spec.latentDim, 3);
  assert.equal(spec.reps, 2);
  const n = spec.check.batch;
  assert.equal(n, 3);
  const keys = spec.check.tensors.map((t) => t.key);
  assert.equal(keys.filter((k) => k === "generator").length, 4);
  assert.equal(keys.filter((k) => k === "discriminator").length, 6);
  assert.deepEqual(keys.slice(-5), ["x1", "x2", "y2", "z", "uniform"]);
  const values = spec.check.tensors.reduce(
    (s, t) => s + t.shape.reduce((a, b) => a * b, 1),
    0,
  );
  const bytes = await Deno.readFile(spec.check.path);
  assert.equal(bytes.byteLength, 4 * values);
  assert.equal(cp.check.fake.length, n * 2);
  assert.equal(cp.check.scores.length, n);
  assert.ok(Number.isFinite(cp.check.dLoss) && Number.isFinite(cp.check.gLoss));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("judgeCounterpart: an exact answer matches and says what was compared", async () => {
  const { cp, dir } = await prepared();
  const v = judgeCounterpart(cp, exactAnswer(cp), {
    generator: 2,
    discriminator: 6,
  });
  assert.equal(v.ok, true, v.note);
  assert.match(v.note, /parameters G 26 \/ D 88 in both/);
  assert.match(v.note, /per step G 2×, D 6× in both/);
  assert.match(v.note, /max relative error 0\.0e\+0/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("judgeCounterpart: each kind of difference fails loudly", async () => {
  const { cp, dir } = await prepared();
  const exact = exactAnswer(cp);
  const cases: [TorchCompiledResult | undefined, RegExp][] = [
    [undefined, /COUNTERPART MISSING/],
    [
      { error: "ValueError: no such layer" },
      /COUNTERPART FAILED: ValueError: no such layer/,
    ],
    [
      { ...exact, counts: { ...exact.counts!, discriminator: 87 } },
      /discriminator parameters relgan 88 != PyTorch 87/,
    ],
    [
      {
        ...exact,
        counts: {
          ...exact.counts!,
          generatorVariables: [[4, 3], [4], [2, 4], [2]].reverse(),
        },
      },
      /generator variable sizes differ/,
    ],
    [
      {
        ...exact,
        check: { ...exact.check!, dLoss: cp.check.dLoss * (1 + 1e-3) },
      },
      /D loss relative error 1\.0e-3 > 0\.0001/,
    ],
    [
      {
        ...exact,
        counts: {
          ...exact.counts!,
          callsPerStep: { generator: 2, discriminator: 4 },
        },
      },
      /calls per step differ: relgan G 2×, D 6×, PyTorch G 2×, D 4×/,
    ],
  ];
  for (const [answer, pattern] of cases) {
    const v = judgeCounterpart(cp, answer, { generator: 2, discriminator: 6 });
    assert.equal(v.ok, false, v.note);
    assert.match(v.note, pattern);
  }
  await Deno.remove(dir, { recursive: true });
});
