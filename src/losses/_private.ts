/**
 * Internals shared by the losses: argument checks, reduction, and a gradient
 * stop. Not part of the public API.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { type Reduced, type Reduction, REDUCTIONS } from "./reduction.ts";

/** Formats a shape for an error message, e.g. `[4,1]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * Checks that `scores` is a rank-1 `[batch]` tensor (of length `length` when
 * given) and returns it typed as such.
 */
export function checkScores(
  where: string,
  name: string,
  scores: tf.Tensor,
  length?: number,
): tf.Tensor1D {
  if (scores.rank !== 1) {
    throw new TypeError(
      `Cannot compute ${where}: ${name} must be a [batch] vector of scores, but its shape is ${
        showShape(scores.shape)
      }. Fix: pass one score per example (squeeze a trailing axis of size 1)`,
    );
  }
  if (length !== undefined && scores.shape[0] !== length) {
    throw new TypeError(
      `Cannot compute ${where}: ${name} has ${
        scores.shape[0]
      } scores but the batch has ${length} examples. Fix: score every example of the batch exactly once`,
    );
  }
  return scores as tf.Tensor1D;
}

/** Checks that several `[batch]` score vectors have the same length. */
export function checkSameLength(
  where: string,
  named: Readonly<Record<string, tf.Tensor>>,
): number {
  const entries = Object.entries(named);
  const first = checkScores(where, entries[0][0], entries[0][1]).shape[0];
  for (const [name, scores] of entries) checkScores(where, name, scores, first);
  return first;
}

/** Checks that sample batches share one shape, `[batch, ...shape]`. */
export function checkSameShape(
  where: string,
  named: Readonly<Record<string, tf.Tensor>>,
): readonly number[] {
  const entries = Object.entries(named);
  const [firstName, first] = entries[0];
  if (first.rank < 1) {
    throw new TypeError(
      `Cannot compute ${where}: ${firstName} must be a batch [batch, ...shape], but it is a scalar`,
    );
  }
  for (const [name, t] of entries.slice(1)) {
    if (
      t.rank !== first.rank || t.shape.some((n, i) => n !== first.shape[i])
    ) {
      throw new TypeError(
        `Cannot compute ${where}: ${name} has shape ${
          showShape(t.shape)
        } but ${firstName} has shape ${
          showShape(first.shape)
        }. Fix: pass batches of the same size and sample shape`,
      );
    }
  }
  return first.shape;
}

/** Reads and checks a `reduction` option. */
export function checkReduction(where: string, value: unknown): Reduction {
  if (value === undefined) return "mean";
  if ((REDUCTIONS as readonly unknown[]).includes(value)) {
    return value as Reduction;
  }
  throw new TypeError(
    `Cannot compute ${where}: reduction must be one of ${
      REDUCTIONS.map((r) => `"${r}"`).join(", ")
    }, current value is ${JSON.stringify(value)}`,
  );
}

export { checkKeys } from "../_options.ts";

/** Reduces per-example values `[batch]` as asked. */
export function reduce<R extends Reduction>(
  values: tf.Tensor1D,
  reduction: R,
): Reduced<R> {
  return (reduction === "none" ? values : tf.mean(values)) as Reduced<R>;
}

/** Checks that a number option is finite and at least `min`. */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  min: number,
): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot build ${where}: ${name} must be a number, current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(
      `Cannot build ${where}: ${name} must be a finite number >= ${min}, current value is ${value}`,
    );
  }
  return value;
}

/** Checks that a boolean option is a boolean. */
export function checkBoolean(
  where: string,
  name: string,
  value: unknown,
): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Cannot build ${where}: ${name} must be true or false, current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

/** Checks that a string option is one of `choices`. */
export function checkChoice<T extends string>(
  where: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if ((choices as readonly unknown[]).includes(value)) return value as T;
  throw new TypeError(
    `Cannot build ${where}: ${name} must be one of ${
      choices.map((c) => `"${c}"`).join(", ")
    }, current value is ${JSON.stringify(value)}`,
  );
}

/**
 * Calls a critic and checks that it returned one score per example.
 */
export function score(
  where: string,
  name: string,
  scores: tf.Tensor,
  batch: number,
): tf.Tensor1D {
  if (scores.rank !== 1 || scores.shape[0] !== batch) {
    throw new TypeError(
      `Cannot compute ${where}: the critic returned shape ${
        showShape(scores.shape)
      } for ${name}, expected [${batch}]. Fix: make the critic return one raw score per example`,
    );
  }
  return scores as tf.Tensor1D;
}

/**
 * The identity whose gradient is zero: treats `x` as data in every gradient
 * computed through it (tfjs-core has no stop-gradient op of its own).
 */
export const stopGradient: <T extends tf.Tensor>(x: T) => T = (() => {
  const op = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return <T extends tf.Tensor>(x: T): T => op(x) as T;
})();

/**
 * Scores a single-input batch: the critic on the real and on the generated
 * samples, each checked to be `[batch]`.
 */
export function scoreSingle(
  where: string,
  critic: (x: tf.Tensor) => tf.Tensor,
  batch: { readonly real: tf.Tensor; readonly fake: tf.Tensor },
): { real: tf.Tensor1D; fake: tf.Tensor1D } {
  const n = checkSameShape(where, {
    "batch.real": batch.real,
    "batch.fake": batch.fake,
  })[0];
  return {
    real: score(where, "the real batch", critic(batch.real), n), // [batch]
    fake: score(where, "the generated batch", critic(batch.fake), n), // [batch]
  };
}

/** Scores only the generated samples of a single-input batch, `[batch]`. */
export function scoreFake(
  where: string,
  critic: (x: tf.Tensor) => tf.Tensor,
  batch: { readonly real: tf.Tensor; readonly fake: tf.Tensor },
): tf.Tensor1D {
  const n = checkSameShape(where, {
    "batch.real": batch.real,
    "batch.fake": batch.fake,
  })[0];
  return score(where, "the generated batch", critic(batch.fake), n); // [batch]
}
