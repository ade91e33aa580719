/**
 * The `stacked_mnist_modes` evaluator: the mode count and KL of
 * {@linkcode countModes} on samples of the run's generator.
 *
 * @module
 */

import type { EvalContext, Evaluator, ScoreRecord } from "../metrics/types.ts";
import { countModes, stackedModeStatistics } from "./count_modes.ts";
import { DEFAULT_CLASSIFIER_DIR, loadMnistClassifier } from "./tfjs_model.ts";

/** Options of {@linkcode stackedMnistModesEvaluator}. */
export interface StackedMnistModesOptions {
  /** Generated samples to classify (the PacGAN/VEEGAN protocol uses 26,000). @default {26000} */
  readonly samples?: number;
  /** Hits a mode needs to count. @default {1} */
  readonly minCount?: number;
  /** Folder of the trained classifier (model.json, weights.bin). @default {DEFAULT_CLASSIFIER_DIR} */
  readonly classifierDir?: string;
  /** Samples generated and classified at a time. @default {1000} */
  readonly chunk?: number;
}

/**
 * Builds the evaluator. It draws `samples` images from the generator in
 * chunks, classifies each channel with the saved MNIST classifier, and
 * scores
 * `{ stacked_mnist_modes, stacked_mnist_kl, stacked_mnist_protocol }`
 * (protocol: samples, minCount, classifier weights hash and held-out
 * accuracy).
 *
 * @param options Sample count, rule, classifier folder.
 * @returns An {@linkcode Evaluator} named `"stacked_mnist_modes"`.
 * @throws {RangeError} When `samples` or `chunk` is not a positive integer.
 *
 * @example Declared by kind
 * ```ts
 * import { stackedMnistModesEvaluator } from "./stacked_mnist_modes_evaluator.ts";
 * import assert from "node:assert/strict";
 *
 * const evaluator = stackedMnistModesEvaluator({ samples: 1000 });
 * assert.equal(evaluator.name, "stacked_mnist_modes");
 * ```
 */
export function stackedMnistModesEvaluator(
  options: StackedMnistModesOptions = {},
): Evaluator {
  const samples = options.samples ?? 26000;
  const chunk = options.chunk ?? 1000;
  const minCount = options.minCount ?? 1;
  for (
    const [key, value] of [["samples", samples], ["chunk", chunk]] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot build the stacked_mnist_modes evaluator: ${key} must be a positive integer, current value is ${value}`,
      );
    }
  }
  const dir = options.classifierDir ?? DEFAULT_CLASSIFIER_DIR;
  return {
    name: "stacked_mnist_modes",
    async evaluate(context: EvalContext): Promise<ScoreRecord> {
      const { classifier, metadata, weightsHash } = await loadMnistClassifier(
        dir,
      );
      try {
        const histogram = new Int32Array(1000);
        for (let done = 0; done < samples; done += chunk) {
          const n = Math.min(chunk, samples - done);
          const images = await context.generate(n);
          const part = await countModes(images, {
            classifier,
            shape: context.shape,
            minCount,
          });
          for (let k = 0; k < 1000; k++) histogram[k] += part.histogram[k];
        }
        const stats = stackedModeStatistics(histogram, minCount);
        return {
          stacked_mnist_modes: stats.modes,
          stacked_mnist_kl: stats.kl,
          stacked_mnist_protocol: {
            samples,
            minCount,
            rule:
              `a mode counts when at least ${minCount} of ${samples} samples fall in it; KL(p || uniform over 1000)`,
            classifier: weightsHash,
            classifierHeldOutAccuracy: metadata.heldOutAccuracy ?? null,
          },
        };
      } finally {
        classifier.dispose();
      }
    },
  };
}
