import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { kidEvaluator } from "../../src/metrics/kid_evaluator.ts";
import { kernelInceptionDistance } from "../../src/metrics/kernel_inception_distance.ts";
import type { ScoreProtocol } from "../../src/metrics/score_protocol.ts";
import { Rng } from "../../src/random.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  context,
  poolingFeatures,
  poolingNetwork,
  uniformData,
} from "./_stand_ins.ts";

await tf.setBackend("cpu");

Deno.test("kidEvaluator equals kernelInceptionDistance of the same features and subsets", async () => {
  const data = uniformData();
  const ctx = context(data, { seed: 7 });
  const evaluator = kidEvaluator({
    network: poolingNetwork(),
    samples: 80,
    realSamples: 60,
    subsets: 5,
    subsetSize: 1000,
  });
  assert.equal(evaluator.name, "kid");
  const record = await assertNoLeak(
    "kidEvaluator",
    () => evaluator.evaluate(ctx),
  );

  const real = poolingFeatures(data.sample(new Rng(7).fork("real"), 60), 60);
  const gen = poolingFeatures(ctx.generatedPixels, 80);
  const expected = kernelInceptionDistance(real, gen, 4, {
    subsets: 5,
    subsetSize: 1000,
    rng: new Rng(7).fork("kid subsets"),
  });
  // float32 features: relative tolerance 1e-4.
  assert.ok(
    Math.abs((record.kid as number) - expected.mean) <=
      1e-4 * Math.abs(expected.mean),
  );
  assert.ok(
    Math.abs((record.kid_std as number) - expected.std) <=
      1e-3 * expected.std + 1e-9,
  );
  const protocol = record.kid_protocol as ScoreProtocol;
  assert.deepEqual(protocol.kid, { subsets: 5, subsetSize: 60 }); // capped by 60 real images
  assert.equal(protocol.realImages, 60);
  assert.equal(protocol.generatedImages, 80);
});

Deno.test("kidEvaluator rejects a non-positive subset count", () => {
  assert.throws(
    () => kidEvaluator({ network: poolingNetwork(), subsets: 0 }),
    (e: Error) =>
      e instanceof RangeError &&
      /subsets must be a positive integer/.test(e.message),
  );
});
