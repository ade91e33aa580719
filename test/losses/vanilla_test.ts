import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../../src/backend/mod.ts";
import {
  vanillaDiscriminatorLoss,
  vanillaGeneratorLoss,
  vanillaLoss,
} from "../../src/losses/mod.ts";
import { assertNoLeak } from "../_helpers.ts";
import { mean, softplus } from "./_fixtures.ts";
import { checkSingleLoss, onScores } from "./_single.ts";

await useBackend("cpu");

// Plain references: −log σ(t) = log(1 + e^(−t)), −log(1 − σ(t)) = log(1 + e^t).
const refD = (r: number[], f: number[]) =>
  mean(r.map((t) => Math.log(1 + Math.exp(-t)))) +
  mean(f.map((t) => Math.log(1 + Math.exp(t))));
const refMinimax = (_r: number[], f: number[]) =>
  mean(f.map((t) => Math.log(1 - 1 / (1 + Math.exp(-t)))));
const refNonSaturating = (_r: number[], f: number[]) =>
  mean(f.map((t) => -Math.log(1 / (1 + Math.exp(-t)))));

Deno.test("vanillaLoss (non-saturating) matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak("vanilla", () =>
    checkSingleLoss(
      "vanilla non-saturating",
      vanillaLoss(),
      onScores(refD),
      onScores(refNonSaturating),
    )));

Deno.test("vanillaLoss (minimax) matches the plain reference, values and finite-difference gradients", () =>
  assertNoLeak("vanilla", () =>
    checkSingleLoss(
      "vanilla minimax",
      vanillaLoss({ generator: "minimax" }),
      onScores(refD),
      onScores(refMinimax),
    )));

Deno.test("vanillaDiscriminatorLoss and vanillaGeneratorLoss give per-example values with reduction none", () => {
  const real = tf.tensor1d([2, -1, 0.5]);
  const fake = tf.tensor1d([-3, 0, 40]);
  const d = vanillaDiscriminatorLoss(real, fake, { reduction: "none" });
  const g = vanillaGeneratorLoss(fake, { reduction: "none" });
  assert.deepEqual(d.shape, [3]);
  const expectedD = [2, -1, 0.5].map((r, i) =>
    softplus(-r) + softplus([-3, 0, 40][i])
  );
  Array.from(d.dataSync()).forEach((v, i) =>
    assert.ok(Math.abs(v - expectedD[i]) < 1e-5, `example ${i}`)
  );
  Array.from(g.dataSync()).forEach((v, i) =>
    assert.ok(Math.abs(v - softplus(-[-3, 0, 40][i])) < 1e-5, `example ${i}`)
  );
  tf.dispose([real, fake, d, g]);
});

Deno.test("vanillaLoss rejects an unknown generator objective, naming the accepted ones", () => {
  assert.throws(
    () =>
      vanillaLoss({
        generator: "nonsaturating" as "non-saturating",
      }),
    new TypeError(
      'Cannot build vanillaLoss: generator must be one of "minimax", "non-saturating", current value is "nonsaturating"',
    ),
  );
  assert.throws(
    () => vanillaLoss({ generater: "minimax" } as object),
    /unknown option "generater"\. Fix: use one of "generator"/,
  );
});
