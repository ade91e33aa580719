/**
 * The DCGAN generator and discriminator of Miyato et al. (2018), "Spectral
 * Normalization for Generative Adversarial Networks", appendix B, table 3,
 * which the Relation GAN paper uses for CelebA, LSUN and CelebA-HQ.
 *
 * The table gives the 32 px networks. For 64 and 128 px each doubling adds
 * one stage: the generator one more 4×4 stride-2 transposed convolution,
 * the discriminator one more (3×3 stride 1, 4×4 stride 2) pair, with
 * channels doubling per stage from `baseChannels` and capped at
 * `maxChannels`. The generator's batch norm after the dense layer
 * normalises the 512 channels of the reshaped `[4, 4, 512]` map.
 *
 * @module
 */

import { built } from "./_build.ts";
import { type RelationOptions, splitTrunk } from "./_split.ts";
import { layers } from "./layers.ts";
import type {
  InitKind,
  LayerDecl,
  RelationDiscriminatorDecl,
  SequentialDecl,
} from "./types.ts";

/** Options of the DCGAN builders. */
export interface DcganOptions {
  /** Image side: 32, 64 or 128. */
  readonly size: 32 | 64 | 128;
  /** Image channels the generator produces. @default {3} */
  readonly channels?: number;
  /** Channels of the last generator stage and the first discriminator stage. @default {64} */
  readonly baseChannels?: number;
  /** Largest number of channels of any stage. @default {512} */
  readonly maxChannels?: number;
  /** Slope of the discriminator's leaky ReLU. @default {0.1} */
  readonly alpha?: number;
  /** Spectral normalisation on every weight layer of the discriminator. @default {false} */
  readonly spectralNorm?: boolean;
  /** Weight initialiser. @default {"normal_002"} */
  readonly init?: InitKind;
  /** The discriminator's relation form. @default {undefined} */
  readonly relation?: RelationOptions;
}

function stages(size: number): number {
  if (size !== 32 && size !== 64 && size !== 128) {
    throw new RangeError(
      `Cannot build a DCGAN network for ${size} px images: the size must be 32, 64 or 128, current value is ${size}`,
    );
  }
  return Math.log2(size / 4);
}

/**
 * The generator: dense → `[4, 4, c0]`, BN, ReLU; per stage a 4×4 stride-2
 * transposed convolution, BN, ReLU; a 3×3 convolution to `channels`, tanh.
 * Maps `[batch, latentDim]` to `[batch, size, size, channels]`.
 */
export function dcganGenerator(options: DcganOptions): SequentialDecl {
  const n = stages(options.size);
  const base = options.baseChannels ?? 64;
  const max = options.maxChannels ?? 512;
  const init = options.init ?? "normal_002";
  const ch = (i: number) => Math.min(max, base * 2 ** (n - i));
  const blocks: LayerDecl[] = [
    layers.sequential([
      layers.dense(4 * 4 * ch(0), { init }),
      layers.reshape([4, 4, ch(0)]),
      layers.batchNorm(),
      layers.relu(),
    ]),
  ];
  for (let i = 1; i <= n; i++) {
    blocks.push(layers.sequential([
      layers.conv2dTranspose(ch(i), 4, { stride: 2, init }),
      layers.batchNorm(),
      layers.relu(),
    ]));
  }
  blocks.push(layers.sequential([
    layers.conv2d(options.channels ?? 3, 3, { init }),
    layers.tanh(),
  ]));
  return layers.sequential(blocks);
}

/**
 * The discriminator trunk: per stage (3×3 stride 1, leaky ReLU, 4×4
 * stride 2, leaky ReLU), then 3×3 stride 1, leaky ReLU; the head flattens
 * and maps to one score.
 */
export function dcganDiscriminator(
  options: DcganOptions,
): SequentialDecl | RelationDiscriminatorDecl {
  const n = stages(options.size);
  const base = options.baseChannels ?? 64;
  const max = options.maxChannels ?? 512;
  const init = options.init ?? "normal_002";
  const spectralNorm = options.spectralNorm ?? false;
  const ch = (i: number) => Math.min(max, base * 2 ** (i - 1));
  const act = layers.leakyRelu(options.alpha ?? 0.1);
  const conv = (c: number, k: number, stride: number) =>
    layers.conv2d(c, k, { stride, init, spectralNorm });
  const trunk: LayerDecl[] = [];
  for (let i = 1; i <= n; i++) {
    trunk.push(layers.sequential([
      conv(ch(i), 3, 1),
      act,
      conv(ch(i), 4, 2),
      act,
    ]));
  }
  trunk.push(layers.sequential([conv(ch(n + 1), 3, 1), act]));
  const head = layers.sequential([
    layers.flatten(),
    layers.dense(1, { init, spectralNorm }),
  ]);
  if (options.relation) {
    return splitTrunk(layers.sequential(trunk), head, options.relation);
  }
  return built("sequential", {
    kind: "sequential",
    layers: [...trunk, ...head.layers],
  } as SequentialDecl);
}
