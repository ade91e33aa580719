/**
 * The FID Inception-v3 network, loaded from a local TensorFlow.js model
 * directory converted by the user (see the README's "FID Inception weights"
 * section).
 *
 * @module
 */

import type { FeatureNetwork } from "./feature_network.ts";
import { readModelDirectory } from "./_model_directory.ts";
import {
  type ClassifierOutput,
  loadGraphFeatureNetwork,
} from "./graph_feature_network.ts";

/**
 * The weights the FID reference implementations use: the 2015-12-05
 * Inception-v3 ImageNet graph of TensorFlow's FID code (TTUR), as ported to
 * PyTorch by pytorch-fid. torch.hub names the file after the first eight hex
 * digits of its SHA-256, which the download checks; relgan pins them and
 * checks that the converted model names a source that matches.
 */
export const INCEPTION_V3_SOURCE = {
  /** pytorch-fid's release asset. */
  url:
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth",
  /** Leading hex digits of the file's SHA-256 (from its name). */
  sha256Prefix: "6726825d",
} as const;

/** Key in `model.json`'s `userDefinedMetadata` that records the source. */
export const INCEPTION_V3_METADATA_KEY = "relgan_source";

/** Options for {@linkcode loadInceptionV3}. */
export interface InceptionV3Options {
  /**
   * Output node with the 2048 pool_3 features (the reference graph's name,
   * kept by the README's conversion).
   *
   * @default {"pool_3"}
   */
  featuresOutput?: string;
  /**
   * The 1008-way softmax (or logits) output, for the Inception Score.
   *
   * @default {undefined}
   */
  classifierOutput?: ClassifierOutput;
  /**
   * Axis order of the converted model's input (`"NCHW"` after an
   * ONNX conversion of pytorch-fid).
   *
   * @default {"NHWC"}
   */
  layout?: "NHWC" | "NCHW";
  /**
   * Pixel range the converted model takes: `[-1, 1]` when the graph starts
   * after the reference normalisation, `[0, 255]` when it includes it.
   *
   * @default {[-1, 1]}
   */
  inputRange?: readonly [number, number];
  /**
   * `"sha256:<hex>"` of the converted weights. When given, it is checked
   * instead of the recorded source.
   *
   * @default {undefined}
   */
  expectedHash?: string;
}

/**
 * Loads the FID Inception-v3 from a TensorFlow.js graph model directory.
 *
 * Checks on load: unless `expectedHash` is given, `model.json` must carry
 * `userDefinedMetadata.relgan_source = { file, sha256 }` (written by the
 * README's conversion through `tensorflowjs_converter --metadata`) whose
 * `sha256` starts with {@linkcode INCEPTION_V3_SOURCE}`.sha256Prefix`; the
 * input must be 299 × 299 × 3 and the features 2048-dimensional. The
 * network's `weightsHash` is the SHA-256 of the converted weight bytes, so
 * score records identify the exact conversion.
 *
 * @param dir Directory holding `model.json` and its shards.
 * @param options Output names, layout, input range, hash.
 * @returns The network (name `"inception-v3 (FID, pool_3)"`).
 * @throws {Error} When files cannot be read.
 * @throws {RangeError} When the source or hash check fails.
 * @throws {TypeError} When the input size or feature dimension is wrong.
 *
 * @example The error names the directory and the fix
 * ```ts
 * import { loadInceptionV3 } from "./inception_v3.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   loadInceptionV3("models/not_converted_yet"),
 *   /pass the directory that holds model\.json/,
 * );
 * ```
 */
export async function loadInceptionV3(
  dir: string,
  options: InceptionV3Options = {},
): Promise<FeatureNetwork> {
  if (options.expectedHash === undefined) {
    const { json } = await readModelDirectory(dir, { weights: false });
    const meta = (json.userDefinedMetadata ?? {})[INCEPTION_V3_METADATA_KEY] as
      | { file?: unknown; sha256?: unknown }
      | undefined;
    const sha = typeof meta?.sha256 === "string" ? meta.sha256 : undefined;
    if (
      sha === undefined || !sha.startsWith(INCEPTION_V3_SOURCE.sha256Prefix)
    ) {
      throw new RangeError(
        `Cannot load Inception-v3 from ${dir}: model.json's userDefinedMetadata.${INCEPTION_V3_METADATA_KEY}.sha256 is ${
          sha === undefined ? "missing" : `"${sha}"`
        }, expected the SHA-256 of pt_inception-2015-12-05-6726825d.pth (starting ${INCEPTION_V3_SOURCE.sha256Prefix}); convert the FID weights as the README describes, or pass expectedHash to pin another conversion`,
      );
    }
  }
  const network = await loadGraphFeatureNetwork(dir, {
    name: "inception-v3 (FID, pool_3)",
    featuresOutput: options.featuresOutput ?? "pool_3",
    classifierOutput: options.classifierOutput,
    inputSize: [299, 299, 3],
    inputRange: options.inputRange ?? [-1, 1],
    layout: options.layout,
    expectedHash: options.expectedHash,
  });
  if (network.featureDim !== 2048) {
    network.dispose();
    throw new TypeError(
      `Cannot load Inception-v3 from ${dir}: its features output has ${network.featureDim} values per image, expected 2048 (pool_3); pass featuresOutput naming the pool_3 node`,
    );
  }
  return network;
}
