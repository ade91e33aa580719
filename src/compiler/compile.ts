/**
 * The compiler: lowers a declaration to networks, a loss, data, evaluators
 * and a training plan. It reads only the declaration.
 *
 * @module
 */

import { Rng } from "../random.ts";
import type { CompiledExperiment, TrainingPlan } from "./types.ts";
import type { ExperimentDecl, ResolvedExperiment } from "../dsl/types.ts";
import { resolveExperiment, validate } from "../dsl/validate.ts";
import { datasetShape } from "../dsl/shapes.ts";
import { compileDiscriminator, compileNetwork } from "./compile_network.ts";
import { loadDataset } from "./dataset_table.ts";
import { buildLoss } from "./loss_table.ts";
import { buildEvaluator } from "./evaluator_table.ts";

/**
 * The plan of a resolved experiment: every number the engine needs.
 *
 * @param e An experiment with every default filled in.
 * @returns The plan.
 */
export function trainingPlan(e: ResolvedExperiment): TrainingPlan {
  const t = e.training;
  const s = e.schedule;
  const optim = (a: ResolvedExperiment["training"]["generatorOptimizer"]) => ({
    learningRate: a.learningRate,
    beta1: a.beta1,
    beta2: a.beta2,
    epsilon: a.epsilon,
  });
  return Object.freeze({
    name: e.name,
    seed: e.seed,
    iterations: t.iterations,
    batchSize: t.batchSize,
    dSteps: t.dSteps,
    order: t.order,
    optim: Object.freeze({
      generator: Object.freeze(optim(t.generatorOptimizer)),
      discriminator: Object.freeze(optim(t.discriminatorOptimizer)),
    }),
    emaDecay: t.emaDecay,
    logEvery: s.logEvery,
    sampleEvery: s.sampleEvery,
    sampleCount: s.sampleCount,
    checkpointEvery: s.checkpointEvery,
    evalEvery: s.evalEvery,
  });
}

/**
 * Compiles one experiment: validates it (throwing every problem at once),
 * fills in its defaults, initialises both networks from the seed
 * (`Rng(seed).fork("init").fork("generator" | "discriminator")`, then one
 * fork per layer path), builds the loss, loads the data and builds the
 * evaluators.
 *
 * @example A tiny 2-D GAN
 * ```ts
 * import { useBackend } from "../backend/mod.ts";
 * import { datasets, experiment, losses, networks } from "../dsl/mod.ts";
 * import { compile } from "./compile.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const compiled = await compile(experiment({
 *   name: "tiny",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [16], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [16] }),
 *   loss: losses.vanilla(),
 * }));
 * assert.equal(compiled.plan.batchSize, 64);
 * assert.equal(compiled.generator.paramCount, 2 * 16 + 16 + 16 * 2 + 2);
 * compiled.dispose();
 * ```
 *
 * @param declaration One experiment (select a suite's run first).
 * @returns The compiled experiment; call `dispose()` when done.
 * @throws {TypeError} A `DeclarationTypeError` for a wrong kind, key, type,
 * shape or combination; a `TypeError` for a kind with no loader/factory
 * wired; a suite instead of an experiment.
 * @throws {RangeError} A `DeclarationRangeError` for a value out of range.
 */
export async function compile(
  declaration: ExperimentDecl,
): Promise<CompiledExperiment> {
  if ((declaration as { kind?: unknown })?.kind === "suite") {
    throw new TypeError(
      `Cannot compile a suite: compile takes one experiment; pick a run with selectRun(suite, name) (the suite has ${
        (declaration as unknown as { runs: unknown[] }).runs?.length ?? 0
      } runs)`,
    );
  }
  const e = resolveExperiment(declaration);
  const warnings = validate(e).issues
    .filter((i) => i.severity === "warning")
    .map((i) => i.message);
  const init = new Rng(e.seed).fork("init");
  const dataShape = datasetShape(e.data);
  const loss = buildLoss(e.loss);
  const generator = compileNetwork(e.generator, [e.latentDim], {
    rng: init.fork("generator"),
    path: "generator",
  });
  let discriminator;
  try {
    discriminator = compileDiscriminator(e.discriminator, dataShape, {
      rng: init.fork("discriminator"),
      path: "discriminator",
    });
  } catch (err) {
    generator.dispose();
    throw err;
  }
  const dispose = () => {
    generator.dispose();
    discriminator.dispose();
  };
  try {
    const data = await loadDataset(e.data);
    if (data.shape.join() !== dataShape.join()) {
      throw new TypeError(
        `Cannot compile "${e.name}": the loaded data has per-example shape [${
          data.shape.join(", ")
        }], but its declaration implies [${dataShape.join(", ")}]`,
      );
    }
    const evaluators = [];
    for (const ev of e.evaluators) evaluators.push(await buildEvaluator(ev));
    return {
      declaration: e,
      plan: trainingPlan(e),
      latentDim: e.latentDim,
      generator,
      discriminator,
      loss,
      data,
      evaluators,
      warnings,
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}
