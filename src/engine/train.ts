/**
 * The training loop: steps, logging, samples, evaluation, checkpoints,
 * divergence handling and resume.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { CompiledExperiment } from "../compiler/types.ts";
import { type Declaration, toYaml } from "../dsl/mod.ts";
import type { EvalContext, ScoreRecord } from "../metrics/types.ts";
import type { Rng } from "../random.ts";
import { renderImageGrid } from "../report/image_grid.ts";
import { renderScatterPlot } from "../report/scatter_plot.ts";
import {
  appendMetrics,
  join,
  jsonSafe,
  prepareMetrics,
  RUN_FILES,
  writeCommand,
  writeSummary,
  writeTextAtomic,
} from "./_run_directory.ts";
import { generate, withGeneratorWeights } from "./_sampling.ts";
import {
  captureCheckpoint,
  CHECKPOINT_FILE,
  readCheckpoint,
  restoreTrainState,
  writeCheckpoint,
} from "./checkpoint.ts";
import type { Divergence, TrainRecord, TrainSummary } from "./train_record.ts";
import {
  disposeTrainState,
  forkStreams,
  initTrainState,
  type TrainState,
} from "./train_state.ts";
import { type StepResult, trainStep } from "./train_step.ts";

/** Options of {@linkcode train}. */
export interface TrainOptions {
  /**
   * The run directory. Without one nothing is written (no checkpoints,
   * samples or logs) and `resume` is not allowed.
   * @default {undefined}
   */
  readonly outDir?: string;
  /**
   * Continue from the checkpoint in `outDir` instead of starting fresh. A
   * fresh run into an existing directory replaces its files.
   * @default {false}
   */
  readonly resume?: boolean;
  /**
   * Called with every record, in order. An exception it throws stops the
   * run like any other error: a `failed` summary is written and the
   * exception is rethrown.
   * @default {undefined}
   */
  readonly onRecord?: (record: TrainRecord) => void;
  /**
   * The command line, for `command.json`.
   * @default {[]}
   */
  readonly argv?: readonly string[];
  /**
   * The backend line, for `command.json` and `summary.json`.
   * @default {`backend <tf.getBackend()>`}
   */
  readonly backendLine?: string;
  /**
   * The resolved declaration as YAML, for `spec.yaml`.
   * @default {the dsl's `toYaml(compiled.declaration)`}
   */
  readonly specYaml?: string;
}

/**
 * Trains a compiled experiment for `plan.iterations` generator updates.
 *
 * Each step runs `plan.dSteps` discriminator updates and one generator
 * update (see `trainStep`). Every `plan.logEvery` steps (and at the last)
 * a {@linkcode StepRecord} goes to `onRecord` and a line to
 * `metrics.jsonl`; every `plan.sampleEvery` steps a sample image (a PNG
 * grid for `[h, w, 1 | 3]` data, a scatter plot of generated against real
 * for `[2]` data) is written; every `plan.evalEvery` steps and at the end
 * the evaluators run; every `plan.checkpointEvery` steps and at the end a
 * checkpoint is written atomically. Samples and evaluations use the EMA
 * generator when the plan keeps one, in inference mode, with latents from
 * forks of the `eval` stream (so they never change the training).
 *
 * A loss term or a weight that becomes non-finite stops the run: the last
 * good checkpoint stays, `summary.json` records the divergence (step and
 * term) and the summary returned has status `diverged`. Any other error
 * writes a `failed` summary and is rethrown.
 *
 * The compiled networks keep their trained weights; the caller disposes
 * the experiment.
 *
 * @param compiled The experiment, from `compile()`.
 * @param options Where to write, resume, and where records go.
 * @returns The summary also written to `summary.json`.
 * @throws {TypeError} When `resume` is set without `outDir`, or the
 * checkpoint does not belong to this experiment.
 *
 * @example Training a tiny relation GAN in memory
 * ```ts
 * import { train } from "./train.ts";
 * import { useBackend } from "../backend/mod.ts";
 * import { compile } from "../compiler/mod.ts";
 * import { datasets, experiment, losses, networks, training } from "../dsl/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const compiled = await compile(experiment({
 *   name: "doc",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [8], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [8, 8], relation: { split: 1, merge: "concat" } }),
 *   loss: losses.relation(),
 *   training: training({ iterations: 3, batchSize: 8 }),
 * }));
 * const steps: number[] = [];
 * const summary = await train(compiled, {
 *   onRecord: (r) => { if (r.kind === "step") steps.push(r.step); },
 * });
 * compiled.dispose();
 * assert.equal(summary.status, "completed");
 * assert.deepEqual(steps, [3]); // logEvery defaults to 100; the last step is always logged
 * assert.ok(Number.isFinite(summary.final["d/total"]));
 * ```
 */
