import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { fidEvaluator } from "../../src/metrics/fid_evaluator.ts";
import { FeatureStatistics } from "../../src/metrics/feature_statistics.ts";
import { frechetDistance } from "../../src/metrics/frechet_distance.ts";
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

Deno.test("fidEvaluator scores generated against real features and records its protocol", async () => {
  const data = uniformData();
  const ctx = context(data, { seed: 3, checkpoint: "final" });
  const evaluator = fidEvaluator({
    network: poolingNetwork(),
    samples: 120,
    realSamples: 90,
    batchSize: 32,
  });
  assert.equal(evaluator.name, "fid");
  const record = await assertNoLeak(
    "fidEvaluator",
    () => evaluator.evaluate(ctx),
  );

  // Expected: the same draws through plain-number features.
  const realPixels = data.sample(new Rng(3).fork("real"), 90);
  const real = new FeatureStatistics(4).add(poolingFeatures(realPixels, 90))
    .result();
  const gen = new FeatureStatistics(4).add(
    poolingFeatures(ctx.generatedPixels, 120),
  ).result();
  const expected = frechetDistance(real, gen).distance;
  // float32 features: relative tolerance 1e-4.
  assert.ok(
    Math.abs((record.fid as number) - expected) <= 1e-4 * expected,
    `${record.fid} vs ${expected}`,
  );
  assert.ok(expected > 0.01, "the two distributions differ");

  const protocol = record.fid_protocol as ScoreProtocol;
  assert.equal(protocol.metric, "fid");
  assert.equal(protocol.generatedImages, 120);
  assert.equal(protocol.realImages, 90);
  assert.equal(protocol.realSplit, "train");
  assert.equal(protocol.realData, data.name);
  assert.equal(protocol.featureNetwork, "avg-pool 2x2 (test)");
  assert.equal(protocol.featureNetworkHash, "sha256:" + "ab".repeat(32));
  assert.deepEqual(protocol.imageSize, [4, 4, 1]);
  assert.equal(protocol.resize, "none");
  assert.equal(protocol.checkpoint, "final");
  assert.equal(protocol.realFeaturesCached, false);
  assert.equal(JSON.parse(JSON.stringify(record)).fid_protocol.metric, "fid");

  // A second evaluation reuses the real statistics.
  const again = await evaluator.evaluate(context(data, { seed: 4 }));
  assert.equal((again.fid_protocol as ScoreProtocol).realFeaturesCached, true);
});

Deno.test("fidEvaluator of a generator that matches the data is near 0", async () => {
  const data = uniformData();
  const ctx = context(data, { genLow: -1 });
  const record = await fidEvaluator({
    network: poolingNetwork(),
    samples: 2000,
  }).evaluate(ctx);
  // Same distribution: FID is only the estimation bias, of order
  // (d/n)·tr Σ = (4/2000)·(4 · 1/48) ≈ 2e-4; tolerance 2e-3, still far below
  // the > 0.01 of the shifted generator above.
  assert.ok((record.fid as number) < 2e-3, `${record.fid}`);
});

Deno.test("fidEvaluator rejects non-image data and bad options with the reason", async () => {
  assert.throws(
    () => fidEvaluator({ network: poolingNetwork(), samples: 0 }),
    RangeError,
  );
  assert.throws(
    () => fidEvaluator({} as Parameters<typeof fidEvaluator>[0]),
    (e: Error) =>
      e instanceof TypeError && /network is missing/.test(e.message),
  );
  const toy = {
    name: "toy",
    shape: [2],
    size: Infinity,
    sample: (r: Rng, n: number) => r.normal(2 * n),
  };
  const ctx = { ...context(uniformData()), data: toy, shape: [2] };
  await assert.rejects(
    fidEvaluator({ network: poolingNetwork() }).evaluate(ctx),
    (e: Error) =>
      e instanceof TypeError && /needs images \[h, w, c\]/.test(e.message),
  );
});

Deno.test("fidEvaluator accepts its whole declaration and rejects another kind or an unknown option", () => {
  const network = poolingNetwork();
  assert.equal(fidEvaluator({ kind: "fid", network, samples: 10 }).name, "fid");
  assert.throws(
    () =>
      fidEvaluator(
        { kind: "kid", network } as unknown as Parameters<
          typeof fidEvaluator
        >[0],
      ),
    (e: Error) => e instanceof TypeError && /kind "kid"/.test(e.message),
  );
  assert.throws(
    () =>
      fidEvaluator(
        { network, sample: 10 } as unknown as Parameters<
          typeof fidEvaluator
        >[0],
      ),
    (e: Error) =>
      e instanceof TypeError && /unknown option "sample"/.test(e.message),
  );
});
