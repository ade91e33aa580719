/**
 * The compiler: a separate pass that reads only a declaration and lowers
 * it to TensorFlow.js computations, a loss, a data source, evaluators and
 * a fully resolved {@linkcode TrainingPlan}.
 *
 * ## Functions over variables, not layers models
 *
 * Networks compile to plain functions over explicit `tf.Variable`s
 * ({@linkcode CompiledNetwork}, {@linkcode CompiledPairNetwork}) rather than
 * `tf.LayersModel`s, for four reasons:
 *
 * - The relation discriminator applies one embedding module to two inputs
 *   with shared weights, then merges; as a function that is two calls of
 *   the same closure, with no weight-sharing machinery.
 * - Training state stays explicit: trainable weights in `variables`,
 *   batch-norm running statistics and spectral-norm iterates in `state`,
 *   both in a fixed order with stable names, so the engine checkpoints and
 *   restores them exactly and Adam keeps its moments beside them.
 * - Initialisation is drawn from the run's seeded `Rng` (one fork per layer
 *   path) in JavaScript, so it is identical on every backend and never
 *   touches `tf.random*`; layers models draw from their own initialisers.
 * - Only `tfjs-core` is needed (no `tfjs-layers`), and each `apply` is one
 *   `tf.tidy`, so its only surviving tensor is its result.
 *
 * What is given up: layers' `summary()` and their serialisation format;
 * `paramCount` and the declaration (which is serialisable) replace them.
 *
 * Shapes are checked before a single weight is created, by inference over
 * the declaration; a mismatch names the layer path, e.g.
 * `discriminator.relation.layers[0]`.
 *
 * @module
 */

export type * from "./types.ts";
export { compile, trainingPlan } from "./compile.ts";
export {
  compileDiscriminator,
  compileNetwork,
  type CompileNetworkOptions,
} from "./compile_network.ts";
export {
  DATASET_LOADERS,
  type DatasetLoader,
  loadDataset,
} from "./dataset_table.ts";
export { buildLoss, LOSS_FACTORIES, type LossFactory } from "./loss_table.ts";
export {
  buildEvaluator,
  EVALUATOR_FACTORIES,
  type EvaluatorFactory,
} from "./evaluator_table.ts";
export { type ParameterRow, parameterTable } from "./parameter_table.ts";
