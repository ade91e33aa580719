import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import {
  INCEPTION_V3_METADATA_KEY,
  INCEPTION_V3_SOURCE,
  loadInceptionV3,
} from "../../src/metrics/inception_v3.ts";
import { kidEvaluator } from "../../src/metrics/kid_evaluator.ts";
import type { ScoreProtocol } from "../../src/metrics/score_protocol.ts";
import { writeTinyGraphModel } from "./_tiny_graph_model.ts";
import { context, uniformData } from "./_stand_ins.ts";

await tf.setBackend("cpu");

const source = {
  [INCEPTION_V3_METADATA_KEY]: {
    file: "pt_inception-2015-12-05-6726825d.pth",
    sha256: INCEPTION_V3_SOURCE.sha256Prefix + "0".repeat(56),
  },
};

Deno.test("loadInceptionV3 loads a 299×299×3 → 2048 graph model that records its source", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTinyGraphModel(dir, {
      size: [299, 299, 3],
      features: 2048,
      classes: 5,
      metadata: source,
    });
    const net = await loadInceptionV3(dir, { featuresOutput: "pool_3" });
    assert.equal(net.name, "inception-v3 (FID, pool_3)");
    assert.equal(net.featureDim, 2048);
    assert.deepEqual(net.inputSize, [299, 299, 3]);
    assert.match(net.weightsHash, /^sha256:[0-9a-f]{64}$/);
    net.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadInceptionV3 refuses a model without the pinned source, or with the wrong feature size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTinyGraphModel(`${dir}/plain`, {
      size: [299, 299, 3],
      features: 2048,
      classes: 2,
    });
    await assert.rejects(
      loadInceptionV3(`${dir}/plain`),
      (e: Error) =>
        e instanceof RangeError &&
        /relgan_source\.sha256 is missing/.test(e.message),
    );
    const wrong = {
      [INCEPTION_V3_METADATA_KEY]: { sha256: "deadbeef" + "0".repeat(56) },
    };
    await writeTinyGraphModel(`${dir}/wrong`, {
      size: [299, 299, 3],
      features: 2048,
      classes: 2,
      metadata: wrong,
    });
    await assert.rejects(loadInceptionV3(`${dir}/wrong`), /starting 6726825d/);
    await writeTinyGraphModel(`${dir}/small`, {
      size: [299, 299, 3],
      features: 16,
      classes: 2,
      metadata: source,
    });
    await assert.rejects(
      loadInceptionV3(`${dir}/small`),
      (e: Error) =>
        e instanceof TypeError &&
        /16 values per image, expected 2048/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kidEvaluator given a model path resizes 4×4 grey images to 299×299×3", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTinyGraphModel(dir, {
      size: [299, 299, 3],
      features: 2048,
      classes: 2,
      metadata: source,
    });
    // KID rather than FID keeps the test fast: no 2048 × 2048 eigensolve.
    const evaluator = kidEvaluator({
      network: dir,
      samples: 6,
      batchSize: 3,
      subsets: 2,
    });
    const record = await evaluator.evaluate(context(uniformData()));
    const protocol = record.kid_protocol as ScoreProtocol;
    assert.equal(protocol.featureNetwork, "inception-v3 (FID, pool_3)");
    assert.deepEqual(protocol.networkInputSize, [299, 299, 3]);
    assert.equal(protocol.resize, "bilinear");
    assert.equal(protocol.channels, "repeat");
    assert.equal(protocol.featureNetworkHash.length, "sha256:".length + 64);
    assert.ok(Number.isFinite(record.kid as number));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
