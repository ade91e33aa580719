/**
 * `deno task train-classifier [--epochs N] [--out DIR] [--backend B]`:
 * trains the MNIST classifier on 80 % of the 10,000 embedded digits, scores
 * it on the other 20 % (held out per digit with a fixed seed), and saves it
 * as a TensorFlow.js layers model (model.json + weights.bin).
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  formatBackendLine,
  parseBackendChoice,
  useBackend,
} from "../backend/mod.ts";
import { loadMnist } from "../data/mnist.ts";
import { FULL_ARCHITECTURE } from "./mnist_classifier.ts";
import { DEFAULT_CLASSIFIER_DIR, saveMnistClassifier } from "./tfjs_model.ts";
import {
  classifierAccuracy,
  splitDigits,
  trainMnistClassifier,
} from "./train_mnist_classifier.ts";

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      epochs: { type: "string", default: "10" },
      out: { type: "string", default: DEFAULT_CLASSIFIER_DIR },
      backend: { type: "string", default: "wasm" },
      seed: { type: "string", default: "0" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno task train-classifier [--epochs 10] [--out models/mnist_classifier] [--backend wasm] [--seed 0]",
    );
    return 0;
  }
  const epochs = Number(values.epochs);
  const seed = Number(values.seed);
  console.log(
    formatBackendLine(await useBackend(parseBackendChoice(values.backend))),
  );
  const digits = await loadMnist();
  const split = splitDigits(digits.labels!, 0.2, seed);
  console.log(
    `training on ${split.train.length} digits, holding out ${split.test.length}; architecture ${
      JSON.stringify(FULL_ARCHITECTURE)
    }`,
  );
  const options = {
    architecture: FULL_ARCHITECTURE,
    epochs,
    batchSize: 64,
    learningRate: 1e-3,
    maxShift: 2,
    seed,
  };
  const net = await trainMnistClassifier(digits, split.train, {
    ...options,
    onEpoch: (r) =>
      console.log(
        `epoch ${String(r.epoch).padStart(2)}  loss ${r.loss.toFixed(4)}  ${
          (r.ms / 1000).toFixed(1)
        } s`,
      ),
  });
  const accuracy = await classifierAccuracy(net, digits, split.test);
  console.log(
    `held-out accuracy ${
      (100 * accuracy).toFixed(2)
    } % on ${split.test.length} digits`,
  );
  const hash = await saveMnistClassifier(net, values.out, {
    heldOutAccuracy: accuracy,
    trainCount: split.train.length,
    testCount: split.test.length,
    training: options,
  });
  console.log(`saved ${values.out}/model.json and weights.bin (${hash})`);
  net.dispose();
  if (accuracy < 0.98) {
    console.error(
      `held-out accuracy ${
        (100 * accuracy).toFixed(2)
      } % is below the 98 % target; train longer (--epochs)`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
