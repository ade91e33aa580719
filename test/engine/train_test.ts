import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { decode } from "fast-png";
import { parse } from "yaml";
import { useBackend } from "../../src/backend/mod.ts";
import {
  CHECKPOINT_FILE,
  disposeTrainState,
  forkStreams,
  initTrainState,
  readCheckpoint,
  restoreTrainState,
  train,
  type TrainRecord,
  trainStep,
} from "../../src/engine/mod.ts";
import type {
  GanLoss,
  LossValue,
  PairLoss,
  SingleLoss,
} from "../../src/losses/types.ts";
import type { Evaluator } from "../../src/metrics/types.ts";
import { gaussianData, tinyExperiment } from "./_fixture.ts";
import { assertNoLeak } from "../_helpers.ts";

await useBackend("cpu");

interface Call {
  side: "d" | "g";
  real: number[];
  real2: number[] | null;
  fake: number[];
  fakePrev: number[] | null;
  uniform: number[] | null;
}

/** Wraps a loss so that every call records what it was given. */
function recording(loss: GanLoss, calls: Call[]): GanLoss {
  const read = (t: tf.Tensor | undefined) =>
    t ? Array.from(t.dataSync()) : null;
  const note = (side: "d" | "g", b: Record<string, tf.Tensor>) =>
    calls.push({
      side,
      real: read(b.real)!,
      real2: read(b.real2),
      fake: read(b.fake)!,
      fakePrev: read(b.fakePrev),
      uniform: read(b.uniform),
    });
  if (loss.input === "pair") {
    const pair: PairLoss = {
      ...loss,
      discriminator(c, b): LossValue {
        note("d", { ...b });
        return loss.discriminator(c, b);
      },
      generator(c, b): LossValue {
        note("g", { ...b });
        return loss.generator(c, b);
      },
    };
    return pair;
  }
  const single: SingleLoss = {
    ...loss,
    discriminator(c, b): LossValue {
      note("d", { ...b });
      return loss.discriminator(c, b);
    },
    generator(c, b): LossValue {
      note("g", { ...b });
      return loss.generator(c, b);
    },
  };
  return single;
}

Deno.test("trainStep runs dSteps discriminator updates and one generator update in the plan's order", async () => {
  for (const order of ["discriminator-first", "generator-first"] as const) {
    const calls: Call[] = [];
    const base = tinyExperiment({ plan: { dSteps: 3, order } });
    const compiled = { ...base, loss: recording(base.loss, calls) };
    let state = initTrainState(compiled);
    for (let i = 0; i < 2; i++) {
      state = (await trainStep(compiled, state)).state;
    }
    const expected = order === "discriminator-first" ? "dddgdddg" : "gdddgddd";
    assert.equal(calls.map((c) => c.side).join(""), expected);
    assert.equal(state.step, 2);
    assert.equal(state.adam.discriminator.step, 6);
    assert.equal(state.adam.generator.step, 2);
    disposeTrainState(state);
    base.dispose();
  }
});

Deno.test("trainStep gives the relation loss x2 from the data stream and y2 = the previous update's y1", async () => {
  const calls: Call[] = [];
  const base = tinyExperiment({ plan: { dSteps: 2 } });
  const compiled = { ...base, loss: recording(base.loss, calls) };
  const n = compiled.plan.batchSize;

  // Expected first draws, from fresh copies of the streams.
  const streams = forkStreams(compiled.plan.seed);
  const x1 = gaussianData.sample(streams.data, n);
  const x2 = gaussianData.sample(streams.data, n);
  const zInit = streams.init.normal(n * compiled.latentDim);
  const zFirst = streams.latent.normal(n * compiled.latentDim);
  const generated = (z: Float32Array) =>
    tf.tidy(() =>
      Array.from(
        compiled.generator.apply(tf.tensor2d(z, [n, compiled.latentDim]), {
          training: true,
        }).dataSync(),
      )
    );
  const yInit = generated(zInit);
  const yFirst = generated(zFirst);

  let state = initTrainState(compiled);
  for (let i = 0; i < 3; i++) state = (await trainStep(compiled, state)).state;
  assert.equal(calls.length, 9);
  assert.deepEqual(calls[0].real, Array.from(x1));
  assert.deepEqual(calls[0].real2, Array.from(x2));
  assert.deepEqual(calls[0].fake, yFirst);
  // The very first y2 is an independent batch drawn with the init stream.
  assert.deepEqual(calls[0].fakePrev, yInit);
  assert.notDeepEqual(calls[0].fakePrev, calls[0].fake);
  for (let i = 1; i < calls.length; i++) {
    assert.deepEqual(calls[i].fakePrev, calls[i - 1].fake, `update ${i}`);
    assert.notDeepEqual(calls[i].real, calls[i - 1].real);
    assert.notDeepEqual(calls[i].real2, calls[i].real);
  }
  assert.deepEqual(
    Array.from(state.fakePrev!.dataSync()),
    calls[calls.length - 1].fake,
  );
  disposeTrainState(state);
  base.dispose();
});

