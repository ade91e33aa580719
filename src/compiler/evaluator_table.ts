/**
 * The evaluator table: each declared kind and the `Evaluator` factory it
 * calls with the declaration's options. A kind whose lane has not landed
 * its factory yet is absent, and compiling a declaration that uses it
 * fails with the list of wired kinds.
 *
 * @module
 */

import type { Evaluator } from "../metrics/types.ts";
import type { EvaluatorDecl } from "../dsl/types.ts";

/** Builds the evaluator of one kind. */
export type EvaluatorFactory<K extends EvaluatorDecl["kind"]> = (
  decl: Extract<EvaluatorDecl, { kind: K }>,
) => Evaluator | Promise<Evaluator>;

/** Every wired evaluator kind and its factory. */
export const EVALUATOR_FACTORIES: {
  readonly [K in EvaluatorDecl["kind"]]?: EvaluatorFactory<K>;
} = {};

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
