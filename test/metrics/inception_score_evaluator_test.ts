import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { inceptionScoreEvaluator } from "../../src/metrics/inception_score_evaluator.ts";
import { inceptionScore } from "../../src/metrics/inception_score.ts";
import type { ScoreProtocol } from "../../src/metrics/score_protocol.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  CLASSIFIER,
  context,
  poolingFeatures,
  poolingNetwork,
  uniformData,
} from "./_stand_ins.ts";

await tf.setBackend("cpu");

Deno.test("inceptionScoreEvaluator equals inceptionScore of the network's probabilities", async () => {
  const ctx = context(uniformData(), { checkpoint: "final" });
  const evaluator = inceptionScoreEvaluator({
    network: poolingNetwork(),
    samples: 60,
    splits: 3,
    batchSize: 25,
  });
  assert.equal(evaluator.name, "is");
  const record = await assertNoLeak(
    "inceptionScoreEvaluator",
    () => evaluator.evaluate(ctx),
  );

  // Plain reference: softmax(features · CLASSIFIER).
  const f = poolingFeatures(ctx.generatedPixels, 60);
  const p: number[] = [];
  for (let i = 0; i < 60; i++) {
    const logits = [0, 1, 2].map((c) =>
      [0, 1, 2, 3].reduce((a, j) => a + f[i * 4 + j] * CLASSIFIER[j * 3 + c], 0)
    );
    const z = logits.reduce((a, v) => a + Math.exp(v), 0);
    p.push(...logits.map((v) => Math.exp(v) / z));
  }
  const expected = inceptionScore(p, 3, { splits: 3 });
  assert.ok(
    Math.abs((record.is as number) - expected.mean) <= 1e-5 * expected.mean,
  );
  assert.ok(
    Math.abs((record.is_std as number) - expected.std) <=
      1e-4 * expected.std + 1e-7,
  );
  const protocol = record.is_protocol as ScoreProtocol;
  assert.equal(protocol.realImages, 0);
  assert.equal(protocol.realSplit, null);
  assert.equal(protocol.featureDim, 3);
  assert.deepEqual(protocol.is, { splits: 3 });
});

Deno.test("inceptionScoreEvaluator needs a classifier head and at least one image per split", async () => {
  const { probabilities: _, ...headless } = poolingNetwork();
  await assert.rejects(
    inceptionScoreEvaluator({ network: headless, samples: 10, splits: 2 })
      .evaluate(context(uniformData())),
    (e: Error) =>
      e instanceof TypeError && /no classifier head/.test(e.message),
  );
  assert.throws(
    () =>
      inceptionScoreEvaluator({
        network: poolingNetwork(),
        samples: 5,
        splits: 10,
      }),
    (e: Error) => e instanceof RangeError && /exceeds samples/.test(e.message),
  );
});