export async function train(
  compiled: CompiledExperiment,
  options: TrainOptions = {},
): Promise<TrainSummary> {
  const { plan } = compiled;
  const outDir = options.outDir ?? null;
  const emit = options.onRecord ?? (() => {});
  const backend = options.backendLine ?? `backend ${tf.getBackend()}`;
  if (options.resume && outDir === null) {
    throw new TypeError(
      `Cannot resume ${plan.name}: no run directory was given; pass outDir (--resume DIR) naming the directory of the interrupted run`,
    );
  }

  // Start: a fresh state, or the checkpoint's.
  let state: TrainState;
  let resumedFrom: number | null = null;
  let elapsedBefore = 0;
  if (options.resume) {
    const checkpoint = await readCheckpoint(join(outDir!, CHECKPOINT_FILE));
    state = restoreTrainState(compiled, checkpoint);
    resumedFrom = checkpoint.step;
    elapsedBefore = checkpoint.elapsedS ?? 0;
  } else {
    state = initTrainState(compiled);
  }
  let lastCheckpoint: number | null = resumedFrom;
  const started = performance.now();
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  let final: Record<string, number> = {};
  let scores: ScoreRecord = {};
  const summarise = (
    status: TrainSummary["status"],
    divergence: Divergence | null,
    error: string | null,
  ): TrainSummary => ({
    status,
    run: plan.name,
    steps: state.step,
    iterations: plan.iterations,
    final,
    scores,
    timeS: elapsed(),
    backend,
    resumedFrom,
    divergence,
    error,
    outDir,
  });

  try {
    if (outDir !== null) {
      await Deno.mkdir(join(outDir, RUN_FILES.samples), { recursive: true });
      await writeTextAtomic(
        join(outDir, RUN_FILES.spec),
        options.specYaml ??
          toYaml(compiled.declaration as Declaration),
      );
      await writeCommand(
        outDir,
        options.argv ?? [],
        plan.seed,
        backend,
        resumedFrom,
      );
      final = await prepareMetrics(outDir, resumedFrom);
    }
    emit({
      kind: "start",
      run: plan.name,
      step: state.step,
      iterations: plan.iterations,
      resumed: resumedFrom !== null,
      outDir,
    });

    let lastLog = { step: state.step, time: elapsed() };
    while (state.step < plan.iterations) {
      // Step.
      const result: StepResult = await trainStep(compiled, state);
      state = result.state;
      const step = state.step;
      final = { ...result.losses };

      // Divergence: stop before anything of this step is kept.
      const bad = findNonFinite(result);
      if (bad !== null) {
        const divergence = describeDivergence(
          compiled,
          step,
          bad,
          lastCheckpoint,
          outDir,
        );
        emit({ kind: "diverged", ...divergence });
        const summary = summarise("diverged", divergence, null);
        if (outDir !== null) await writeSummary(outDir, summary);
        emit({ kind: "end", summary });
        return summary;
      }

      // Log.
      const last = step === plan.iterations;
      emit({
        kind: "tick",
        step,
        iterations: plan.iterations,
        timeS: elapsed(),
      });
      if ((plan.logEvery > 0 && step % plan.logEvery === 0) || last) {
        const now = elapsed();
        const record = {
          kind: "step" as const,
          step,
          iterations: plan.iterations,
          losses: result.losses,
          learningRates: {
            generator: plan.optim.generator.learningRate,
            discriminator: plan.optim.discriminator.learningRate,
          },
          timeS: now,
          stepsPerS: (step - lastLog.step) / Math.max(now - lastLog.time, 1e-9),
        };
        lastLog = { step, time: now };
        if (outDir !== null) {
          await appendMetrics(outDir, {
            step,
            ...result.losses,
            "lr/generator": record.learningRates.generator,
            "lr/discriminator": record.learningRates.discriminator,
            time_s: record.timeS,
            steps_per_s: record.stepsPerS,
          });
        }
        emit(record);
      }

      // Samples.
      if (
        outDir !== null && plan.sampleEvery > 0 && step % plan.sampleEvery === 0
      ) {
        const path = await writeSample(compiled, state, outDir, step);
        if (path !== null) emit({ kind: "sample", step, path });
      }

      // Evaluation on schedule (the final one runs after the loop).
      if (plan.evalEvery > 0 && step % plan.evalEvery === 0 && !last) {
        const scheduled = await evaluate(compiled, state, "scheduled");
        if (outDir !== null) {
          await appendMetrics(
            outDir,
            JSON.parse(
              JSON.stringify(
                { step, checkpoint: "scheduled", eval: scheduled },
                jsonSafe,
              ),
            ),
          );
        }
        emit({
          kind: "eval",
          step,
          checkpoint: "scheduled",
          scores: scheduled,
        });
      }

      // Checkpoint.
      const due = plan.checkpointEvery > 0 && step % plan.checkpointEvery === 0;
      if (outDir !== null && (due || last)) {
        const path = join(outDir, CHECKPOINT_FILE);
        await writeCheckpoint(path, {
          ...(await captureCheckpoint(compiled, state)),
          elapsedS: elapsed(),
        });
        lastCheckpoint = step;
        emit({ kind: "checkpoint", step, path });
      }
    }

    // Final evaluation and summary.
    if (compiled.evaluators.length > 0) {
      scores = await evaluate(compiled, state, "final");
      if (outDir !== null) {
        await appendMetrics(
          outDir,
          JSON.parse(
            JSON.stringify(
              { step: state.step, checkpoint: "final", eval: scores },
              jsonSafe,
            ),
          ),
        );
      }
      emit({
        kind: "eval",
        step: state.step,
        checkpoint: "final",
        scores,
      });
    }
    const summary = summarise("completed", null, null);
    if (outDir !== null) await writeSummary(outDir, summary);
    emit({ kind: "end", summary });
    return summary;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const summary = summarise("failed", null, message);
    if (outDir !== null) {
      try {
        await writeSummary(outDir, summary);
      } catch {
        // The original error matters more than a failed summary.
      }
    }
    throw error;
  } finally {
    disposeTrainState(state);
  }
}

