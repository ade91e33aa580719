/**
 * The experiment DSL: typed builders for plain, immutable declarations
 * (datasets, networks, the relation discriminator, losses, optimisers,
 * schedules, evaluators), their validation, and suites of runs.
 *
 * @example Declaring and validating a run
 * ```ts
 * import { datasets, experiment, losses, networks, validate } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = experiment({
 *   name: "wgan-25g",
 *   data: datasets.twentyFiveGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [128, 128], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [128, 128] }),
 *   loss: losses.wganGp(),
 * });
 * assert.equal(validate(run).ok, true);
 * ```
 *
 * @module
 */

export type * from "./types.ts";
export { type LayerBuilders, layers } from "./layers.ts";
export {
  type DcganOptions,
  type MlpDiscriminatorOptions,
  type MlpOptions,
  type NetworkBuilders,
  networks,
  type RelationFromTrunkOptions,
  type RelationOptions,
  type ResnetDiscriminatorOptions,
  type ResnetGeneratorOptions,
} from "./networks.ts";
export { type DatasetBuilders, datasets } from "./datasets.ts";
export { type LossBuilders, losses } from "./losses.ts";
export { type EvaluatorBuilders, evaluators } from "./evaluators.ts";
export {
  adam,
  experiment,
  type ExperimentFor,
  type ExperimentOptions,
  type LooseExperimentOptions,
  type LossFor,
  type PairCheck,
  schedule,
  type ShapeCheck,
  type ShapeMismatchError,
  suite,
  training,
} from "./experiment.ts";
export { assertValid, resolveExperiment, validate } from "./validate.ts";
export {
  type DeclarationIssue,
  DeclarationRangeError,
  DeclarationTypeError,
  formatPath,
  type IssueCode,
  type IssuePath,
  type ValidationResult,
} from "./issue.ts";
export { datasetShape, type Shape, ShapeMismatch } from "./shapes.ts";
export { fromYaml, toYaml, validateYaml } from "./yaml.ts";
export { listRuns, selectRun } from "./runs.ts";
export { applyOverrides } from "./overrides.ts";
export {
  type ExperimentFile,
  loadExperimentFile,
  type ReportContext,
} from "./experiment_file.ts";
