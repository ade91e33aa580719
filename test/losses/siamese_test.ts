import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  DEFAULT_SIAMESE_MARGIN,
  siameseDiscriminatorLoss,
  siameseGeneratorLoss,
  siameseLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import { mean, relu } from "./_fixtures.ts";
import { checkPairLoss, type PairReference, plainScores } from "./_pair.ts";

await useBackend("cpu");

// Hadsell et al. 2006 with the relation score d as the distance: ½d² for a
// symmetric pair, ½[m − d]+² for an asymmetric one; the asymmetric pair
// belongs to both triplets, so it counts twice.
const refD = (m: number): PairReference => (p, b) => {
  const { rr, ff, rf } = plainScores(p, b);
  return mean(
    rr.map((v, i) =>
      0.5 * v ** 2 + 0.5 * ff[i] ** 2 + 2 * 0.5 * relu(m - rf[i]) ** 2
    ),
  );
};
// The generator flips every label.
const refG = (m: number): PairReference => (p, b) => {
  const { rr, ff, rf } = plainScores(p, b);
  return mean(
    rr.map((v, i) =>
      0.5 * relu(m - v) ** 2 + 0.5 * relu(m - ff[i]) ** 2 + 2 * 0.5 * rf[i] ** 2
    ),
  );
};

Deno.test("siameseLoss matches the contrastive reference, values and finite-difference gradients", () =>
  assertNoLeak("siamese", () => {
    const loss = siameseLoss();
    assert.equal(loss.options.margin, DEFAULT_SIAMESE_MARGIN);
    checkPairLoss("siamese m=1", loss, refD(1), refG(1));
  }));

Deno.test("siameseLoss uses the declared margin", () =>
  assertNoLeak(
    "siamese",
    () =>
      checkPairLoss(
        "siamese m=0.4",
        siameseLoss({ margin: 0.4 }),
        refD(0.4),
        refG(0.4),
      ),
  ));

Deno.test("siamese per-example losses: symmetric pairs pulled to 0, asymmetric pushed beyond the margin", () => {
  const scores = {
    realReal: tf.tensor1d([0, 1, 0]),
    fakeFake: tf.tensor1d([0, 0, -2]),
    realFake: tf.tensor1d([3, 0.5, 1]),
  };
  const d = siameseDiscriminatorLoss(scores, { margin: 2, reduction: "none" });
  assert.deepEqual(Array.from(d.dataSync()), [
    0 + 0 + 0, // asymmetric pair already beyond the margin
    0.5 * 1 + 0 + (2 - 0.5) ** 2,
    0 + 0.5 * 4 + (2 - 1) ** 2,
  ]);
  const g = siameseGeneratorLoss(scores, { margin: 2, reduction: "none" });
  assert.deepEqual(Array.from(g.dataSync()), [
    0.5 * 4 + 0.5 * 4 + 9,
    0.5 * 1 + 0.5 * 4 + 0.25,
    0.5 * 4 + 0.5 * 16 + 1,
  ]);
  tf.dispose([...Object.values(scores), d, g]);
  assert.throws(
    () => siameseLoss({ margin: Number.NaN }),
    new RangeError(
      "Cannot build siameseLoss: margin must be a finite number >= 0, current value is NaN",
    ),
  );
});
