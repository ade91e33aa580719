/**
 * Helpers shared by the tests: leak checks and numeric comparison.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";

/**
 * Runs `fn` and asserts that it leaves exactly as many live tensors as it
 * found. Returns what `fn` returned (which must not be a tensor).
 */
export async function assertNoLeak<T>(
  label: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  assert.equal(
    after,
    before,
    `${label} leaked ${
      after - before
    } tensor(s): ${before} before, ${after} after`,
  );
  return result;
}

/** Largest |a - b| / max(|b|, floor) over two arrays of equal length. */
export function maxRelativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  floor = 1e-6,
): number {
  assert.equal(actual.length, expected.length, "length mismatch");
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) /
      Math.max(Math.abs(expected[i]), floor);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

/** Asserts that two arrays agree within a relative tolerance. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  label = "values",
): void {
  const err = maxRelativeError(actual, expected);
  assert.ok(
    err <= tolerance,
    `${label}: max relative error ${err} exceeds ${tolerance}`,
  );
}
