/**
 * Training and scoring of the MNIST classifier, with a seeded, stratified
 * hold-out split of the digits.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
// Registers the gradients of the built-in ops (relu, maxPool, softmax, …).
import "../backend/mod.ts";
import { Rng } from "../random.ts";
import type { ImageSource } from "../data/image_source.ts";
import {
  type ClassifierArchitecture,
  createMnistClassifier,
  FULL_ARCHITECTURE,
  type MnistClassifier,
} from "./mnist_classifier.ts";

/** Indices of the training and held-out digits. */
export interface DigitSplit {
  /** Indices to train on, ascending. */
  readonly train: Uint32Array;
  /** Indices held out, ascending. */
  readonly test: Uint32Array;
}

/**
 * Splits labelled digits per class: of the digits labelled d, a seeded
 * permutation puts the first `round(count_d · testFraction)` in `test` and
 * the rest in `train`, so both parts keep the class proportions.
 *
 * @param labels One label per digit, 0 … 9.
 * @param testFraction Share held out, in (0, 1).
 * @param seed Seed of the permutation.
 * @returns Disjoint index sets covering all digits.
 * @throws {RangeError} When `testFraction` is not in (0, 1).
 *
 * @example A fifth held out
 * ```ts
 * import { splitDigits } from "./train_mnist_classifier.ts";
 * import assert from "node:assert/strict";
 *
 * const labels = Int32Array.from({ length: 100 }, (_, i) => i % 10);
 * const { train, test } = splitDigits(labels, 0.2, 1);
 * assert.equal(test.length, 20);
 * assert.equal(train.length, 80);
 * ```
 */
export function splitDigits(
  labels: ArrayLike<number>,
  testFraction: number,
  seed: number,
): DigitSplit {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `Cannot split digits: testFraction must be in (0, 1), current value is ${testFraction}`,
    );
  }
  const rng = new Rng(seed).fork("split");
  const train: number[] = [];
  const test: number[] = [];
  for (let d = 0; d < 10; d++) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === d) members.push(i);
    }
    const order = rng.permutation(members.length);
    const held = Math.round(members.length * testFraction);
    order.forEach((j, k) => (k < held ? test : train).push(members[j]));
  }
  return {
    train: Uint32Array.from(train.sort((a, b) => a - b)),
    test: Uint32Array.from(test.sort((a, b) => a - b)),
  };
}

/** One record per epoch, passed to `onEpoch`. */
export interface EpochRecord {
  /** The epoch just finished, from 1. */
  readonly epoch: number;
  /** Mean cross-entropy over the epoch's batches. */
  readonly loss: number;
  /** Milliseconds the epoch took. */
  readonly ms: number;
}

/** Options of {@linkcode trainMnistClassifier}. */
export interface TrainClassifierOptions {
  /** Layer sizes. @default {FULL_ARCHITECTURE} */
  readonly architecture?: ClassifierArchitecture;
  /** Passes over the training digits. @default {10} */
  readonly epochs?: number;
  /** Digits per step. @default {64} */
  readonly batchSize?: number;
  /** Adam's learning rate (β₁ 0.9, β₂ 0.999). @default {0.001} */
  readonly learningRate?: number;
  /** Largest random shift, in pixels, applied to each training digit (0 turns augmentation off). @default {2} */
  readonly maxShift?: number;
  /** Seed of the initial weights, the batch order and the shifts. @default {0} */
  readonly seed?: number;
  /** Called after every epoch. @default {undefined} */
  readonly onEpoch?: (record: EpochRecord) => void;
}

/** Shifts each 28 × 28 image by its own (dy, dx), filling with −1. */
function shiftImages(images: Float32Array, rng: Rng, maxShift: number): void {
  if (maxShift === 0) return;
  const tmp = new Float32Array(784);
  for (let at = 0; at < images.length; at += 784) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    tmp.fill(-1);
    for (let y = 0; y < 28; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= 28) continue;
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        if (sx >= 0 && sx < 28) tmp[y * 28 + x] = images[at + sy * 28 + sx];
      }
    }
    images.set(tmp, at);
  }
}

/**
 * Trains a classifier on the digits `indices` of `digits` with softmax
 * cross-entropy and Adam, on the active backend (the layers' gradients run
 * on cpu, wasm and webgpu). Each epoch visits the digits in a fresh seeded
 * order; the last batch of an epoch may be smaller.
 *
 * @param digits `[28, 28, 1]` images with labels (e.g. {@linkcode loadMnist}).
 * @param indices Which digits to train on (e.g. `splitDigits(...).train`).
 * @param options Architecture, epochs, batch size, learning rate, shift, seed.
 * @returns The trained classifier (the caller disposes it).
 * @throws {TypeError} When the digits are not labelled `[28, 28, 1]` images.
 */
export async function trainMnistClassifier(
  digits: ImageSource,
  indices: ArrayLike<number>,
  options: TrainClassifierOptions = {},
): Promise<MnistClassifier> {
  if (digits.labels === null || digits.shape.join() !== "28,28,1") {
    throw new TypeError(
      `Cannot train the MNIST classifier on "${digits.name}": it needs labelled [28, 28, 1] images, current shape is [${digits.shape}]${
        digits.labels === null ? " without labels" : ""
      }`,
    );
  }
  const labels = digits.labels;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 64;
  const lr = options.learningRate ?? 1e-3;
  const maxShift = options.maxShift ?? 2;
  const rng = new Rng(options.seed ?? 0);
  const net = createMnistClassifier(
    options.architecture ?? FULL_ARCHITECTURE,
    rng.fork("init"),
  );
  const order = rng.fork("order");
  const shifts = rng.fork("shift");
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-7);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    const perm = order.permutation(indices.length);
    let lossSum = 0;
    let steps = 0;
    for (let at = 0; at < indices.length; at += batchSize) {
      const count = Math.min(batchSize, indices.length - at);
      const chosen = Array.from(
        perm.subarray(at, at + count),
        (p) => indices[p],
      );
      const images = digits.gather(chosen);
      shiftImages(images, shifts, maxShift);
      const targets = Int32Array.from(chosen, (i) => labels[i]);
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(images, [count, 28, 28, 1]);
        const y = tf.oneHot(tf.tensor1d(targets, "int32"), 10); // [count, 10]
        return optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, net.logits(x)) as tf.Scalar,
          true,
          net.variables as tf.Variable[],
        )!;
      });
      lossSum += (await loss.data())[0]; // device sync, once per step
      loss.dispose();
      steps++;
    }
    options.onEpoch?.({
      epoch: epoch + 1,
      loss: lossSum / steps,
      ms: performance.now() - start,
    });
  }
  optimizer.dispose();
  return net;
}

/**
 * The share of `indices` whose predicted digit equals the label.
 *
 * @param net The classifier.
 * @param digits Labelled `[28, 28, 1]` images.
 * @param indices Which digits to score (e.g. `splitDigits(...).test`).
 * @returns Accuracy in [0, 1].
 */
export async function classifierAccuracy(
  net: MnistClassifier,
  digits: ImageSource,
  indices: ArrayLike<number>,
): Promise<number> {
  const predicted = await net.predict(digits.gather(indices));
  let correct = 0;
  for (let k = 0; k < indices.length; k++) {
    if (predicted[k] === digits.labels![indices[k]]) correct++;
  }
  return correct / indices.length;
}
