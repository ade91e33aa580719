/**
 * Builders for dataset declarations.
 *
 * Adding a kind touches one entry in each table, nothing else: its type in
 * `types.ts` (and the `DatasetDecl` union), its fields in
 * `_schema.ts`, its per-example shape in `shapes.ts` (`datasetShape`), its
 * loader in `src/compiler/dataset_table.ts`, and a builder here.
 *
 * @module
 */

import { built } from "./_build.ts";
import type {
  BuilderOptions,
  Cifar10Decl,
  EightGaussiansDecl,
  ImageFolderDecl,
  LsunDecl,
  MnistDecl,
  Shaped,
  StackedMnistDecl,
  SwissRollDecl,
  TwentyFiveGaussiansDecl,
} from "./types.ts";

/** The `[h, w]` of an image `size` option (a side or a pair). */
export type Side<S> = S extends number ? [S, S]
  : S extends readonly [infer H extends number, infer W extends number] ? [H, W]
  : [number, number];
/** The `[h, w, c]` shape of an image dataset with `size` S and `channels` C. */
export type ImageShape<S, C> = [...Side<S>, C extends 1 ? 1 : 3];

/** The dataset builders; see each declaration type for fields and defaults. */
export interface DatasetBuilders {
  /** 8 Gaussians on a circle, `[2]`. */
  eightGaussians(
    options?: BuilderOptions<EightGaussiansDecl>,
  ): EightGaussiansDecl & Shaped<[2]>;
  /** 25 Gaussians on a 5 × 5 grid, `[2]`. */
  twentyFiveGaussians(
    options?: BuilderOptions<TwentyFiveGaussiansDecl>,
  ): TwentyFiveGaussiansDecl & Shaped<[2]>;
  /** The Swiss roll, `[2]`. */
  swissRoll(
    options?: BuilderOptions<SwissRollDecl>,
  ): SwissRollDecl & Shaped<[2]>;
  /** MNIST, `[28, 28, 1]`. */
  mnist(options?: BuilderOptions<MnistDecl>): MnistDecl & Shaped<[28, 28, 1]>;
  /** Stacked MNIST, `[28, 28, 3]`. */
  stackedMnist<S extends 28 | 32 = 28>(
    options?: BuilderOptions<StackedMnistDecl> & { readonly imageSize?: S },
  ): StackedMnistDecl & Shaped<[S, S, 3]>;
  /** CIFAR-10, `[32, 32, 3]`. */
  cifar10(
    options?: BuilderOptions<Cifar10Decl>,
  ): Cifar10Decl & Shaped<[32, 32, 3]>;
  /** A folder of images, `[size, size, 3]`. */
  imageFolder<
    const S extends number | readonly [number, number],
    C extends 1 | 3 = 3,
  >(
    options: BuilderOptions<ImageFolderDecl> & {
      readonly size: S;
      readonly channels?: C;
    },
  ): ImageFolderDecl & Shaped<ImageShape<S, C>>;
  /** LSUN from LMDB, `[size, size, 3]`. */
  lsun<
    const S extends number | readonly [number, number],
    C extends 1 | 3 = 3,
  >(
    options: BuilderOptions<LsunDecl> & {
      readonly size: S;
      readonly channels?: C;
    },
  ): LsunDecl & Shaped<ImageShape<S, C>>;
}

/**
 * Builders for every dataset kind.
 *
 * @example Toy datasets
 * ```ts
 * import { datasets } from "./datasets.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(datasets.eightGaussians(), { kind: "eight_gaussians" });
 * assert.throws(() => datasets.eightGaussians({ std: -1 }), RangeError);
 * ```
 */
export const datasets: DatasetBuilders = {
  // The shape tags are type-only; the values are the plain declarations.
  eightGaussians: (o = {}) =>
    built("dataset", { kind: "eight_gaussians", ...o }),
  twentyFiveGaussians: (o = {}) =>
    built("dataset", { kind: "twenty_five_gaussians", ...o }),
  swissRoll: (o = {}) => built("dataset", { kind: "swiss_roll", ...o }),
  mnist: (o = {}) => built("dataset", { kind: "mnist", ...o }),
  stackedMnist: (o = {}) => built("dataset", { kind: "stacked_mnist", ...o }),
  cifar10: (o = {}) => built("dataset", { kind: "cifar10", ...o }),
  imageFolder: (o) => built("dataset", { kind: "image_folder", ...o }),
  lsun: (o) => built("dataset", { kind: "lsun", ...o }),
};
