/**
 * What the FID, KID and IS evaluators share: option checks, lazy network
 * loading, the cached real features and the protocol record.
 *
 * @module
 */

import { denseOps, type LinearAlgebraChoice } from "./_dense.ts";
import type { EvalContext } from "./types.ts";
import type { FeatureNetwork } from "./feature_network.ts";
import { extractFeatures } from "./extract_features.ts";
import type { ResizeMethod } from "./prepare_images.ts";
import {
  type FeatureNetworkSpec,
  resolveFeatureNetwork,
} from "./resolve_feature_network.ts";
import type { ScoreProtocol } from "./score_protocol.ts";
import type { RealImageMetricOptions } from "./image_metric_options.ts";

export type {
  ImageMetricOptions,
  RealImageMetricOptions,
} from "./image_metric_options.ts";

/**
 * Checks an option that must be a positive integer.
 *
 * @throws {RangeError} Naming the metric, the option and the value.
 */
export function positiveInteger(
  metric: string,
  name: string,
  value: number,
): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create the ${metric} evaluator: ${name} must be a positive integer, current value is ${value}`,
    );
  }
  return value;
}

/**
 * The resolved, checked options of one evaluator, its lazily loaded network
 * and its cached real features.
 */
export class ImageMetric {
  readonly metric: "fid" | "kid" | "is";
  readonly samples: number;
  readonly realSamples: number;
  readonly batchSize: number;
  readonly resize: ResizeMethod;
  readonly realSplit: string;
  readonly linearAlgebra: LinearAlgebraChoice;
  #spec: FeatureNetworkSpec;
  #network: Promise<FeatureNetwork> | undefined;
  #real: { key: string; value: unknown } | undefined;

  /**
   * @param metric Which metric.
   * @param options The evaluator's options, possibly its whole declaration
   *   `{ kind, ...options }`.
   * @param extraKeys Option names the metric adds (e.g. `subsets`).
   * @throws {TypeError} For a missing network, another metric's kind or an
   *   unknown option.
   */
  constructor(
    metric: "fid" | "kid" | "is",
    options: RealImageMetricOptions & { kind?: string },
    extraKeys: readonly string[] = [],
  ) {
    const label = metric.toUpperCase();
    if (options === undefined || options.network === undefined) {
      throw new TypeError(
        `Cannot create the ${label} evaluator: options.network is missing; pass a FeatureNetwork, the path of a converted Inception-v3 directory, or { kind, path }`,
      );
    }
    if (options.kind !== undefined && options.kind !== metric) {
      throw new TypeError(
        `Cannot create the ${label} evaluator from a declaration of kind "${options.kind}": it builds kind "${metric}"`,
      );
    }
    const known = [
      "kind",
      "network",
      "samples",
      "batchSize",
      "resize",
      "linearAlgebra",
      ...(metric === "is" ? [] : ["realSamples", "realSplit"]),
      ...extraKeys,
    ];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw new TypeError(
          `Cannot create the ${label} evaluator: unknown option "${key}"; the options are ${
            known.join(", ")
          }`,
        );
      }
    }
    this.metric = metric;
    this.#spec = options.network;
    this.samples = positiveInteger(label, "samples", options.samples ?? 10000);
    this.realSamples = positiveInteger(
      label,
      "realSamples",
      options.realSamples ?? this.samples,
    );
    this.batchSize = positiveInteger(
      label,
      "batchSize",
      options.batchSize ?? 50,
    );
    this.resize = options.resize ?? "bilinear";
    if (this.resize !== "bilinear" && this.resize !== "nearest") {
      throw new TypeError(
        `Cannot create the ${label} evaluator: resize must be "bilinear" or "nearest", current value is "${this.resize}"`,
      );
    }
    this.realSplit = options.realSplit ?? "train";
    this.linearAlgebra = options.linearAlgebra ?? "auto";
    denseOps(this.linearAlgebra); // validates the choice
  }

  /** Loads the network once; later calls reuse it. */
  network(): Promise<FeatureNetwork> {
    if (this.#network === undefined) {
      this.#network = resolveFeatureNetwork(this.#spec);
      this.#network.catch(() => (this.#network = undefined));
    }
    return this.#network;
  }

  /** Checks that the context holds images. */
  checkImages(context: EvalContext): void {
    if (context.shape.length !== 3) {
      throw new TypeError(
        `Cannot compute ${this.metric.toUpperCase()}: it needs images [h, w, c], but the run's samples have shape [${
          context.shape.join(", ")
        }]; use a toy evaluator for 2-D data`,
      );
    }
  }

  /** Features of `samples` generated images. */
  async generated(
    context: EvalContext,
    network: FeatureNetwork,
    outputs: { features?: boolean; probabilities?: boolean } = {},
  ) {
    return await extractFeatures(
      network,
      (n) => context.generate(n),
      this.samples,
      context.shape,
      { batchSize: this.batchSize, resize: this.resize, outputs },
    );
  }

  /**
   * A value derived from the real features (statistics or the features),
   * computed once per data source and reused while it stays the same.
   */
  async real<T>(
    context: EvalContext,
    network: FeatureNetwork,
    derive: (features: Float32Array) => T,
  ): Promise<{ value: T; cached: boolean }> {
    const key = `${context.data.name}|${context.data.size}|${
      context.data.shape.join("x")
    }|${this.realSamples}|${network.weightsHash}`;
    if (this.#real?.key === key) {
      return { value: this.#real.value as T, cached: true };
    }
    const rng = context.rng.fork("real");
    const { features } = await extractFeatures(
      network,
      (n) => context.data.sample(rng, n),
      this.realSamples,
      context.data.shape,
      { batchSize: this.batchSize, resize: this.resize },
    );
    const value = derive(features as Float32Array);
    this.#real = { key, value };
    return { value, cached: false };
  }

  /** The protocol record for one evaluation. */
  protocol(
    context: EvalContext,
    network: FeatureNetwork,
    extra: {
      realFeaturesCached: boolean;
      featureDim?: number;
      kid?: ScoreProtocol["kid"];
      is?: ScoreProtocol["is"];
    },
  ): ScoreProtocol {
    const [h, w, c] = context.shape;
    const [nh, nw, nc] = network.inputSize;
    const usesReal = this.metric !== "is";
    return {
      metric: this.metric,
      generatedImages: this.samples,
      realImages: usesReal ? this.realSamples : 0,
      realSplit: usesReal ? this.realSplit : null,
      realData: usesReal ? context.data.name : null,
      featureNetwork: network.name,
      featureNetworkHash: network.weightsHash,
      featureDim: extra.featureDim ?? network.featureDim,
      imageSize: [h, w, c],
      networkInputSize: [nh, nw, nc],
      resize: h === nh && w === nw ? "none" : this.resize,
      channels: c === nc ? "same" : c === 1 ? "repeat" : "mean",
      inputRange: [network.inputRange[0], network.inputRange[1]],
      checkpoint: context.checkpoint,
      batchSize: this.batchSize,
      linearAlgebra: denseOps(this.linearAlgebra).name,
      realFeaturesCached: extra.realFeaturesCached,
      ...(extra.kid ? { kid: extra.kid } : {}),
      ...(extra.is ? { is: extra.is } : {}),
    };
  }
}
