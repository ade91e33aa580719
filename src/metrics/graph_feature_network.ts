/**
 * A {@linkcode FeatureNetwork} from a TensorFlow.js graph model directory.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import { readModelDirectory } from "./_model_directory.ts";
import type { FeatureNetwork } from "./feature_network.ts";

/** A classifier head of a graph model, for the Inception Score. */
export interface ClassifierOutput {
  /** Output node name, e.g. `"softmax"`. */
  readonly name: string;
  /** Whether the node gives probabilities or logits (softmax is applied). */
  readonly kind: "probabilities" | "logits";
}

/** Options for {@linkcode loadGraphFeatureNetwork}. */
export interface GraphFeatureNetworkOptions {
  /**
   * Name for score records.
   *
   * @default {"graph model (<dir>)"}
   */
  name?: string;
  /**
   * Output node with the features; trailing axes are flattened, so
   * `[batch, 1, 1, 2048]` gives 2048 features.
   *
   * @default {the model's first output}
   */
  featuresOutput?: string;
  /**
   * Output with class probabilities or logits, if the Inception Score is
   * wanted.
   *
   * @default {undefined}
   */
  classifierOutput?: ClassifierOutput;
  /**
   * `[height, width, channels]` the model takes.
   *
   * @default {read from the model's input shape}
   */
  inputSize?: readonly [number, number, number];
  /**
   * Pixel range the model takes.
   *
   * @default {[-1, 1]}
   */
  inputRange?: readonly [number, number];
  /**
   * Axis order of the model's input: `"NHWC"` or `"NCHW"` (models converted
   * from PyTorch through ONNX); images are transposed to match.
   *
   * @default {"NHWC"}
   */
  layout?: "NHWC" | "NCHW";
  /**
   * `"sha256:<hex>"` the weights must hash to; loading fails otherwise.
   *
   * @default {undefined (not checked)}
   */
  expectedHash?: string;
}

/**
 * Loads a TensorFlow.js graph model (`model.json` + weight shards, as
 * written by `tensorflowjs_converter`) from a local directory as a
 * {@linkcode FeatureNetwork}. The weights are hashed on load
 * (`weightsHash`: SHA-256 of the shard bytes in manifest order); one probe
 * run on a zero image reads the feature and class counts.
 *
 * Graph models with dynamic control flow are not supported (`features` is
 * synchronous).
 *
 * @param dir Directory holding `model.json`.
 * @param options Output names, input size, range and layout, hash check.
 * @returns The network; call `dispose()` when done.
 * @throws {Error} When files cannot be read.
 * @throws {TypeError} When an output or the input shape does not fit.
 * @throws {RangeError} When the weights' hash differs from `expectedHash`.
 *
 * @example A missing directory is named in the error
 * ```ts
 * import { loadGraphFeatureNetwork } from "./graph_feature_network.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   loadGraphFeatureNetwork("no/such/model", { featuresOutput: "pool" }),
 *   /no\/such\/model\/model\.json could not be read/,
 * );
 * ```
 */
