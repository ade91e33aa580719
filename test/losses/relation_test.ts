import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  DEFAULT_RELATION_MARGIN,
  relationDiscriminatorLoss,
  relationGeneratorLoss,
  relationLoss,
  relationMargin,
  type ResolvedRelationMargin,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import {
  assertGradientsClose,
  FAKE_PREV,
  finiteDifference,
  generate,
  GENERATOR_PARAMS,
  makeRelationCritic,
  mean,
  REAL,
  REAL2,
  RELATION_PARAMS,
  relu,
} from "./_fixtures.ts";
import {
  checkPairLoss,
  type PairReference,
  plainBatch,
  plainScores,
} from "./_pair.ts";
import { FD_STEP, GRAD_FLOOR, GRAD_TOLERANCE } from "./_single.ts";

await useBackend("cpu");

/** Δ(a, b) in float64. */
function plainMargin(
  m: ResolvedRelationMargin,
  a: readonly number[],
  b: readonly number[],
): number {
  if (m.kind === "constant") return m.value;
  const d = a.map((ai, j) => ai - b[j]);
  const norm = m.norm === "l2"
    ? Math.hypot(...d)
    : d.reduce((s, v) => s + Math.abs(v), 0);
  return m.scale * norm;
}

/** Eq. 6 (per-sample) or eq. 7 (batch-mean) in float64. */
function refD(
  form: "per-sample" | "batch-mean",
  m: ResolvedRelationMargin,
): PairReference {
  return (p, b) => {
    const { rr, ff, rf } = plainScores(p, b);
    const mReal = b.x2.map((x2, i) => plainMargin(m, x2, b.y1[i])); // Δ(x2, y1)
    const mFake = b.y2.map((y2, i) => plainMargin(m, y2, b.x1[i])); // Δ(y2, x1)
    if (form === "per-sample") {
      return mean(rr.map((v, i) => relu(v - rf[i] + mReal[i]))) +
        mean(ff.map((v, i) => relu(v - rf[i] + mFake[i])));
    }
    return relu(mean(rr) - mean(rf) + mean(mReal)) +
      relu(mean(ff) - mean(rf) + mean(mFake));
  };
}

/** 2·E[D(x1, y1)] − E[D(x1, x2)] − E[D(y1, y2)] in float64. */
const refG: PairReference = (p, b) => {
  const { rr, ff, rf } = plainScores(p, b);
  return 2 * mean(rf) - mean(rr) - mean(ff);
};

Deno.test("relationLoss (per-sample, default L2 margin) matches eq. 6, values and finite-difference gradients", () =>
  assertNoLeak("relation", () => {
    const loss = relationLoss();
    assert.deepEqual(loss.options, {
      form: "per-sample",
      margin: DEFAULT_RELATION_MARGIN,
    });
    checkPairLoss(
      "relation per-sample l2",
      loss,
      refD("per-sample", DEFAULT_RELATION_MARGIN),
      refG,
    );
  }));

Deno.test("relationLoss (batch-mean, scaled L1 margin) matches eq. 7, values and finite-difference gradients", () =>
  assertNoLeak("relation", () => {
    const margin = { kind: "distance", norm: "l1", scale: 0.5 } as const;
    checkPairLoss(
      "relation batch-mean l1",
      relationLoss({ form: "batch-mean", margin }),
      refD("batch-mean", margin),
      refG,
    );
  }));

Deno.test("relationLoss (per-sample, constant margin) matches eq. 6 with some hinges inactive", () =>
  assertNoLeak("relation", () => {
    const margin = { kind: "constant", value: 0.3 } as const;
    // With Δ = 0.3 the fixture's hinges are [−0.09, 0.54, 0.24, 0.49] and
    // [−0.81, −0.34, 0.77, 1.38]: three are inactive, none within 0.05 of the kink.
    const { rr, ff, rf } = plainScores(
      RELATION_PARAMS,
      plainBatch(GENERATOR_PARAMS),
    );
    assert.equal(
      rr.filter((v, i) => v - rf[i] + 0.3 < 0).length +
        ff.filter((v, i) => v - rf[i] + 0.3 < 0).length,
      3,
    );
    checkPairLoss(
      "relation constant",
      relationLoss({ margin }),
      refD("per-sample", margin),
      refG,
    );
  }));

