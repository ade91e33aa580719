/**
 * The evaluator table: each declared kind and the `Evaluator` factory of
 * `src/metrics/` or `src/classifier/` it calls with the declaration's
 * options (the `kind` removed).
 *
 * @module
 */

import type { Evaluator } from "../metrics/types.ts";
import type { EvaluatorDecl } from "../dsl/types.ts";
import {
  swissRollDistanceEvaluator,
  toyModesEvaluator,
} from "../metrics/toy.ts";
import {
  fidEvaluator,
  inceptionScoreEvaluator,
  kidEvaluator,
} from "../metrics/mod.ts";
import { stackedMnistModesEvaluator } from "../classifier/mod.ts";

/** Builds the evaluator of one kind. */
export type EvaluatorFactory<K extends EvaluatorDecl["kind"]> = (
  decl: Extract<EvaluatorDecl, { kind: K }>,
) => Evaluator | Promise<Evaluator>;

function options<T extends { kind: string }>(decl: T): Omit<T, "kind"> {
  const { kind: _, ...rest } = decl;
  return rest;
}

/** Every wired evaluator kind and its factory. */
export const EVALUATOR_FACTORIES: {
  readonly [K in EvaluatorDecl["kind"]]?: EvaluatorFactory<K>;
} = {
  toy_modes: (d) => toyModesEvaluator(options(d)),
  swiss_roll_distance: (d) => swissRollDistanceEvaluator(options(d)),
  fid: (d) => fidEvaluator(options(d)),
  kid: (d) => kidEvaluator(options(d)),
  is: (d) => inceptionScoreEvaluator(options(d)),
  stacked_mnist_modes: (d) => stackedMnistModesEvaluator(options(d)),
};

/**
 * Builds the evaluator a declaration names.
 *
 * @param decl A valid evaluator declaration.
 * @returns The evaluator.
 * @throws {TypeError} When no factory is wired for the kind.
 */
export async function buildEvaluator(decl: EvaluatorDecl): Promise<Evaluator> {
  const factory = EVALUATOR_FACTORIES[decl.kind] as
    | EvaluatorFactory<typeof decl.kind>
    | undefined;
  if (factory === undefined) {
    const wired = Object.keys(EVALUATOR_FACTORIES);
    throw new TypeError(
      `Cannot build the evaluator: kind "${decl.kind}" has no factory in this build; wired kinds are ${
        wired.length ? wired.join(", ") : "none yet"
      }`,
    );
  }
  return await factory(decl as never);
}
