/**
 * Saving and loading the MNIST classifier as a TensorFlow.js layers model:
 * `model.json` (a Keras Sequential topology and a weights manifest) and
 * `weights.bin` (the float32 weights, little-endian, in manifest order).
 * `tf.loadLayersModel` from `@tensorflow/tfjs-layers` reads the same files.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  type ClassifierArchitecture,
  type MnistClassifier,
  mnistClassifierFromVariables,
  variableFrom,
  weightSpecs,
} from "./mnist_classifier.ts";

/** Provenance stored in model.json under `userDefinedMetadata.relgan`. */
export interface ClassifierMetadata {
  /** Held-out accuracy measured after training, in [0, 1]. */
  readonly heldOutAccuracy?: number;
  /** Digits trained on. */
  readonly trainCount?: number;
  /** Digits held out for the accuracy. */
  readonly testCount?: number;
  /** The training options, for the record. */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** A classifier loaded from disk, with its metadata and weights hash. */
export interface LoadedClassifier {
  /** The classifier (the caller disposes it). */
  readonly classifier: MnistClassifier;
  /** What model.json records about its training. */
  readonly metadata: ClassifierMetadata;
  /** `"sha256:<hex>"` of weights.bin. */
  readonly weightsHash: string;
}

function topology(arch: ClassifierArchitecture): Record<string, unknown> {
  const [f1, f2] = arch.filters;
  const conv = (name: string, filters: number) => ({
    class_name: "Conv2D",
    config: {
      name,
      trainable: true,
      filters,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: "same",
      data_format: "channels_last",
      dilation_rate: [1, 1],
      activation: "relu",
      use_bias: true,
    },
  });
  const pool = (name: string) => ({
    class_name: "MaxPooling2D",
    config: {
      name,
      trainable: true,
      pool_size: [2, 2],
      strides: [2, 2],
      padding: "valid",
      data_format: "channels_last",
    },
  });
  const denseLayer = (name: string, units: number, activation: string) => ({
    class_name: "Dense",
    config: { name, trainable: true, units, activation, use_bias: true },
  });
  return {
    class_name: "Sequential",
    config: {
      name: "relgan_mnist_classifier",
      layers: [
        {
          class_name: "Rescaling",
          config: {
            name: "rescale",
            trainable: true,
            batch_input_shape: [null, 28, 28, 1],
            dtype: "float32",
            scale: 0.5,
            offset: 0.5,
          },
        },
        conv("conv1", f1),
        pool("pool1"),
        conv("conv2", f2),
        pool("pool2"),
        {
          class_name: "Flatten",
          config: {
            name: "flatten",
            trainable: true,
            data_format: "channels_last",
          },
        },
        denseLayer("dense1", arch.hidden, "relu"),
        denseLayer("logits", 10, "softmax"),
      ],
    },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
}

/**
 * Writes `model.json` and `weights.bin` into `dir` (created if needed).
 * Inputs of the saved model are `[n, 28, 28, 1]` in [-1, 1]; its output is
 * the softmax over the 10 digits.
 *
 * @param classifier The classifier.
 * @param dir Destination folder.
 * @param metadata Provenance to store beside the topology.
 * @default {{}} metadata
 * @returns The sha256 of weights.bin, `"sha256:<hex>"`.
 */
export async function saveMnistClassifier(
  classifier: MnistClassifier,
  dir: string,
  metadata: ClassifierMetadata = {},
): Promise<string> {
  const specs = weightSpecs(classifier.architecture);
  const parts = await Promise.all(
    classifier.variables.map((v) => v.data() as Promise<Float32Array>),
  ); // device sync
  const total = parts.reduce((a, p) => a + p.length, 0);
  const weights = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    weights.set(p, at);
    at += p.length;
  }
  const bytes = new Uint8Array(weights.buffer);
  const model = {
    format: "layers-model",
    generatedBy: "relgan 0.1.0",
    convertedBy: null,
    modelTopology: topology(classifier.architecture),
    weightsManifest: [{
      paths: ["weights.bin"],
      weights: specs.map((s) => ({
        name: s.name,
        shape: s.shape,
        dtype: "float32",
      })),
    }],
    userDefinedMetadata: {
      relgan: {
        architecture: classifier.architecture,
        input: "[n, 28, 28, 1] in [-1, 1]",
        ...metadata,
      },
    },
  };
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/model.json`,
    JSON.stringify(model, null, 1) + "\n",
  );
  await Deno.writeFile(`${dir}/weights.bin`, bytes);
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Where the trained classifier lives in this repository. */
export const DEFAULT_CLASSIFIER_DIR: string = new URL(
  "../../models/mnist_classifier",
  import.meta.url,
).pathname;

/**
 * Reads a classifier written by {@linkcode saveMnistClassifier}.
 *
 * @param dir The folder with model.json and weights.bin.
 * @default {DEFAULT_CLASSIFIER_DIR} dir
 * @returns The classifier, its metadata and its weights hash.
 * @throws {Error} When the files are missing (saying how to make them), or
 * the topology or weights do not match this classifier's layout.
 */
export async function loadMnistClassifier(
  dir: string = DEFAULT_CLASSIFIER_DIR,
): Promise<LoadedClassifier> {
  let json: string;
  let bytes: Uint8Array;
  try {
    json = await Deno.readTextFile(`${dir}/model.json`);
    bytes = await Deno.readFile(`${dir}/weights.bin`);
  } catch (error) {
    throw new Error(
      `Cannot load the MNIST classifier from ${dir}: ${
        error instanceof Error ? error.message : error
      }. Fix: run \`deno task train-classifier\` (writes ${DEFAULT_CLASSIFIER_DIR}) or pass the folder that holds model.json and weights.bin`,
    );
  }
  const model = JSON.parse(json);
  const arch = model?.userDefinedMetadata?.relgan?.architecture as
    | ClassifierArchitecture
    | undefined;
  if (model?.format !== "layers-model" || arch === undefined) {
    throw new TypeError(
      `Cannot load the MNIST classifier from ${dir}/model.json: it is not a relgan classifier (format ${model?.format}, no userDefinedMetadata.relgan.architecture)`,
    );
  }
  const specs = weightSpecs(arch);
  const manifest = model.weightsManifest?.[0]?.weights as
    | Array<{ name: string; shape: number[] }>
    | undefined;
  if (
    manifest === undefined ||
    manifest.map((w) => `${w.name}:${w.shape}`).join() !==
      specs.map((s) => `${s.name}:${s.shape}`).join()
  ) {
    throw new TypeError(
      `Cannot load the MNIST classifier from ${dir}/model.json: its weights manifest does not match the architecture ${
        JSON.stringify(arch)
      }`,
    );
  }
  const counts = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const total = counts.reduce((a, b) => a + b, 0);
  if (bytes.length !== total * 4) {
    throw new Error(
      `Cannot load the MNIST classifier from ${dir}/weights.bin: ${bytes.length} bytes, the manifest needs ${
        total * 4
      }. Fix: run \`deno task train-classifier\` again`,
    );
  }
  const values = new Float32Array(bytes.slice().buffer);
  let at = 0;
  const variables = specs.map((s, i) => {
    const v = variableFrom(
      values.subarray(at, at + counts[i]),
      s.shape,
      s.name,
      false,
    );
    at += counts[i];
    return v;
  });
  const { architecture: _a, input: _i, ...metadata } =
    model.userDefinedMetadata.relgan;
  return {
    classifier: mnistClassifierFromVariables(arch, variables),
    metadata: metadata as ClassifierMetadata,
    weightsHash: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
  };
}