Deno.test("relationLoss treats the margin as data: the discriminator loss's gradient in y1 comes only from the scores", () =>
  assertNoLeak("relation margin", () => {
    const { critic, dispose } = makeRelationCritic();
    const y1 = generate(GENERATOR_PARAMS);
    const real = tf.tensor2d(REAL);
    const real2 = tf.tensor2d(REAL2);
    const fakePrev = tf.tensor2d(FAKE_PREV);
    const fake = tf.tensor2d(y1);
    const loss = relationLoss();
    const grad = tf.grad((f: tf.Tensor) =>
      loss.discriminator(critic, { real, real2, fake: f, fakePrev }).total
    )(fake);
    // Perturb y1 in the scores only; the margins stay those of the unperturbed batch.
    const base = plainBatch(GENERATOR_PARAMS);
    const mReal = REAL2.map((x2, i) =>
      Math.hypot(x2[0] - y1[i][0], x2[1] - y1[i][1])
    );
    const mFake = FAKE_PREV.map((y2, i) =>
      Math.hypot(y2[0] - REAL[i][0], y2[1] - REAL[i][1])
    );
    const withFixedMargins = (flatY1: number[]) => {
      const b = {
        ...base,
        y1: y1.map((_, i) => [flatY1[2 * i], flatY1[2 * i + 1]]),
      };
      const { rr, ff, rf } = plainScores(RELATION_PARAMS, b);
      return mean(rr.map((v, i) => relu(v - rf[i] + mReal[i]))) +
        mean(ff.map((v, i) => relu(v - rf[i] + mFake[i])));
    };
    assertGradientsClose(
      Array.from(grad.dataSync()),
      finiteDifference(withFixedMargins, y1.flat(), FD_STEP),
      GRAD_TOLERANCE,
      GRAD_FLOOR,
      "gradient in y1 with the margins held fixed",
    );
    // relationMargin alone has a zero gradient.
    const g = tf.grad((a: tf.Tensor) => tf.sum(relationMargin(a, real2)))(fake);
    assert.deepEqual(Array.from(g.dataSync()), new Array(8).fill(0));
    tf.dispose([grad, g, real, real2, fakePrev, fake]);
    dispose();
  }));

Deno.test("relationDiscriminatorLoss: per-sample and batch-mean forms differ exactly as eqs. 6 and 7 say on a batch with an outlier", () =>
  assertNoLeak("relation outlier", () => {
    // Four examples; the fourth real pair is an outlier that the critic
    // scores far above the asymmetric pair.
    const rr = [0, 0, 0, 8];
    const ff = [0, 0, 0, 0];
    const rf = [2, 2, 2, 2];
    const margin = 1;
    // Eq. 6: the outlier's hinge 8 − 2 + 1 = 7 is averaged with three zero
    // hinges (0 − 2 + 1 < 0); the second triplet's hinges are all zero.
    const perSample = (0 + 0 + 0 + 7) / 4 + 0;
    // Eq. 7: mean D(x1, x2) = 2, so [2 − 2 + 1]+ = 1; [0 − 2 + 1]+ = 0.
    const batchMean = Math.max(2 - 2 + 1, 0) + Math.max(0 - 2 + 1, 0);
    assert.equal(perSample - batchMean, 0.75);

    const scores = {
      realReal: tf.tensor1d(rr),
      fakeFake: tf.tensor1d(ff),
      realFake: tf.tensor1d(rf),
    };
    const margins = {
      realReal: tf.fill([4], margin) as tf.Tensor1D,
      fakeFake: tf.fill([4], margin) as tf.Tensor1D,
    };
    const a = relationDiscriminatorLoss(scores, margins);
    const b = relationDiscriminatorLoss(scores, margins, {
      form: "batch-mean",
    });
    const perExample = relationDiscriminatorLoss(scores, margins, {
      reduction: "none",
    });
    assert.equal(a.dataSync()[0], perSample);
    assert.equal(b.dataSync()[0], batchMean);
    assert.deepEqual(Array.from(perExample.dataSync()), [0, 0, 0, 7]);

    // The same batch as samples, through relationLoss: with the critic
    // D(a, b) = Σ b − Σ a, x1 = 0, Σ x2 = rr, Σ y1 = 2 and Σ y2 = 2.
    const critic = (p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.sub(q, p), 1) as tf.Tensor1D;
    const batch = {
      real: tf.zeros([4, 2]),
      real2: tf.tensor2d([[0, 0], [0, 0], [0, 0], [5, 3]]),
      fake: tf.tensor2d([[1, 1], [2, 0], [0, 2], [1.5, 0.5]]),
      fakePrev: tf.tensor2d([[2, 0], [1, 1], [1, 1], [0, 2]]),
    };
    const constant = { kind: "constant", value: margin } as const;
    const ps = relationLoss({ margin: constant }).discriminator(critic, batch);
    const bm = relationLoss({ form: "batch-mean", margin: constant })
      .discriminator(critic, batch);
    assert.equal(ps.total.dataSync()[0], perSample);
    assert.equal(bm.total.dataSync()[0], batchMean);

    // Where every hinge is active the forms agree: the mean of a linear
    // function is the function of the means.
    const shifted = {
      realReal: tf.tensor1d([3, 3, 3, 8]),
      fakeFake: scores.fakeFake,
      realFake: scores.realFake,
    };
    const c = relationDiscriminatorLoss(shifted, margins);
    const d = relationDiscriminatorLoss(shifted, margins, {
      form: "batch-mean",
    });
    assert.equal(c.dataSync()[0], d.dataSync()[0]);
    assert.equal(c.dataSync()[0], (2 + 2 + 2 + 7) / 4 + 0);

    tf.dispose([
      ...Object.values(scores),
      ...Object.values(margins),
      a,
      b,
      perExample,
      c,
      d,
      shifted.realReal,
    ]);
    tf.dispose([
      ps.total,
      ...Object.values(ps.terms),
      bm.total,
      ...Object.values(bm.terms),
      ...Object.values(batch),
    ]);
  }));

