/**
 * One contract suite over every loss: scalar outputs whose terms sum to the
 * total, finite values and gradients on scores of ±1e4, batch-size
 * invariance of the mean forms, a float32 finite-difference check of the
 * discriminator side, and no tensor leak.
 */

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  type GanLoss,
  hingeLoss,
  leastSquaresLoss,
  type LossValue,
  type PairBatch,
  relationLoss,
  relativisticLoss,
  siameseLoss,
  type SingleBatch,
  vanillaLoss,
  wganGpLoss,
} from "../../src/losses/mod.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";
import {
  assertGradientsClose,
  FAKE_PREV,
  finiteDifference,
  flatGrads,
  generate,
  GENERATOR_PARAMS,
  keepVariable,
  makeCritic,
  makeRelationCritic,
  REAL,
  REAL2,
  UNIFORM,
} from "./_fixtures.ts";

await useBackend("cpu");

const LOSSES: ReadonlyArray<[string, () => GanLoss, string]> = [
  ["relation per-sample", () => relationLoss(), "relation"],
  [
    "relation batch-mean",
    () => relationLoss({ form: "batch-mean" }),
    "relation",
  ],
  [
    "relation constant margin",
    () => relationLoss({ margin: { kind: "constant", value: 100 } }),
    "relation",
  ],
  ["siamese", () => siameseLoss(), "siamese"],
  ["vanilla non-saturating", () => vanillaLoss(), "vanilla"],
  ["vanilla minimax", () => vanillaLoss({ generator: "minimax" }), "vanilla"],
  ["lsgan", () => leastSquaresLoss(), "lsgan"],
  ["wgan_gp", () => wganGpLoss(), "wgan_gp"],
  ["rsgan", () => relativisticLoss(), "relativistic"],
  ["ragan", () => relativisticLoss({ average: true }), "relativistic"],
  ["hinge", () => hingeLoss(), "hinge"],
];

type Side = "discriminator" | "generator";

/** A critic of either kind with its variables, and a batch to match. */
interface Problem {
  readonly variables: tf.Variable[];
  run(side: Side, batch: SingleBatch | PairBatch): LossValue;
  readonly batch: SingleBatch | PairBatch;
  dispose(): void;
}

/** The fixture's critic and batch (nonlinear critics, four examples). */
function problem(loss: GanLoss, repeat = 1): Problem {
  const tile = (rows: number[][]) =>
    tf.tensor2d(Array.from({ length: repeat }, () => rows).flat());
  const fake = generate(GENERATOR_PARAMS);
  if (loss.input === "pair") {
    const c = makeRelationCritic();
    const batch = {
      real: tile(REAL),
      real2: tile(REAL2),
      fake: tile(fake),
      fakePrev: tile(FAKE_PREV),
    };
    return {
      variables: c.variables,
      batch,
      run: (side, b) => loss[side](c.critic, b as PairBatch),
      dispose: () => {
        c.dispose();
        tf.dispose(Object.values(batch));
      },
    };
  }
  const c = makeCritic();
  const batch = {
    real: tile(REAL),
    fake: tile(fake),
    uniform: tf.tensor1d(Array.from({ length: repeat }, () => UNIFORM).flat()),
  };
  return {
    variables: c.variables,
    batch,
    run: (side, b) => loss[side](c.critic, b as SingleBatch),
    dispose: () => {
      c.dispose();
      tf.dispose(Object.values(batch));
    },
  };
}

