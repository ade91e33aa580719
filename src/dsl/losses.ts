/**
 * Builders for loss declarations. Pair losses (`relation`, `siamese`) have
 * the type {@linkcode PairLossDecl} and only fit a relation discriminator.
 *
 * @module
 */

import { built } from "./_build.ts";
import type {
  BuilderOptions,
  HingeLossDecl,
  LsganLossDecl,
  RelationLossDecl,
  RelativisticLossDecl,
  SiameseLossDecl,
  VanillaLossDecl,
  WganGpLossDecl,
} from "./types.ts";
export type { PairLossDecl, SingleLossDecl } from "./types.ts";

/** The loss builders; see each declaration type for fields and defaults. */
export interface LossBuilders {
  /** The triplet relation loss (paper section 3.2). */
  relation(options?: BuilderOptions<RelationLossDecl>): RelationLossDecl;
  /** The siamese loss (paper table 7). */
  siamese(options?: BuilderOptions<SiameseLossDecl>): SiameseLossDecl;
  /** The original GAN loss. */
  vanilla(options?: BuilderOptions<VanillaLossDecl>): VanillaLossDecl;
  /** Least squares. */
  lsgan(): LsganLossDecl;
  /** WGAN-GP. */
  wganGp(options?: BuilderOptions<WganGpLossDecl>): WganGpLossDecl;
  /** RSGAN, or RaGAN with `average: true`. */
  relativistic(
    options?: BuilderOptions<RelativisticLossDecl>,
  ): RelativisticLossDecl;
  /** Hinge. */
  hinge(): HingeLossDecl;
}

/**
 * Builders for every loss kind.
 *
 * @example The relation loss with a constant margin
 * ```ts
 * import { losses } from "./losses.ts";
 * import assert from "node:assert/strict";
 *
 * const l = losses.relation({ margin: { kind: "constant", value: 1 } });
 * assert.equal(l.kind, "relation");
 * assert.throws(() => losses.wganGp({ lambda: -1 }), RangeError);
 * ```
 */
export const losses: LossBuilders = {
  relation: (o = {}) => built("loss", { kind: "relation", ...o }),
  siamese: (o = {}) => built("loss", { kind: "siamese", ...o }),
  vanilla: (o = {}) => built("loss", { kind: "vanilla", ...o }),
  lsgan: () => built("loss", { kind: "lsgan" }),
  wganGp: (o = {}) => built("loss", { kind: "wgan_gp", ...o }),
  relativistic: (o = {}) => built("loss", { kind: "relativistic", ...o }),
  hinge: () => built("loss", { kind: "hinge" }),
};