Deno.test("relationGeneratorLoss gives 2·D(x1, y1) − D(x1, x2) − D(y1, y2) per example", () => {
  const scores = {
    realReal: tf.tensor1d([1, -2]),
    fakeFake: tf.tensor1d([0.5, 3]),
    realFake: tf.tensor1d([2, 1]),
  };
  const g = relationGeneratorLoss(scores, { reduction: "none" });
  assert.deepEqual(Array.from(g.dataSync()), [2 * 2 - 1 - 0.5, 2 * 1 - -2 - 3]);
  tf.dispose([...Object.values(scores), g]);
});

Deno.test("relation losses reject bad options and shapes with the fix", () => {
  const s = tf.zeros([3]) as tf.Tensor1D;
  const scores = { realReal: s, fakeFake: s, realFake: s };
  assert.throws(
    () =>
      relationDiscriminatorLoss(scores, { realReal: s, fakeFake: s }, {
        form: "batch-mean",
        reduction: "none",
      }),
    new RangeError(
      'Cannot compute relationDiscriminatorLoss per example with form "batch-mean": its hinges act on batch means (eq. 7), so there is one value per batch. Fix: use reduction "mean", or form "per-sample"',
    ),
  );
  const short = tf.zeros([2]) as tf.Tensor1D;
  assert.throws(
    () => relationDiscriminatorLoss(scores, { realReal: s, fakeFake: short }),
    /margins\.fakeFake has 2 scores but the batch has 3 examples/,
  );
  assert.throws(
    () => relationLoss({ form: "batchmean" as "batch-mean" }),
    new TypeError(
      'Cannot build relationLoss: form must be one of "per-sample", "batch-mean", current value is "batchmean"',
    ),
  );
  assert.throws(
    () => relationLoss({ margin: { kind: "distance", scale: -1 } }),
    new RangeError(
      "Cannot build the relation margin: margin.scale must be a finite number >= 0, current value is -1",
    ),
  );
  assert.throws(
    () =>
      relationLoss({
        margin: { kind: "fixed" } as unknown as { kind: "constant" },
      }),
    /margin\.kind must be one of "distance", "constant", current value is "fixed"/,
  );
  assert.throws(
    () =>
      relationLoss({
        margin: { kind: "constant", norm: "l2" } as unknown as {
          kind: "constant";
        },
      }),
    /unknown option "norm"\. Fix: use one of "kind", "value"/,
  );
  const critic = (a: tf.Tensor, _b: tf.Tensor) =>
    tf.reshape(tf.sum(a), [1]) as tf.Tensor1D;
  const batch = {
    real: tf.zeros([3, 2]),
    real2: tf.zeros([3, 2]),
    fake: tf.zeros([3, 2]),
    fakePrev: tf.zeros([3, 2]),
  };
  assert.throws(
    () => relationLoss().discriminator(critic, batch),
    new TypeError(
      "Cannot compute relationLoss (discriminator): the critic returned shape [1] for D(x1, x2), expected [3]. Fix: make the critic return one raw score per example",
    ),
  );
  const wrong = { ...batch, fakePrev: tf.zeros([2, 2]) };
  assert.throws(
    () => relationLoss().generator(critic, wrong),
    /batch\.fakePrev has shape \[2,2\] but batch\.real has shape \[3,2\]/,
  );
  tf.dispose([s, short, ...Object.values(batch), wrong.fakePrev]);
});

Deno.test("relationMargin computes L2, L1 and constant margins of image-shaped samples", () => {
  const a = tf.tensor4d([1, 2, 3, 4, 0, 0, 0, 0], [2, 2, 2, 1]);
  const b = tf.tensor4d([1, 2, 3, 0, 1, 1, 1, 1], [2, 2, 2, 1]);
  const l2 = relationMargin(a, b);
  const l1 = relationMargin(a, b, { kind: "distance", norm: "l1", scale: 3 });
  const c = relationMargin(a, b, { kind: "constant" });
  assert.deepEqual(Array.from(l2.dataSync()), [4, 2]);
  assert.deepEqual(Array.from(l1.dataSync()), [3 * 4, 3 * 4]);
  assert.deepEqual(Array.from(c.dataSync()), [100, 100]);
  tf.dispose([a, b, l2, l1, c]);
});