/** Linear critics and batches whose scores are ±1e4. */
function extremeProblem(loss: GanLoss): Problem {
  const w = keepVariable(() => tf.tensor1d([1, 1]));
  const dot = (x: tf.Tensor) => tf.sum(tf.mul(x, w), 1) as tf.Tensor1D; // [batch]
  const big = 1e4;
  if (loss.input === "pair") {
    const batch = {
      real: tf.zeros([2, 2]),
      real2: tf.tensor2d([[big, 0], [-big, 0]]),
      fake: tf.tensor2d([[-big, 0], [big, 0]]),
      fakePrev: tf.zeros([2, 2]),
    };
    const critic = (a: tf.Tensor, b: tf.Tensor) => dot(tf.sub(b, a));
    return {
      variables: [w],
      batch,
      run: (side, b) => loss[side](critic, b as PairBatch),
      dispose: () => tf.dispose([w, ...Object.values(batch)]),
    };
  }
  const batch = {
    real: tf.tensor2d([[big, 0], [-big, 0]]),
    fake: tf.tensor2d([[-big, 0], [big, 0]]),
    uniform: tf.tensor1d([0.25, 0.75]),
  };
  return {
    variables: [w],
    batch,
    run: (side, b) => loss[side](dot, b as SingleBatch),
    dispose: () => tf.dispose([w, ...Object.values(batch)]),
  };
}

function disposeValue(v: LossValue): void {
  tf.dispose([v.total, ...Object.values(v.terms)]);
}

/** The batch with its generated samples replaced, for the generator's gradient. */
function withFake(
  batch: SingleBatch | PairBatch,
  fake: tf.Tensor,
): SingleBatch | PairBatch {
  return { ...batch, fake };
}

