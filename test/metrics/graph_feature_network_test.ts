import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { loadGraphFeatureNetwork } from "../../src/metrics/graph_feature_network.ts";
import { Rng } from "../../src/random.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";
import { writeTinyGraphModel } from "./_tiny_graph_model.ts";

await tf.setBackend("cpu");

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return "sha256:" +
    Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("loadGraphFeatureNetwork loads a saved graph model: features, probabilities and hash match a plain reference", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [h, w, c, f, k] = [4, 5, 3, 6, 4];
    const model = await writeTinyGraphModel(dir, {
      size: [h, w, c],
      features: f,
      classes: k,
    });
    const net = await loadGraphFeatureNetwork(dir, {
      featuresOutput: "pool_3",
      classifierOutput: { name: "logits", kind: "logits" },
    });
    assert.deepEqual(net.inputSize, [h, w, c]);
    assert.equal(net.featureDim, f);
    assert.equal(net.numClasses, k);
    assert.equal(net.weightsHash, await sha256(model.shard));

    const n = 3;
    const pixels = new Rng(50).uniform(n * h * w * c, -1, 1);
    // Plain reference: features = mean_{h,w}(x) · W; p = softmax(features · W2).
    const expectedF: number[] = [];
    const expectedP: number[] = [];
    for (let b = 0; b < n; b++) {
      const pooled = new Array(c).fill(0);
      for (let i = 0; i < h * w; i++) {
        for (let ch = 0; ch < c; ch++) {
          pooled[ch] += pixels[(b * h * w + i) * c + ch] / (h * w);
        }
      }
      const feats = Array.from(
        { length: f },
        (_, j) => pooled.reduce((a, v, ch) => a + v * model.w[ch * f + j], 0),
      );
      const logits = Array.from(
        { length: k },
        (_, j) => feats.reduce((a, v, i) => a + v * model.w2[i * k + j], 0),
      );
      const z = logits.reduce((a, v) => a + Math.exp(v), 0);
      expectedF.push(...feats);
      expectedP.push(...logits.map((v) => Math.exp(v) / z));
    }

    const images = tf.tensor4d(pixels, [n, h, w, c]);
    const [features, probabilities] = await assertNoLeak(
      "graph feature network",
      async () => {
        const ft = net.features(images); // [n, f]
        const pt = net.probabilities!(images); // [n, k]
        const out = [await ft.data(), await pt.data()];
        ft.dispose();
        pt.dispose();
        return out;
      },
    );
    // float32 arithmetic: relative tolerance 1e-5.
    assertClose(features, expectedF, 1e-5, "features");
    assertClose(probabilities, expectedP, 1e-5, "probabilities");

    assert.throws(
      () => net.features(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D),
      (e: Error) =>
        e instanceof TypeError && /expected \[batch, 4, 5, 3\]/.test(e.message),
    );
    images.dispose();
    net.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGraphFeatureNetwork checks expectedHash and names missing files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = await writeTinyGraphModel(dir, {
      size: [2, 2, 1],
      features: 3,
      classes: 2,
    });
    const good = await loadGraphFeatureNetwork(dir, {
      expectedHash: await sha256(model.shard),
    });
    good.dispose();
    await assert.rejects(
      loadGraphFeatureNetwork(dir, {
        expectedHash: "sha256:" + "0".repeat(64),
      }),
      (e: Error) =>
        e instanceof RangeError && /expected sha256:0000/.test(e.message),
    );
    await Deno.remove(`${dir}/group1-shard1of1.bin`);
    await assert.rejects(
      loadGraphFeatureNetwork(dir),
      (e: Error) => /weight shard .*group1-shard1of1\.bin/.test(e.message),
    );
    await assert.rejects(
      loadGraphFeatureNetwork(`${dir}/nowhere`),
      (e: Error) => /model\.json could not be read/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadGraphFeatureNetwork transposes images for an NCHW model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // With h = w = c the same graph reads as NHWC or NCHW; the NCHW
    // network's features of x must equal the NHWC one's of transpose(x).
    await writeTinyGraphModel(dir, {
      size: [2, 2, 2],
      features: 3,
      classes: 2,
    });
    const nhwc = await loadGraphFeatureNetwork(dir);
    const nchw = await loadGraphFeatureNetwork(dir, { layout: "NCHW" });
    const x = tf.tensor4d(new Rng(51).uniform(2 * 8), [2, 2, 2, 2]);
    const a = nchw.features(x);
    const xt = tf.transpose(x, [0, 3, 1, 2]);
    const b = nhwc.features(xt as tf.Tensor4D);
    assertClose(await a.data(), await b.data(), 1e-6, "NCHW features");
    tf.dispose([x, a, xt, b]);
    nhwc.dispose();
    nchw.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
