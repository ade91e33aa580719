import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { useBackend } from "../../src/backend/mod.ts";
import {
  countModes,
  loadMnistClassifier,
  loadMnistFeatureNetwork,
  splitDigits,
  stackedMnistModesEvaluator,
  stackedModeStatistics,
} from "../../src/classifier/mod.ts";
import { loadMnist } from "../../src/data/mnist.ts";
import { loadStackedMnist } from "../../src/data/stacked_mnist.ts";
import type { EvalContext } from "../../src/metrics/types.ts";
import { Rng } from "../../src/random.ts";
import { assertNoLeak } from "../_helpers.ts";

await useBackend("wasm");

// The saved classifier was trained on the training part of this split
// (train_cli.ts: testFraction 0.2, seed 0); the sets below use only the
// held-out digits.
const digits = await loadMnist();
const heldOut = splitDigits(digits.labels!, 0.2, 0).test;
const byDigit = Array.from(
  { length: 10 },
  (_, d) => heldOut.filter((i) => digits.labels![i] === d),
);

/**
 * `perMode` stacked images for each of `modes`, channel c of mode m showing a
 * real held-out digit labelled digit c of m; distinct digits within a mode.
 */
function constructed(
  modes: number[],
  perMode: number,
  seed: number,
): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(modes.length * perMode * 784 * 3);
  let at = 0;
  for (const mode of modes) {
    const wanted = [
      Math.floor(mode / 100),
      Math.floor(mode / 10) % 10,
      mode % 10,
    ];
    const orders = wanted.map((d) => rng.permutation(byDigit[d].length));
    for (let k = 0; k < perMode; k++) {
      for (let c = 0; c < 3; c++) {
        const pool = byDigit[wanted[c]];
        const pixels = digits.gather([pool[orders[c][k % pool.length]]]);
        for (let p = 0; p < 784; p++) out[(at * 784 + p) * 3 + c] = pixels[p];
      }
      at++;
    }
  }
  return out;
}

const { classifier, metadata } = await loadMnistClassifier();

/**
 * Bounds on KL(p ‖ u) for N samples of K equally filled modes of which a
 * share ε ≤ 0.1 is moved by misread channels (98 % per digit gives ε ≈ 6 %):
 * at most ln(1000/K) (+0.05 for uneven losses), at least
 * (1 − ε)·ln(1000(1 − ε)/K) + ε·ln(1000/N), the value when every moved
 * sample lands in a mode of its own.
 */
function assertKlNear(kl: number, k: number, n: number): void {
  const eps = 0.1;
  const low = (1 - eps) * Math.log((1000 * (1 - eps)) / k) +
    eps * Math.log(1000 / n);
  const high = Math.log(1000 / k) + 0.05;
  assert.ok(kl >= low && kl <= high, `KL ${kl} outside [${low}, ${high}]`);
}

/** The mode histogram computed by hand: each channel classified on its own. */
async function histogramByChannel(
  images: Float32Array,
  n: number,
): Promise<Int32Array> {
  const perChannel: Int32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const channel = new Float32Array(n * 784);
    for (let i = 0; i < n * 784; i++) channel[i] = images[i * 3 + c];
    perChannel.push(await classifier.predict(channel));
  }
  const h = new Int32Array(1000);
  for (let i = 0; i < n; i++) {
    h[100 * perChannel[0][i] + 10 * perChannel[1][i] + perChannel[2][i]]++;
  }
  return h;
}

Deno.test("the saved classifier reaches 98 % on the held-out digits", () => {
  assert.ok(
    (metadata.heldOutAccuracy ?? 0) >= 0.98,
    `recorded accuracy ${metadata.heldOutAccuracy}`,
  );
});