/**
 * Every non-finite loss term and weight sum, losses first in their logged
 * order, or `null` when all are finite.
 */
function findNonFinite(
  result: StepResult,
): Array<{ term: string; value: number }> | null {
  const bad: Array<{ term: string; value: number }> = [];
  for (const [term, value] of Object.entries(result.losses)) {
    if (!Number.isFinite(value)) bad.push({ term, value });
  }
  for (const net of ["generator", "discriminator"] as const) {
    const value = result.weightSums[net];
    if (!Number.isFinite(value)) bad.push({ term: `${net} weights`, value });
  }
  return bad.length > 0 ? bad : null;
}

function describeDivergence(
  compiled: CompiledExperiment,
  step: number,
  all: Array<{ term: string; value: number }>,
  lastCheckpoint: number | null,
  outDir: string | null,
): Divergence {
  const { optim } = compiled.plan;
  const describe = (bad: { term: string; value: number }) =>
    bad.term.endsWith("weights")
      ? `the ${bad.term} became ${bad.value}`
      : `the ${
        bad.term.startsWith("d/") ? "discriminator" : "generator"
      } loss term "${bad.term}" is ${bad.value}`;
  const bad = all[0];
  const others = all.slice(1).map((b) => b.term);
  const what = describe(bad) +
    (others.length > 0 ? ` (also non-finite: ${others.join(", ")})` : "");
  const kept = outDir === null
    ? "nothing was written (no run directory)"
    : lastCheckpoint === null
    ? `no checkpoint had been written yet in ${outDir}`
    : `the last good checkpoint (step ${lastCheckpoint}) is kept in ${
      join(outDir, CHECKPOINT_FILE)
    }`;
  return {
    step,
    term: bad.term,
    value: String(bad.value),
    lastCheckpointStep: lastCheckpoint,
    message:
      `Training ${compiled.plan.name} diverged at step ${step}: ${what}; ${kept}. Lower the learning rates (generator ${optim.generator.learningRate}, discriminator ${optim.discriminator.learningRate}) or check the loss and data`,
  };
}

