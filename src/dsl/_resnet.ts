/**
 * The SNGAN ResNet for 32 px images (CIFAR-10) of Miyato et al. (2018),
 * appendix B, table 4, after Gulrajani et al. (2017): the architecture the
 * Relation GAN paper uses for CIFAR-10, with spectral normalisation
 * removed (here off by default, available as an option).
 *
 * @module
 */

import { built } from "./_build.ts";
import { type RelationOptions, splitTrunk } from "./_split.ts";
import { layers } from "./layers.ts";
import type {
  InitKind,
  RelationDiscriminatorDecl,
  SequentialDecl,
} from "./types.ts";

/** Options of the ResNet generator. */
export interface ResnetGeneratorOptions {
  /** Channels of every block. @default {256} */
  readonly channels?: number;
  /** Image channels produced. @default {3} */
  readonly outChannels?: number;
  /** Spectral normalisation on every weight layer. @default {false} */
  readonly spectralNorm?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
}

/** Options of the ResNet discriminator. */
export interface ResnetDiscriminatorOptions {
  /** Channels of every block. @default {128} */
  readonly channels?: number;
  /** Spectral normalisation on every weight layer (SNGAN); the paper removes it. @default {false} */
  readonly spectralNorm?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
  /** The relation form. @default {undefined} */
  readonly relation?: RelationOptions;
}

/**
 * z → dense `[4, 4, ch]` → three up-sampling residual blocks with batch
 * norm → BN, ReLU, 3×3 conv to 3 channels, tanh: `[batch, latentDim]` →
 * `[batch, 32, 32, 3]`.
 */
export function resnetGenerator(
  options: ResnetGeneratorOptions = {},
): SequentialDecl {
  const ch = options.channels ?? 256;
  const common = {
    spectralNorm: options.spectralNorm ?? false,
    init: options.init ?? "glorot_uniform",
  } as const;
  const block = () =>
    layers.resBlock(ch, { resample: "up", batchNorm: true, ...common });
  return layers.sequential([
    layers.sequential([
      layers.dense(4 * 4 * ch, common),
      layers.reshape([4, 4, ch]),
    ]),
    block(),
    block(),
    block(),
    layers.sequential([
      layers.batchNorm(),
      layers.relu(),
      layers.conv2d(options.outChannels ?? 3, 3, common),
      layers.tanh(),
    ]),
  ]);
}

/**
 * The optimised down-sampling block, a down-sampling block, two plain
 * blocks (the trunk), then ReLU, a global sum pool and a dense score (the
 * head): `[batch, 32, 32, 3]` → `[batch, 1]`.
 *
 * In the relation form, `split` counts trunk blocks with the optimised
 * first block included. Reading the paper's table 8 as that first block
 * (its "first conv layer") followed by n + m residual blocks, its "n + m"
 * is `split: n + 1`, and "no EM" is `merge: "packed"`.
 */
export function resnetDiscriminator(
  options: ResnetDiscriminatorOptions = {},
): SequentialDecl | RelationDiscriminatorDecl {
  const ch = options.channels ?? 128;
  const common = {
    spectralNorm: options.spectralNorm ?? false,
    init: options.init ?? "glorot_uniform",
  } as const;
  const trunk = layers.sequential([
    layers.resBlock(ch, { resample: "down", first: true, ...common }),
    layers.resBlock(ch, { resample: "down", ...common }),
    layers.resBlock(ch, common),
    layers.resBlock(ch, common),
  ]);
  const head = layers.sequential([
    layers.relu(),
    layers.globalSumPool(),
    layers.dense(1, common),
  ]);
  if (options.relation) return splitTrunk(trunk, head, options.relation);
  return built("sequential", {
    kind: "sequential",
    layers: [...trunk.layers, ...head.layers],
  } as SequentialDecl);
}
