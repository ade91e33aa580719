/**
 * The dataset table: each declared kind and the loader of `src/data/` it
 * calls with the declaration's options (the `kind` removed).
 *
 * @module
 */

import type { DataSource } from "../data/types.ts";
import type { DatasetDecl } from "../dsl/types.ts";
import { eightGaussians, swissRoll, twentyFiveGaussians } from "../data/toy.ts";
import { loadMnist } from "../data/mnist.ts";
import { loadStackedMnist } from "../data/stacked_mnist.ts";
import { loadCifar10 } from "../data/cifar10.ts";
import { loadImageFolder } from "../data/image_folder.ts";
import { loadLsun } from "../data/lsun.ts";

/** Loads the data source of one dataset kind. */
export type DatasetLoader<K extends DatasetDecl["kind"]> = (
  decl: Extract<DatasetDecl, { kind: K }>,
) => DataSource | Promise<DataSource>;

function options<T extends { kind: string }>(decl: T): Omit<T, "kind"> {
  const { kind: _, ...rest } = decl;
  return rest;
}

/** Every wired dataset kind and its loader. */
export const DATASET_LOADERS: {
  readonly [K in DatasetDecl["kind"]]?: DatasetLoader<K>;
} = {
  eight_gaussians: (d) => eightGaussians(options(d)),
  twenty_five_gaussians: (d) => twentyFiveGaussians(options(d)),
  swiss_roll: (d) => swissRoll(options(d)),
  mnist: (d) => loadMnist(options(d)),
  stacked_mnist: (d) => {
    const { mnist, ...rest } = options(d);
    return loadStackedMnist({
      ...rest,
      ...(mnist ? { mnist: options(mnist) } : {}),
    });
  },
  cifar10: (d) => loadCifar10(options(d)),
  image_folder: (d) => loadImageFolder(options(d)),
  lsun: (d) => loadLsun(options(d)),
};

/**
 * Loads the data source a dataset declaration names.
 *
 * @param decl A valid dataset declaration.
 * @returns The loader's data source.
 * @throws {TypeError} When no loader is wired for the kind.
 */
export async function loadDataset(decl: DatasetDecl): Promise<DataSource> {
  const loader = DATASET_LOADERS[decl.kind] as
    | DatasetLoader<typeof decl.kind>
    | undefined;
  if (loader === undefined) {
    throw new TypeError(
      `Cannot load the dataset: kind "${decl.kind}" has no loader in this build; wired kinds are ${
        Object.keys(DATASET_LOADERS).join(", ")
      }`,
    );
  }
  return await loader(decl as never);
}