export async function loadGraphFeatureNetwork(
  dir: string,
  options: GraphFeatureNetworkOptions = {},
): Promise<FeatureNetwork> {
  const { handler, weightsHash } = await readModelDirectory(dir);
  if (
    options.expectedHash !== undefined && options.expectedHash !== weightsHash
  ) {
    throw new RangeError(
      `Cannot load the feature network in ${dir}: its weights hash to ${weightsHash}, expected ${options.expectedHash}; use the model the expected hash belongs to, or pass that hash as expectedHash`,
    );
  }
  const model = await loadGraphModel(handler);
  try {
    return describe(model, dir, weightsHash, options);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

type GraphModel = Awaited<ReturnType<typeof loadGraphModel>>;

function describe(
  model: GraphModel,
  dir: string,
  weightsHash: string,
  options: GraphFeatureNetworkOptions,
): FeatureNetwork {
  const layout = options.layout ?? "NHWC";
  if (layout !== "NHWC" && layout !== "NCHW") {
    throw new TypeError(
      `Cannot load the feature network in ${dir}: layout must be "NHWC" or "NCHW", current value is "${layout}"`,
    );
  }
  const input = model.inputs[0];
  if (model.inputs.length !== 1) {
    throw new TypeError(
      `Cannot load the feature network in ${dir}: it has ${model.inputs.length} inputs (${
        model.inputs.map((i) => i.name).join(", ")
      }); a feature network takes one image batch`,
    );
  }
  const inputName = input.name;
  const outputNames = model.outputs.map((o) => o.name);
  const featuresOutput = options.featuresOutput ?? outputNames[0];
  const classifier = options.classifierOutput;

  // Input size: the option, or the model's own fully known input shape.
  let inputSize = options.inputSize;
  if (inputSize === undefined) {
    const shape = input.shape ?? [];
    const [h, w, c] = layout === "NHWC"
      ? [shape[1], shape[2], shape[3]]
      : [shape[2], shape[3], shape[1]];
    if (
      shape.length !== 4 ||
      ![h, w, c].every((v) => Number.isInteger(v) && v > 0)
    ) {
      throw new TypeError(
        `Cannot load the feature network in ${dir}: its input ${inputName} has shape [${
          shape.join(", ")
        }], so the image size is unknown; pass inputSize: [height, width, channels]`,
      );
    }
    inputSize = [h, w, c];
  }
  const inputRange = options.inputRange ?? [-1, 1];

  const toModelLayout = (images: tf.Tensor4D): tf.Tensor4D =>
    layout === "NCHW" ? tf.transpose(images, [0, 3, 1, 2]) : images;
  const run = (images: tf.Tensor4D, output: string): tf.Tensor2D =>
    tf.tidy(() => {
      const out = model.execute(
        { [inputName]: toModelLayout(images) },
        output,
      ) as tf.Tensor;
      return tf.reshape(out, [images.shape[0], -1]) as tf.Tensor2D; // [batch, k]
    });

  // Probe: one zero image gives the feature and class counts.
  const [h, w, c] = inputSize;
  const probe = tf.zeros([1, h, w, c]) as tf.Tensor4D; // [1, h, w, c]
  let featureDim: number;
  let numClasses: number | undefined;
  try {
    const f = run(probe, featuresOutput);
    featureDim = f.shape[1];
    f.dispose();
    if (classifier !== undefined) {
      const p = run(probe, classifier.name);
      numClasses = p.shape[1];
      p.dispose();
    }
  } catch (cause) {
    throw new TypeError(
      `Cannot load the feature network in ${dir}: a probe run with input ${inputName} [1, ${h}, ${w}, ${c}] and outputs ${featuresOutput}${
        classifier ? `, ${classifier.name}` : ""
      } failed (${(cause as Error).message}); its outputs are ${
        outputNames.join(", ")
      }`,
      { cause },
    );
  } finally {
    probe.dispose();
  }

  const check = (images: tf.Tensor4D) => {
    const [, ih, iw, ic] = images.shape;
    if (images.rank !== 4 || ih !== h || iw !== w || ic !== c) {
      throw new TypeError(
        `Cannot compute features: images have shape [${
          images.shape.join(", ")
        }], expected [batch, ${h}, ${w}, ${c}]; resize them with prepareImages`,
      );
    }
  };
  const network: FeatureNetwork = {
    name: options.name ?? `graph model (${dir})`,
    featureDim,
    inputSize: [h, w, c],
    inputRange: [inputRange[0], inputRange[1]],
    weightsHash,
    numClasses,
    features(images) {
      check(images);
      return run(images, featuresOutput);
    },
    dispose() {
      model.dispose();
    },
  };
  if (classifier !== undefined) {
    network.probabilities = (images) => {
      check(images);
      if (classifier.kind === "probabilities") {
        return run(images, classifier.name);
      }
      return tf.tidy(() => tf.softmax(run(images, classifier.name)));
    };
  }
  return network;
}
