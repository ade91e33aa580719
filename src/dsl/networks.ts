/**
 * Builders for whole networks: MLPs, the relation discriminator of paper
 * section 3.1 and the conv architectures of the paper's image experiments.
 *
 * @module
 */

import { layers } from "./layers.ts";
import { splitTrunk } from "./_split.ts";
import {
  dcganDiscriminator,
  dcganGenerator,
  type DcganOptions,
} from "./_dcgan.ts";
import {
  resnetDiscriminator,
  type ResnetDiscriminatorOptions,
  resnetGenerator,
  type ResnetGeneratorOptions,
} from "./_resnet.ts";
import type { RelationOptions } from "./_split.ts";
import type {
  ActivationFn,
  InitKind,
  LayerDecl,
  RelationDiscriminatorDecl,
  SequentialDecl,
  Shaped,
} from "./types.ts";

export type {
  DcganOptions,
  RelationOptions,
  ResnetDiscriminatorOptions,
  ResnetGeneratorOptions,
};

/** Options of {@linkcode NetworkBuilders.mlp}. */
export interface MlpOptions {
  /** Units of each hidden block (dense, then activation). */
  readonly hidden: readonly number[];
  /** Units of the output layer; no output layer when absent (a trunk). @default {undefined} */
  readonly output?: number;
  /** Hidden activation. @default {"relu"} */
  readonly activation?: ActivationFn;
  /** Slope of `leaky_relu`. @default {0.2} */
  readonly alpha?: number;
  /** Batch norm between each hidden dense layer and its activation. @default {false} */
  readonly batchNorm?: boolean;
  /** Activation after the output layer. @default {"linear"} (none) */
  readonly outputActivation?: ActivationFn;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
}

/** Options of {@linkcode NetworkBuilders.relation}. */
export interface RelationFromTrunkOptions extends RelationOptions {
  /** The scalar head after the relation module. @default {flatten, dense(1)} */
  readonly head?: SequentialDecl;
}

/** Options of {@linkcode NetworkBuilders.mlpDiscriminator}. */
export type MlpDiscriminatorOptions = Omit<MlpOptions, "output"> & {
  /** Build a relation discriminator from the same trunk. @default {undefined} */
  readonly relation?: RelationOptions;
};

/** The network builders. */
export interface NetworkBuilders {
  /**
   * A multi-layer perceptron: hidden blocks [dense, (batch norm),
   * activation], then an optional output layer. With an output layer of
   * literal width O, its type carries the output shape `[O]`.
   */
  mlp<const O extends number | undefined = undefined>(
    options: MlpOptions & { readonly output?: O },
  ): SequentialDecl & (O extends number ? Shaped<[O]> : unknown);
  /**
   * Splits a trunk's top-level blocks into an embedding module (the first
   * `split`) and a relation module (the rest), with a scalar head.
   */
  relation(
    trunk: SequentialDecl,
    options: RelationFromTrunkOptions,
  ): RelationDiscriminatorDecl;
  /** An MLP discriminator ending in one score, or a relation discriminator from the same trunk. */
  mlpDiscriminator(
    options: MlpDiscriminatorOptions & { relation: RelationOptions },
  ): RelationDiscriminatorDecl;
  /** The single-input form: the trunk, then a dense score. */
  mlpDiscriminator(options: MlpDiscriminatorOptions): SequentialDecl;
  /** The DCGAN generator of Miyato et al. (2018), appendix, for 32, 64 or 128 px. */
  dcganGenerator<S extends 32 | 64 | 128, const C extends number = 3>(
    options: DcganOptions & { readonly size: S; readonly channels?: C },
  ): SequentialDecl & Shaped<[S, S, C]>;
  /** The DCGAN discriminator of Miyato et al. (2018), appendix, or its relation form. */
  dcganDiscriminator(
    options: DcganOptions & { relation: RelationOptions },
  ): RelationDiscriminatorDecl;
  /** The single-input form: the trunk, then flatten and a dense score. */
  dcganDiscriminator(options: DcganOptions): SequentialDecl;
  /** The SNGAN ResNet generator for 32 px (CIFAR-10). */
  resnetGenerator<const C extends number = 3>(
    options?: ResnetGeneratorOptions & { readonly outChannels?: C },
  ): SequentialDecl & Shaped<[32, 32, C]>;
  /** The SNGAN ResNet discriminator for 32 px (CIFAR-10), or its relation form. */
  resnetDiscriminator(
    options: ResnetDiscriminatorOptions & { relation: RelationOptions },
  ): RelationDiscriminatorDecl;
  /** The single-input form: the blocks, then ReLU, sum pool and a dense score. */
  resnetDiscriminator(options?: ResnetDiscriminatorOptions): SequentialDecl;
}

function mlp(options: MlpOptions): SequentialDecl {
  const act = options.activation ?? "relu";
  const activation = act === "leaky_relu"
    ? layers.leakyRelu(options.alpha)
    : layers.activation(act);
  const init = options.init ? { init: options.init } : {};
  const blocks: LayerDecl[] = options.hidden.map((units) =>
    layers.sequential([
      layers.dense(units, init),
      ...(options.batchNorm ? [layers.batchNorm()] : []),
      activation,
    ])
  );
  if (options.output !== undefined) {
    const out = options.outputActivation ?? "linear";
    blocks.push(
      out === "linear"
        ? layers.dense(options.output, init)
        : layers.sequential([
          layers.dense(options.output, init),
          layers.activation(out),
        ]),
    );
  }
  return layers.sequential(blocks);
}

const defaultHead = (): SequentialDecl =>
  layers.sequential([layers.flatten(), layers.dense(1)]);

function mlpDiscriminator(
  options: MlpDiscriminatorOptions,
): SequentialDecl | RelationDiscriminatorDecl {
  const { relation, ...rest } = options;
  const trunk = mlp(rest);
  const init = rest.init ? { init: rest.init } : {};
  if (relation) {
    return splitTrunk(
      trunk,
      layers.sequential([layers.dense(1, init)]),
      relation,
    );
  }
  return layers.sequential([...trunk.layers, layers.dense(1, init)]);
}

/**
 * Builders for whole networks.
 *
 * @example The paper's 2-D relation discriminator
 * ```ts
 * import { networks } from "./networks.ts";
 * import assert from "node:assert/strict";
 *
 * const d = networks.mlpDiscriminator({
 *   hidden: [512, 512, 512],
 *   relation: { merge: "concat", split: 2 },
 * });
 * assert.equal(d.kind, "relation");
 * assert.equal(d.merge, "concat");
 * assert.equal(d.relation.layers.length, 1);
 * ```
 */
export const networks: NetworkBuilders = {
  mlp: mlp as NetworkBuilders["mlp"],
  relation: (trunk, options) =>
    splitTrunk(trunk, options.head ?? defaultHead(), options),
  mlpDiscriminator: mlpDiscriminator as NetworkBuilders["mlpDiscriminator"],
  dcganGenerator: dcganGenerator as NetworkBuilders["dcganGenerator"],
  dcganDiscriminator: dcganDiscriminator as NetworkBuilders[
    "dcganDiscriminator"
  ],
  resnetGenerator: resnetGenerator as NetworkBuilders["resnetGenerator"],
  resnetDiscriminator: resnetDiscriminator as NetworkBuilders[
    "resnetDiscriminator"
  ],
};
