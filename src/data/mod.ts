/**
 * Datasets: MNIST (embedded or IDX), Stacked MNIST, CIFAR-10 (official
 * binary), image folders (JPEG/PNG) and LSUN (LMDB), all as
 * {@linkcode DataSource}s of `[h, w, c]` images in [-1, 1], and the batching
 * pipeline that feeds training.
 *
 * @module
 */

export type * from "./types.ts";
export { DataError, type SkippedFile } from "./data_error.ts";
export {
  type ImageSource,
  imageSource,
  type ImageSourceInit,
} from "./image_source.ts";
export { type IdxArray, parseIdx, readIdxFile } from "./idx.ts";
export { loadMnist, type MnistOptions } from "./mnist.ts";
export {
  loadStackedMnist,
  type StackedMnistOptions,
  type StackedMnistSource,
} from "./stacked_mnist.ts";
export {
  CIFAR10_CLASSES,
  CIFAR10_MD5,
  CIFAR10_RECORD_BYTES,
  CIFAR10_URL,
  type Cifar10Options,
  decodeCifar10Records,
  downloadCifar10,
  encodeCifar10Records,
  loadCifar10,
} from "./cifar10.ts";
export {
  type ImageFolderOptions,
  loadImageFolder,
  type ResizeOptions,
} from "./image_folder.ts";
export { loadLsun, type LsunOptions } from "./lsun.ts";
export {
  type BatchPipeline,
  batchPipeline,
  type BatchPipelineOptions,
  measureDataThroughput,
  type ThroughputOptions,
  type ThroughputResult,
} from "./batch_pipeline.ts";
export * from "./toy.ts";