Deno.test("trainStep gives single losses [batch] uniform draws from the loss stream", async () => {
  const calls: Call[] = [];
  const base = tinyExperiment({ loss: "single", plan: { dSteps: 2 } });
  const compiled = { ...base, loss: recording(base.loss, calls) };
  const n = compiled.plan.batchSize;
  const lossStream = forkStreams(compiled.plan.seed).loss;
  let state = initTrainState(compiled);
  assert.equal(state.fakePrev, null);
  for (let i = 0; i < 2; i++) state = (await trainStep(compiled, state)).state;
  assert.equal(calls.length, 6);
  for (const call of calls) {
    assert.equal(call.uniform!.length, n);
    assert.deepEqual(call.uniform, Array.from(lossStream.uniform(n)));
    assert.equal(call.real2, null);
  }
  disposeTrainState(state);
  base.dispose();
});

Deno.test("trainStep keeps an EMA of the generator: ema ← d · ema + (1 − d) · w", async () => {
  const decay = 0.75;
  const compiled = tinyExperiment({ plan: { emaDecay: decay } });
  const before = compiled.generator.variables.map((v) => v.dataSync().slice());
  const state = (await trainStep(compiled, initTrainState(compiled))).state;
  const after = compiled.generator.variables.map((v) => v.dataSync().slice());
  state.ema!.forEach((e, i) => {
    const values = e.dataSync();
    assert.notDeepEqual(after[i], before[i]);
    for (let j = 0; j < values.length; j++) {
      const expected = decay * before[i][j] + (1 - decay) * after[i][j];
      assert.ok(
        Math.abs(values[j] - expected) <=
          1e-6 * Math.max(1, Math.abs(expected)),
        `ema ${i}[${j}] = ${values[j]}, expected ${expected}`,
      );
    }
  });
  disposeTrainState(state);
  compiled.dispose();
});

Deno.test("train keeps tf.memory().numTensors flat over 2000 steps", async () => {
  const compiled = tinyExperiment({
    hidden: 4,
    plan: { iterations: 2000, batchSize: 2, logEvery: 100, emaDecay: 0.9 },
  });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  const summary = await train(compiled, {
    onRecord: (r) => {
      if (r.kind === "step") counts.push(tf.memory().numTensors);
    },
  });
  assert.equal(summary.status, "completed");
  assert.equal(summary.steps, 2000);
  assert.equal(counts.length, 20);
  assert.ok(
    counts.every((c) => c === counts[0]),
    `live tensors drifted: ${counts.join(", ")}`,
  );
  assert.equal(tf.memory().numTensors, before, "train freed its state");
  compiled.dispose();
});

/** A real evaluator: the mean distance of generated points to (1, −1). */
const centreEvaluator: Evaluator = {
  name: "centre",
  async evaluate(context) {
    const points = await context.generate(50);
    let total = 0;
    for (let i = 0; i < 50; i++) {
      total += Math.hypot(points[2 * i] - 1, points[2 * i + 1] + 1);
    }
    return {
      centre_distance: total / 50,
      centre_checkpoint: context.checkpoint,
    };
  },
};