Deno.test("countModes finds the 10 modes of a constructed set and KL ≈ ln(1000/10)", async () => {
  const modes = [0, 111, 222, 345, 409, 567, 678, 789, 890, 999];
  const images = constructed(modes, 30, 1);
  const strict = await assertNoLeak(
    "countModes",
    () => countModes(images, { classifier, minCount: 5 }),
  );
  assert.equal(strict.samples, 300);
  assert.equal(strict.modes, 10);
  for (const m of modes) {
    assert.ok(
      strict.histogram[m] >= 25,
      `mode ${m}: ${strict.histogram[m]} of 30`,
    );
  }
  // Misread channels move a few samples to stray modes of 1–2 hits each:
  // they count under minCount 1, and lower KL below ln 100.
  const loose = await countModes(images, { classifier, minCount: 1 });
  assert.ok(
    loose.modes >= 10 && loose.modes <= 10 + 0.1 * 300,
    `minCount 1: ${loose.modes}`,
  );
  assertKlNear(strict.kl, 10, 300);
  // The histogram is exactly the one built from classifying each channel.
  assert.deepEqual(strict.histogram, await histogramByChannel(images, 300));
  // The same images padded to 32 × 32 give the same count.
  const padded = new Float32Array(300 * 32 * 32 * 3).fill(-1);
  for (let i = 0; i < 300; i++) {
    for (let y = 0; y < 28; y++) {
      padded.set(
        images.subarray((i * 784 + y * 28) * 3, (i * 784 + y * 28 + 28) * 3),
        (i * 1024 + (y + 2) * 32 + 2) * 3,
      );
    }
  }
  const again = await countModes(padded, {
    classifier,
    shape: [32, 32, 3],
    minCount: 5,
  });
  assert.deepEqual(again.histogram, strict.histogram);
});

Deno.test("countModes: all 1000 modes, 3 samples each, are nearly all hit with a small KL; one mode gives KL ≈ ln 1000", async () => {
  const all = Array.from({ length: 1000 }, (_, m) => m);
  const even = await countModes(constructed(all, 3, 2), { classifier });
  // A mode is missed only if all 3 of its samples are misread.
  assert.ok(even.modes >= 995, `modes ${even.modes}`);
  assert.ok(even.kl < 0.1, `KL ${even.kl}`);
  const collapsed = await countModes(constructed([427], 40, 3), {
    classifier,
    minCount: 5,
  });
  assert.equal(collapsed.modes, 1);
  assert.ok(
    Math.abs(collapsed.kl - Math.log(1000)) < 0.5,
    `KL ${collapsed.kl}`,
  );
  await assert.rejects(
    countModes(new Float32Array(10), { classifier }),
    TypeError,
  );
  await assert.rejects(
    countModes(new Float32Array(0), { classifier, minCount: 0 }),
    RangeError,
  );
});

Deno.test("stackedModeStatistics: KL is Σ p ln(1000 p) and minCount decides what counts", () => {
  const h = new Int32Array(1000);
  h[1] = 6;
  h[2] = 3;
  h[3] = 1;
  const p = [0.6, 0.3, 0.1];
  const kl = p.reduce((s, q) => s + q * Math.log(1000 * q), 0);
  assert.ok(Math.abs(stackedModeStatistics(h, 1).kl - kl) < 1e-12);
  assert.equal(stackedModeStatistics(h, 1).modes, 3);
  assert.equal(stackedModeStatistics(h, 3).modes, 2);
  assert.equal(stackedModeStatistics(h, 7).modes, 0);
});

Deno.test("stackedMnistModesEvaluator scores generated samples in chunks with its protocol", async () => {
  const modes = [12, 345, 678, 901, 234];
  const pool = constructed(modes, 20, 4);
  let drawn = 0;
  const context: EvalContext = {
    generate(n: number) {
      const out = pool.slice(drawn * 2352, (drawn + n) * 2352);
      drawn += n;
      return Promise.resolve(out);
    },
    data: await loadStackedMnist({ size: 10 }),
    rng: new Rng(0),
    shape: [28, 28, 3],
    checkpoint: "final",
  };
  const scores = await stackedMnistModesEvaluator({
    samples: 100,
    chunk: 30,
    minCount: 5,
  }).evaluate(context);
  assert.equal(drawn, 100);
  assert.equal(scores.stacked_mnist_modes, 5);
  assertKlNear(scores.stacked_mnist_kl as number, 5, 100);
  const protocol = scores.stacked_mnist_protocol as Record<string, unknown>;
  assert.equal(protocol.samples, 100);
  assert.match(String(protocol.classifier), /^sha256:[0-9a-f]{64}$/);
});

Deno.test("loadMnistFeatureNetwork gives [n, 128] features and probabilities that sum to 1", async () => {
  const net = await loadMnistFeatureNetwork();
  assert.equal(net.featureDim, 128);
  assert.deepEqual(net.inputSize, [28, 28, 1]);
  const x = tf.tensor4d(digits.gather(heldOut.subarray(0, 8)), [8, 28, 28, 1]);
  await assertNoLeak("feature network", async () => {
    const f = net.features(x);
    const p = net.probabilities!(x);
    assert.deepEqual(f.shape, [8, 128]);
    const total = tf.sum(p, 1);
    const sums = await total.data();
    total.dispose();
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
    tf.dispose([f, p]);
  });
  x.dispose();
  net.dispose();
});
