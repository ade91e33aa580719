/**
 * How a per-example loss is reduced over the batch.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs-core";

/**
 * How a loss function reduces its per-example values: `"mean"` averages
 * them to a scalar, `"none"` returns them, `[batch]`.
 */
export type Reduction = "mean" | "none";

/** Every accepted {@linkcode Reduction}, in the order errors list them. */
export const REDUCTIONS: readonly Reduction[] = ["mean", "none"];

/** The tensor a loss returns under reduction `R`: a scalar or `[batch]`. */
export type Reduced<R extends Reduction> = R extends "none" ? tf.Tensor1D
  : tf.Scalar;

/** The option every per-example loss function takes. */
export interface ReductionOptions<R extends Reduction = "mean"> {
  /**
   * `"mean"` for the batch mean (a scalar), `"none"` for the per-example
   * values (`[batch]`).
   *
   * @default {"mean"}
   */
  readonly reduction?: R;
}