/** Runs every evaluator with the EMA generator (when kept) in eval mode. */
async function evaluate(
  compiled: CompiledExperiment,
  state: TrainState,
  checkpoint: "final" | "scheduled",
): Promise<ScoreRecord> {
  const scores: Record<string, unknown> = {};
  const parent = state.rng.eval.fork(`${checkpoint}/${state.step}`);
  await withGeneratorWeights(compiled, state.ema, async () => {
    for (const evaluator of compiled.evaluators) {
      const rng = parent.fork(evaluator.name);
      const latent = rng.fork("latent");
      const context: EvalContext = {
        generate: (n) => generateValues(compiled, latent, n),
        data: compiled.data,
        rng,
        shape: compiled.data.shape,
        checkpoint,
      };
      const result = await evaluator.evaluate(context);
      for (const [key, value] of Object.entries(result)) {
        if (key in scores) {
          throw new TypeError(
            `Cannot record the scores of evaluator "${evaluator.name}": the key "${key}" is already taken by another evaluator; give the evaluators distinct names`,
          );
        }
        scores[key] = value;
      }
    }
  });
  return scores;
}

/** Generates n samples in batches, in eval mode, as plain values. */
async function generateValues(
  compiled: CompiledExperiment,
  rng: Rng,
  n: number,
): Promise<Float32Array> {
  const size = compiled.data.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * size);
  const batch = compiled.plan.batchSize;
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const fake = generate(compiled, rng, count, false); // [count, ...shape]
    out.set(await fake.data() as Float32Array, start * size); // device sync
    fake.dispose();
  }
  return out;
}

/**
 * Writes `samples/step_<step>.png` from the same latents at every step
 * (drawn from the seed's own eval stream, so resuming does not change
 * them), or returns `null` for data that is neither 2-D points nor images.
 */
async function writeSample(
  compiled: CompiledExperiment,
  state: TrainState,
  outDir: string,
  step: number,
): Promise<string | null> {
  const shape = compiled.data.shape;
  const isPoints = shape.length === 1 && shape[0] === 2;
  const isImage = shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
  if (!isPoints && !isImage) return null;
  const streams = forkStreams(compiled.plan.seed);
  const n = compiled.plan.sampleCount;
  const generated = await withGeneratorWeights(
    compiled,
    state.ema,
    () => generateValues(compiled, streams.eval.fork("samples/latent"), n),
  );
  const png = isPoints
    ? renderScatterPlot([
      {
        label: "real",
        points: compiled.data.sample(streams.eval.fork("samples/real"), n),
        color: "#1f77b4",
      },
      { label: "generated", points: generated, color: "#d62728" },
    ], { title: `${compiled.plan.name}, step ${step}` })
    : renderImageGrid(generated, shape);
  const path = join(
    outDir,
    RUN_FILES.samples,
    `step_${String(step).padStart(6, "0")}.png`,
  );
  await Deno.writeFile(path, png);
  return path;
}