Deno.test("train writes a complete run directory: spec, command, metrics, summary, checkpoint, samples", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-run-" });
  try {
    const compiled = tinyExperiment({
      evaluators: [centreEvaluator],
      plan: {
        iterations: 12,
        logEvery: 4,
        sampleEvery: 6,
        checkpointEvery: 5,
        evalEvery: 6,
      },
    });
    const records: TrainRecord[] = [];
    // Sampling, evaluating and checkpointing leave no tensor behind either.
    const summary = await assertNoLeak(
      "train with a run directory",
      () =>
        train(compiled, {
          outDir: dir,
          argv: ["experiments/tiny.ts", "--seed", "7"],
          backendLine: "backend cpu (JavaScript): requested",
          onRecord: (r) => records.push(r),
        }),
    );
    assert.equal(summary.status, "completed");

    // spec.yaml is the declaration.
    const spec = parse(await Deno.readTextFile(`${dir}/spec.yaml`));
    assert.deepEqual(spec, compiled.declaration);

    // command.json: argv, seed, backend line.
    const command = JSON.parse(await Deno.readTextFile(`${dir}/command.json`));
    assert.deepEqual(command.argv, ["experiments/tiny.ts", "--seed", "7"]);
    assert.equal(command.seed, 7);
    assert.equal(command.backend, "backend cpu (JavaScript): requested");

    // metrics.jsonl: steps 4, 8, 12 with every term, plus the evaluations.
    const lines = (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim()
      .split("\n").map((l) => JSON.parse(l));
    const steps = lines.filter((l) => !("eval" in l));
    assert.deepEqual(steps.map((l) => l.step), [4, 8, 12]);
    for (const line of steps) {
      for (
        const key of [
          "d/total",
          "d/real_pair",
          "d/fake_pair",
          "g/total",
          "g/asymmetric",
          "g/symmetric",
          "lr/generator",
          "lr/discriminator",
          "time_s",
          "steps_per_s",
        ]
      ) {
        assert.equal(typeof line[key], "number", `${key} at step ${line.step}`);
      }
      // The total is the sum of the terms for this loss.
      assert.ok(
        Math.abs(
          line["d/total"] - (line["d/real_pair"] + line["d/fake_pair"]),
        ) <
          1e-5,
      );
      assert.equal(line["lr/generator"], 1e-3);
      assert.ok(line.steps_per_s > 0);
    }
    const evals = lines.filter((l) => "eval" in l);
    assert.deepEqual(evals.map((l) => l.step), [6, 12]);
    assert.deepEqual(evals.map((l) => l.checkpoint), ["scheduled", "final"]);
    assert.equal(evals[0].eval.centre_checkpoint, "scheduled");
    assert.equal(evals[1].eval.centre_checkpoint, "final");

    // summary.json: final losses, scores under their keys, time, backend.
    const saved = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    assert.equal(saved.status, "completed");
    assert.equal(saved.steps, 12);
    assert.equal(saved.backend, "backend cpu (JavaScript): requested");
    assert.equal(typeof saved.centre_distance, "number");
    assert.equal(saved.centre_distance, summary.scores.centre_distance);
    assert.equal(saved.final["g/total"], steps[2]["g/total"]);
    assert.ok(saved.timeS > 0);

    // The checkpoint is the last step's.
    const checkpoint = await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`);
    assert.equal(checkpoint.step, 12);
    assert.deepEqual(checkpoint.declaration, compiled.declaration);
    assert.deepEqual(
      Array.from(checkpoint.tensors["generator/variables/0"].values),
      Array.from(compiled.generator.variables[0].dataSync()),
    );
    assert.deepEqual(
      records.filter((r) => r.kind === "checkpoint").map((r) => r.step),
      [5, 10, 12],
    );
    // A tick for every step, for progress bars; step records at log steps.
    assert.deepEqual(
      records.filter((r) => r.kind === "tick").map((r) => r.step),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      records.filter((r) => r.kind === "step").map((r) => r.step),
      [4, 8, 12],
    );

    // Scatter plots at steps 6 and 12, as real PNG files.
    const samples = [...Deno.readDirSync(`${dir}/samples`)].map((e) => e.name)
      .sort();
    assert.deepEqual(samples, ["step_000006.png", "step_000012.png"]);
    const png = decode(await Deno.readFile(`${dir}/samples/step_000012.png`));
    assert.equal(png.width, 480);
    assert.equal(png.height, 480);
    // Both series' colours appear: red generated, blue real.
    let red = 0;
    let blue = 0;
    for (let i = 0; i < png.data.length; i += png.channels) {
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r > 180 && g < 120 && b < 120) red++;
      if (b > 150 && r < 120) blue++;
    }
    assert.ok(red > 50 && blue > 50, `red ${red}, blue ${blue}`);
    compiled.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train draws image samples as a PNG grid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-images-" });
  try {
    const compiled = tinyExperiment({
      images: true,
      loss: "single",
      plan: { iterations: 3, sampleEvery: 3, sampleCount: 9, logEvery: 0 },
    });
    await train(compiled, { outDir: dir });
    const png = decode(await Deno.readFile(`${dir}/samples/step_000003.png`));
    // 3 × 3 images of 4 × 4 pixels with 2 pixels of padding: 2 + 3 · 6.
    assert.equal(png.width, 20);
    assert.equal(png.height, 20);
    compiled.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train stops on a forced NaN (learning rate 1e9) with the step and term, keeping the last good checkpoint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-nan-" });
  try {
    const adam = { learningRate: 1e9, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 };
    const compiled = tinyExperiment({
      plan: {
        iterations: 500,
        checkpointEvery: 1,
        optim: { generator: adam, discriminator: adam },
      },
    });
    const records: TrainRecord[] = [];
    const summary = await train(compiled, {
      outDir: dir,
      onRecord: (r) => records.push(r),
    });
    assert.equal(summary.status, "diverged");
    const divergence = summary.divergence!;
    assert.ok(divergence.step > 1 && divergence.step < 500);
    assert.match(divergence.value, /^(NaN|-?Infinity)$/);
    assert.match(
      divergence.message,
      new RegExp(
        `^Training tiny diverged at step ${divergence.step}: the [^;]* is (NaN|-?Infinity)( \\(also non-finite: [^;]*\\))?; the last good checkpoint \\(step ${
          divergence.step - 1
        }\\) is kept in .*checkpoint.ckpt\\. Lower the learning rates \\(generator 1000000000, discriminator 1000000000\\)`,
      ),
    );
    assert.ok(divergence.message.includes(divergence.term));
    assert.equal(records.filter((r) => r.kind === "diverged").length, 1);

    const saved = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    assert.equal(saved.status, "diverged");
    assert.equal(saved.divergence.step, divergence.step);
    assert.equal(saved.divergence.term, divergence.term);

    // The checkpoint is intact, from the step before, and all finite.
    const checkpoint = await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`);
    assert.equal(checkpoint.step, divergence.step - 1);
    for (const [key, t] of Object.entries(checkpoint.tensors)) {
      assert.ok(t.values.every(Number.isFinite), `${key} is finite`);
    }
    const restored = restoreTrainState(compiled, checkpoint);
    assert.equal(restored.step, divergence.step - 1);
    disposeTrainState(restored);
    compiled.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train resumes in process from the last checkpoint after a crash, matching an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-resume-" });
  try {
    const plan = {
      iterations: 30,
      checkpointEvery: 10,
      dSteps: 2,
      order: "generator-first" as const,
      emaDecay: 0.5,
    };
    const whole = tinyExperiment({ loss: "single", plan });
    await train(whole, { outDir: `${dir}/whole` });

    // A crash at step 15: an exception from the callback stops the run.
    const crashed = tinyExperiment({ loss: "single", plan });
    await assert.rejects(
      () =>
        train(crashed, {
          outDir: `${dir}/crashed`,
          onRecord: (r) => {
            if (r.kind === "step" && r.step === 15) throw new Error("crash");
          },
        }),
      /crash/,
    );
    const failed = JSON.parse(
      await Deno.readTextFile(`${dir}/crashed/summary.json`),
    );
    assert.equal(failed.status, "failed");
    assert.equal(failed.error, "crash");
    crashed.dispose();

    const resumed = tinyExperiment({ loss: "single", plan });
    const summary = await train(resumed, {
      outDir: `${dir}/crashed`,
      resume: true,
    });
    assert.equal(summary.resumedFrom, 10);
    assert.equal(summary.steps, 30);
    whole.generator.variables.forEach((w, i) =>
      assert.deepEqual(
        resumed.generator.variables[i].dataSync(),
        w.dataSync(),
        `generator weight ${i}`,
      )
    );
    whole.discriminator.variables.forEach((w, i) =>
      assert.deepEqual(
        resumed.discriminator.variables[i].dataSync(),
        w.dataSync(),
        `discriminator weight ${i}`,
      )
    );
    whole.dispose();
    resumed.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train refuses to resume a checkpoint of another declaration, naming the fix", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-mismatch-" });
  try {
    const first = tinyExperiment({ plan: { iterations: 2 } });
    await train(first, { outDir: dir });
    first.dispose();
    const other = tinyExperiment({ hidden: 6, plan: { iterations: 4 } });
    await assert.rejects(
      () => train(other, { outDir: dir, resume: true }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(
          error.message,
          /^Cannot resume tiny from its checkpoint at step 2: the checkpoint was written for a different declaration .*resume with the same experiment/,
        );
        return true;
      },
    );
    other.dispose();
    await assert.rejects(
      () => train(tinyExperiment(), { resume: true }),
      /Cannot resume tiny: no run directory was given/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train stops when a weight turns NaN while every loss stays finite, naming the network", async () => {
  // Generator first, so that the poisoned discriminator update comes last.
  const base = tinyExperiment({
    loss: "single",
    plan: { order: "generator-first" },
  });
  const single = base.loss as SingleLoss;
  // d/dx √x is infinite at 0, so 0 · ∞ puts NaN in every gradient while the
  // loss value itself, √0 = 0, stays finite.
  const poisoned: SingleLoss = {
    ...single,
    discriminator(critic, batch): LossValue {
      const score = tf.mean(critic(batch.real)); // []
      const total = tf.sqrt(tf.mul(0, tf.square(score))) as tf.Scalar;
      return { total, terms: { poison: total } };
    },
  };
  const summary = await train({ ...base, loss: poisoned });
  assert.equal(summary.status, "diverged");
  assert.equal(summary.divergence!.step, 1);
  assert.equal(summary.divergence!.term, "discriminator weights");
  assert.match(
    summary.divergence!.message,
    /^Training tiny diverged at step 1: the discriminator weights became NaN; nothing was written \(no run directory\)/,
  );
  assert.equal(summary.final["d/total"], 0);
  base.dispose();
});