Deno.test("every factory accepts its whole declaration and rejects another kind's", () => {
  const factories: ReadonlyArray<[string, (declaration: object) => GanLoss]> = [
    ["relation", (d) => relationLoss(d)],
    ["siamese", (d) => siameseLoss(d)],
    ["vanilla", (d) => vanillaLoss(d)],
    ["lsgan", (d) => leastSquaresLoss(d as Record<string, never>)],
    ["wgan_gp", (d) => wganGpLoss(d)],
    ["relativistic", (d) => relativisticLoss(d)],
    ["hinge", (d) => hingeLoss(d as Record<string, never>)],
  ];
  for (const [kind, factory] of factories) {
    assert.equal(factory({ kind }).kind, kind);
    assert.throws(
      () => factory({ kind: "other" }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.includes(`the declaration's kind is "other" but`) &&
        error.message.includes(`builds "${kind}"`),
    );
  }
  assert.equal(
    wganGpLoss({ kind: "wgan_gp", lambda: 3 } as object).options.lambda,
    3,
  );
});

for (const [name, make, kind] of LOSSES) {
  Deno.test(`${name}: declares kind "${kind}" and returns scalar totals whose terms sum to them`, () =>
    assertNoLeak(name, () => {
      const loss = make();
      assert.equal(loss.kind, kind);
      assert.equal(
        loss.input,
        kind === "relation" || kind === "siamese" ? "pair" : "single",
      );
      const p = problem(loss);
      for (const side of ["discriminator", "generator"] as const) {
        const v = p.run(side, p.batch);
        assert.equal(v.total.rank, 0, `${side} total is a scalar`);
        const terms = Object.values(v.terms);
        assert.ok(terms.length > 0, `${side} names its terms`);
        for (const t of terms) {
          assert.equal(t.rank, 0, `${side} terms are scalars`);
        }
        const sum = terms.reduce((s, t) => s + t.dataSync()[0], 0);
        assertClose(
          [sum],
          [v.total.dataSync()[0]],
          1e-5,
          `${side} terms sum to the total`,
        );
        disposeValue(v);
      }
      p.dispose();
    }));

  Deno.test(`${name}: values and gradients stay finite on scores of ±1e4`, () =>
    assertNoLeak(name, () => {
      const loss = make();
      const p = extremeProblem(loss);
      for (const side of ["discriminator", "generator"] as const) {
        const v = p.run(side, p.batch);
        for (
          const [term, t] of Object.entries({ total: v.total, ...v.terms })
        ) {
          assert.ok(
            Number.isFinite(t.dataSync()[0]),
            `${side} ${term} = ${t.dataSync()[0]}`,
          );
        }
        disposeValue(v);
        const { value, grads } = tf.variableGrads(
          () => p.run(side, p.batch).total,
          p.variables,
        );
        for (const g of Object.values(grads)) {
          assert.ok(
            Array.from(g.dataSync()).every(Number.isFinite),
            `${side} gradient ${g.dataSync()}`,
          );
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      // The generator's gradient with respect to its samples.
      const fake = p.batch.fake;
      const g = tf.grad((f: tf.Tensor) =>
        p.run("generator", withFake(p.batch, f)).total
      )(fake);
      assert.ok(
        Array.from(g.dataSync()).every(Number.isFinite),
        `generator sample gradient ${g.dataSync()}`,
      );
      g.dispose();
      p.dispose();
    }));

  Deno.test(`${name}: the batch means do not depend on the batch size (the batch repeated twice gives the same loss)`, () =>
    assertNoLeak(name, () => {
      const loss = make();
      const once = problem(loss);
      const twice = problem(loss, 2);
      for (const side of ["discriminator", "generator"] as const) {
        const a = once.run(side, once.batch);
        const b = twice.run(side, twice.batch);
        assertClose(
          [b.total.dataSync()[0]],
          [a.total.dataSync()[0]],
          1e-5,
          `${side} total`,
        );
        for (const key of Object.keys(a.terms)) {
          assertClose(
            [b.terms[key].dataSync()[0]],
            [a.terms[key].dataSync()[0]],
            1e-5,
            `${side} ${key}`,
          );
        }
        disposeValue(a);
        disposeValue(b);
      }
      once.dispose();
      twice.dispose();
    }));

  // Float32 differences of the tfjs total itself, on the cpu backend: with
  // h = 1e-2 the rounding error is ~6e-8·|L|/h ≈ 1e-5 and the truncation
  // error ~h²/6·|L'''| ≈ 1e-4; the fixture keeps every hinge at least 0.05
  // from its kink, beyond h times the scores' sensitivity.
  Deno.test(`${name}: the discriminator's gradient matches float32 finite differences of the loss`, () =>
    assertNoLeak(name, () => {
      const loss = make();
      const p = problem(loss);
      const { value, grads } = tf.variableGrads(
        () => p.run("discriminator", p.batch).total,
        p.variables,
      );
      const autodiff = flatGrads(grads, p.variables);
      tf.dispose([value, ...Object.values(grads)]);
      const initial = p.variables.map((v) => Array.from(v.dataSync()));
      const set = (flat: number[]) => {
        let offset = 0;
        p.variables.forEach((v, i) => {
          const n = initial[i].length;
          tf.tidy(() =>
            v.assign(tf.tensor(flat.slice(offset, offset + n), v.shape))
          );
          offset += n;
        });
      };
      const evaluate = (flat: number[]) => {
        set(flat);
        const v = p.run("discriminator", p.batch);
        const x = v.total.dataSync()[0];
        disposeValue(v);
        return x;
      };
      const differences = finiteDifference(evaluate, initial.flat(), 1e-2);
      set(initial.flat());
      assertGradientsClose(
        autodiff,
        differences,
        2e-2,
        0.1,
        `${name} float32 differences`,
      );
      p.dispose();
    }));

  Deno.test(`${name}: each side allocates only the tensors it returns, and differentiating it leaks nothing`, () =>
    assertNoLeak(name, () => {
      const loss = make();
      const p = problem(loss);
      for (const side of ["discriminator", "generator"] as const) {
        const before = tf.memory().numTensors;
        const v = p.run(side, p.batch);
        const returned = new Set([v.total, ...Object.values(v.terms)]);
        assert.equal(
          tf.memory().numTensors - before,
          returned.size,
          `${side} allocates exactly its outputs`,
        );
        tf.dispose([...returned]);
        assert.equal(
          tf.memory().numTensors,
          before,
          `${side} outputs disposed`,
        );
        const { value, grads } = tf.variableGrads(
          () => p.run(side, p.batch).total,
          p.variables,
        );
        tf.dispose([value, ...Object.values(grads)]);
        assert.equal(
          tf.memory().numTensors,
          before,
          `${side} gradient computation leaks nothing`,
        );
      }
      p.dispose();
    }));
}
