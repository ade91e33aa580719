/**
 * Reads a TensorFlow.js model directory (`model.json` plus the weight shard
 * files its manifest names) from the local file system, for
 * `@tensorflow/tfjs-converter`'s `loadGraphModel`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** A model directory read into memory. */
export interface ModelDirectory {
  /** The parsed `model.json`. */
  readonly json: tf.io.ModelJSON;
  /** An IO handler that hands the artifacts to `loadGraphModel`. */
  readonly handler: tf.io.IOHandler;
  /**
   * `"sha256:<hex>"` of the weight bytes: every shard, in manifest order,
   * concatenated (the bytes `weightData` holds).
   */
  readonly weightsHash: string;
}

function join(dir: string, file: string): string {
  return dir.endsWith("/") ? dir + file : `${dir}/${file}`;
}

/**
 * Reads `dir/model.json` and its weight shards and hashes the weights.
 *
 * @param dir Directory holding `model.json` (or the path of a `.json` file).
 * @param options `weights: false` reads only `model.json` (the handler and
 *   hash are then unusable placeholders).
 * @returns The JSON, an IO handler and the weights' content hash.
 * @throws {Error} When a file cannot be read, naming the file.
 * @throws {TypeError} When `model.json` is not a TensorFlow.js model.
 */
export async function readModelDirectory(
  dir: string,
  options: { weights?: boolean } = {},
): Promise<ModelDirectory> {
  const jsonPath = dir.endsWith(".json") ? dir : join(dir, "model.json");
  const base = dir.endsWith(".json")
    ? jsonPath.slice(0, Math.max(0, jsonPath.lastIndexOf("/") + 1)) || "."
    : dir;

  let text: string;
  try {
    text = await Deno.readTextFile(jsonPath);
  } catch (cause) {
    throw new Error(
      `Cannot load the feature network: ${jsonPath} could not be read (${
        (cause as Error).message
      }); pass the directory that holds model.json`,
      { cause },
    );
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TypeError(
      `Cannot load the feature network: ${jsonPath} is not valid JSON (${
        (cause as Error).message
      })`,
      { cause },
    );
  }
  if (
    typeof json !== "object" || json === null || json.modelTopology == null ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new TypeError(
      `Cannot load the feature network: ${jsonPath} lacks modelTopology or weightsManifest; it must be a TensorFlow.js model.json as written by tensorflowjs_converter`,
    );
  }

  if (options.weights === false) {
    const unread = () =>
      Promise.reject(new Error("model.json was read without its weights"));
    return { json, handler: { load: unread }, weightsHash: "" };
  }

  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const file = join(base, path);
      try {
        shards.push(await Deno.readFile(file));
      } catch (cause) {
        throw new Error(
          `Cannot load the feature network: weight shard ${file}, named in ${jsonPath}, could not be read (${
            (cause as Error).message
          }); keep the shards beside model.json`,
          { cause },
        );
      }
    }
  }
  const total = shards.reduce((a, s) => a + s.byteLength, 0);
  const weightBytes = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightBytes.set(s, offset);
    offset += s.byteLength;
  }
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", weightBytes),
  );
  const weightsHash = "sha256:" +
    Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");

  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(
        json,
        () => Promise.resolve([specs, weightBytes.buffer]),
      ),
  };
  return { json, handler, weightsHash };
}
