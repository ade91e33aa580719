/**
 * relgan: Relation GANs in TypeScript on TensorFlow.js.
 *
 * A Relation GAN's discriminator is a relation network that scores pairs of
 * samples (same distribution or not) and is trained with a triplet loss.
 *
 * @module
 */

export * from "./src/backend/mod.ts";
export { Rng, type RngState } from "./src/random.ts";
export type * from "./src/compiler/types.ts";
export type * from "./src/losses/types.ts";
export * from "./src/losses/mod.ts";
export type * from "./src/data/types.ts";
export * from "./src/data/mod.ts";
export * from "./src/classifier/mod.ts";
export * from "./src/metrics/mod.ts";
export * from "./src/dsl/mod.ts";
export * from "./src/compiler/mod.ts";
export * from "./src/engine/mod.ts";
export * from "./src/report/mod.ts";
export * from "./src/suite/mod.ts";
