/**
 * Builders for evaluator declarations.
 *
 * @module
 */

import { built } from "./_build.ts";
import type {
  BuilderOptions,
  FidEvalDecl,
  IsEvalDecl,
  KidEvalDecl,
  StackedMnistModesEvalDecl,
  SwissRollDistanceEvalDecl,
  ToyModesEvalDecl,
} from "./types.ts";

/** The evaluator builders; see each declaration type for fields and defaults. */
export interface EvaluatorBuilders {
  /** Modes covered, high-quality fraction and mode KL on Gaussian mixtures. */
  toyModes(options?: BuilderOptions<ToyModesEvalDecl>): ToyModesEvalDecl;
  /** A distance between samples and the Swiss roll. */
  swissRollDistance(
    options?: BuilderOptions<SwissRollDistanceEvalDecl>,
  ): SwissRollDistanceEvalDecl;
  /** FID. */
  fid(options: BuilderOptions<FidEvalDecl>): FidEvalDecl;
  /** KID. */
  kid(options: BuilderOptions<KidEvalDecl>): KidEvalDecl;
  /** Inception score. */
  inceptionScore(options: BuilderOptions<IsEvalDecl>): IsEvalDecl;
  /** Stacked-MNIST modes. */
  stackedMnistModes(
    options?: BuilderOptions<StackedMnistModesEvalDecl>,
  ): StackedMnistModesEvalDecl;
}

/**
 * Builders for every evaluator kind.
 *
 * @example FID with a local Inception-v3 graph
 * ```ts
 * import { evaluators } from "./evaluators.ts";
 * import assert from "node:assert/strict";
 *
 * const network = { kind: "inception_v3", path: "models/inception" } as const;
 * assert.deepEqual(evaluators.fid({ network, samples: 5000 }), {
 *   kind: "fid",
 *   network,
 *   samples: 5000,
 * });
 * assert.throws(() => evaluators.toyModes({ samples: 0 }), RangeError);
 * ```
 */
export const evaluators: EvaluatorBuilders = {
  toyModes: (o = {}) => built("evaluator", { kind: "toy_modes", ...o }),
  swissRollDistance: (o = {}) =>
    built("evaluator", { kind: "swiss_roll_distance", ...o }),
  fid: (o) => built("evaluator", { kind: "fid", ...o }),
  kid: (o) => built("evaluator", { kind: "kid", ...o }),
  inceptionScore: (o) => built("evaluator", { kind: "is", ...o }),
  stackedMnistModes: (o = {}) =>
    built("evaluator", { kind: "stacked_mnist_modes", ...o }),
};
