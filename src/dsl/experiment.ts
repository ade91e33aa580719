/**
 * Builders for whole experiments and their training settings.
 *
 * @module
 */

import { built, deepFreeze } from "./_build.ts";
import { assertValid } from "./validate.ts";
import type {
  AdamDecl,
  BuilderOptions,
  DiscriminatorDecl,
  ExperimentCommon,
  ExperimentDecl,
  LossDecl,
  PairExperimentDecl,
  PairLossDecl,
  RelationDiscriminatorDecl,
  ScheduleDecl,
  ShapeOf,
  SingleExperimentDecl,
  SingleLossDecl,
  SuiteDecl,
  TrainingDecl,
} from "./types.ts";

/** What {@linkcode experiment} takes: a pair loss needs a relation discriminator. */
export type ExperimentOptions =
  | BuilderOptions<SingleExperimentDecl>
  | BuilderOptions<PairExperimentDecl>;

/** Whether a shape type is made of literal numbers only. */
export type Literal<S> = S extends readonly number[]
  ? number extends S[number] ? false : true
  : false;

/**
 * Type-level check that a generator's tagged output shape equals the
 * data's tagged shape; `unknown` (no constraint) when either is untagged.
 */
export type ShapeCheck<T> = T extends {
  readonly data: infer D;
  readonly generator: infer G;
}
  ? [Literal<ShapeOf<D>>, Literal<ShapeOf<G>>] extends [true, true]
    ? [ShapeOf<D>] extends [ShapeOf<G>]
      ? [ShapeOf<G>] extends [ShapeOf<D>] ? unknown
      : ShapeMismatchError<ShapeOf<G>, ShapeOf<D>>
    : ShapeMismatchError<ShapeOf<G>, ShapeOf<D>>
  : unknown
  : unknown;

/** What a mismatched generator is required to be: a readable type error. */
export interface ShapeMismatchError<G, D> {
  readonly generator: {
    readonly "the generator's output shape must equal the data's shape": {
      readonly generator: G;
      readonly data: D;
    };
  };
}

/** The losses that fit a discriminator: pair losses for a relation one. */
export type LossFor<D> = D extends RelationDiscriminatorDecl ? PairLossDecl
  : SingleLossDecl;

/** Options before the pairing check: any discriminator, any loss. */
export type LooseExperimentOptions = Omit<ExperimentCommon, "kind"> & {
  readonly discriminator: DiscriminatorDecl;
  readonly loss: LossDecl;
};

/**
 * Type-level check that the loss fits the discriminator: a pair loss
 * (`relation`, `siamese`) needs a relation discriminator, a single-input
 * loss a single-input one. A mismatch is reported at `loss`.
 */
export type PairCheck<T> = T extends {
  readonly discriminator: infer D;
  readonly loss: infer L;
} ? [L] extends [LossFor<D>] ? unknown
  : {
    readonly loss: {
      readonly "a pair loss (relation, siamese) needs a relation discriminator; a single-input loss needs a single-input one":
        {
          readonly discriminator: D extends { readonly kind: infer K } ? K
            : never;
          readonly acceptedLosses: LossFor<D>["kind"];
        };
    };
  }
  : unknown;

/** The declaration type an {@linkcode experiment} call returns for its options. */
export type ExperimentFor<T> = T extends
  { readonly discriminator: RelationDiscriminatorDecl } ? PairExperimentDecl
  : SingleExperimentDecl;

/**
 * Declares one run. Validates it completely (kinds, keys, ranges, the loss
 * and discriminator combination, every shape).
 *
 * @example A Relation GAN on 8 Gaussians
 * ```ts
 * import { datasets, experiment, losses, networks } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = experiment({
 *   name: "relgan-8g",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [64, 64], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({
 *     hidden: [64, 64],
 *     relation: { merge: "concat", split: 1 },
 *   }),
 *   loss: losses.relation(),
 * });
 * assert.equal(run.kind, "experiment");
 * assert.ok(Object.isFrozen(run));
 * ```
 *
 * @param options The run's parts.
 * @returns The frozen declaration.
 * @throws {TypeError | RangeError} Listing every problem.
 */
export function experiment<T extends LooseExperimentOptions>(
  options: T & ShapeCheck<T> & PairCheck<T>,
): T & ExperimentFor<T> {
  const decl = { kind: "experiment" as const, ...options };
  assertValid(decl);
  return deepFreeze(decl) as T & ExperimentFor<T>;
}

/**
 * Declares several named runs in one file.
 *
 * @param name The suite's name.
 * @param runs The runs; names must be unique.
 * @returns The frozen suite.
 * @throws {TypeError | RangeError} Listing every problem, e.g. a repeated name.
 */
export function suite(
  name: string,
  runs: readonly ExperimentDecl[],
): SuiteDecl {
  const decl: SuiteDecl = { kind: "suite", name, runs: [...runs] };
  assertValid(decl);
  return deepFreeze(decl);
}

/**
 * Adam's settings for one network (paper table 2).
 *
 * @param options Learning rate, betas, epsilon.
 * @returns The frozen declaration.
 * @throws {RangeError} When a value is out of range (e.g. β₁ ≥ 1).
 */
export function adam(options: BuilderOptions<AdamDecl> = {}): AdamDecl {
  return built("adam", { kind: "adam", ...options });
}

/**
 * How to train.
 *
 * @param options Iterations, batch size, D steps, order, optimisers, EMA.
 * @returns The frozen declaration.
 * @throws {RangeError} When a value is out of range.
 */
export function training(
  options: BuilderOptions<TrainingDecl> = {},
): TrainingDecl {
  return built("training", { kind: "training", ...options });
}

/**
 * When to log, sample, checkpoint and evaluate.
 *
 * @param options Intervals in generator steps.
 * @returns The frozen declaration.
 * @throws {RangeError} When a value is out of range.
 */
export function schedule(
  options: BuilderOptions<ScheduleDecl> = {},
): ScheduleDecl {
  return built("schedule", { kind: "schedule", ...options });
}
