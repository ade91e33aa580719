/**
 * The batching pipeline between a {@linkcode DataSource} and training: it
 * keeps the next batches drawn ahead so that a training step never waits
 * for data, and measures the images per second it delivers.
 *
 * @module
 */

import { Rng, type RngState } from "../random.ts";
import type { DataSource } from "./types.ts";

/** Options of {@linkcode batchPipeline}. */
export interface BatchPipelineOptions {
  /** How many batches to keep drawn ahead of the one delivered. @default {2} */
  readonly prefetch?: number;
}

/** A stream of batches drawn ahead of use. */
export interface BatchPipeline {
  /** `[batchSize, ...source.shape]`. */
  readonly batchShape: readonly number[];
  /**
   * Delivers the next batch (`batchSize × prod(shape)` values) and starts
   * drawing the following ones in the background (a macrotask), so they are
   * drawn while the caller's step awaits the device.
   */
  next(): Promise<Float32Array>;
  /**
   * The data generator's state right after the last delivered batch was
   * drawn (before any batch drawn ahead). A checkpoint stores this; a
   * pipeline restarted from it delivers the same batches as one that never
   * stopped.
   */
  state(): RngState;
  /** Stops drawing ahead and drops the batches drawn ahead. */
  close(): void;
}

/**
 * Builds a pipeline that draws batches from `source` in order with a
 * generator restored from `rngState`. Batch k is always the k-th draw, so
 * prefetching never changes which examples a run sees.
 *
 * @param source The data.
 * @param rngState State of the run's data generator (`rng.state()`).
 * @param batchSize Examples per batch.
 * @param options `prefetch` depth.
 * @returns The pipeline.
 * @throws {RangeError} When `batchSize` or `prefetch` is not a positive
 * integer (prefetch may be 0).
 *
 * @example Same batches as drawing directly
 * ```ts
 * import { batchPipeline } from "./batch_pipeline.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const source = {
 *   name: "counter", shape: [1], size: Infinity,
 *   sample: (rng: Rng, n: number) => rng.uniform(n),
 * };
 * const pipe = batchPipeline(source, new Rng(4).state(), 3);
 * const direct = new Rng(4);
 * assert.deepEqual(await pipe.next(), direct.uniform(3));
 * assert.deepEqual(await pipe.next(), direct.uniform(3));
 * assert.deepEqual(pipe.state(), direct.state());
 * pipe.close();
 * ```
 */
export function batchPipeline(
  source: DataSource,
  rngState: RngState,
  batchSize: number,
  options: BatchPipelineOptions = {},
): BatchPipeline {
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot build a batch pipeline: batchSize must be a positive integer, current value is ${batchSize}`,
    );
  }
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw new RangeError(
      `Cannot build a batch pipeline: prefetch must be a non-negative integer, current value is ${prefetch}`,
    );
  }
  const rng = Rng.fromState(rngState);
  const ready: Array<{ batch: Float32Array; after: RngState }> = [];
  let delivered: RngState = rng.state();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const draw = () => {
    const batch = source.sample(rng, batchSize);
    ready.push({ batch, after: rng.state() });
  };
  const fill = () => {
    timer = undefined;
    if (closed) return;
    // One batch per macrotask, so a long fill yields to the training loop.
    if (ready.length < prefetch) {
      draw();
      if (ready.length < prefetch) timer = setTimeout(fill, 0);
    }
  };

  return {
    batchShape: [batchSize, ...source.shape],
    next(): Promise<Float32Array> {
      if (closed) {
        return Promise.reject(
          new Error("Cannot draw a batch: the pipeline is closed"),
        );
      }
      if (ready.length === 0) draw();
      const { batch, after } = ready.shift()!;
      delivered = after;
      if (timer === undefined && prefetch > 0) timer = setTimeout(fill, 0);
      return Promise.resolve(batch);
    },
    state(): RngState {
      return delivered;
    },
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      ready.length = 0;
    },
  };
}

/** Options of {@linkcode measureDataThroughput}. */
export interface ThroughputOptions {
  /** Examples per batch. @default {64} */
  readonly batchSize?: number;
  /** Batches to time (after one untimed warm-up batch). @default {50} */
  readonly batches?: number;
  /** Seed of the data generator. @default {0} */
  readonly seed?: number;
  /** Prefetch depth of the pipeline. @default {2} */
  readonly prefetch?: number;
  /**
   * A stand-in for the training step, called with each batch; when given,
   * the result also reports the time spent waiting for data.
   * @default {undefined}
   */
  readonly consume?: (batch: Float32Array) => unknown | Promise<unknown>;
}

/** What {@linkcode measureDataThroughput} measured. */
export interface ThroughputResult {
  /** Images delivered per second of wall time (with `consume`: of the whole loop). */
  readonly imagesPerSecond: number;
  /** Images the pipeline could deliver per second of time spent waiting in `next()`. */
  readonly deliveryImagesPerSecond: number;
  /** Total wall time in milliseconds. */
  readonly ms: number;
  /** Milliseconds spent inside `next()`, i.e. waiting for data. */
  readonly waitMs: number;
  /** Images timed. */
  readonly images: number;
}

/**
 * Times a {@linkcode batchPipeline} over `source`: images per second
 * delivered, and, when `consume` stands in for the training step, how much
 * of the loop was spent waiting for data (`waitMs / ms` near 0 means data
 * is not the bottleneck). For the benchmark; never used in timed tests.
 *
 * @param source The data.
 * @param options Batch size, batch count, seed, prefetch, consumer.
 * @returns The rates and times.
 *
 * @example Measuring a sampler
 * ```ts
 * import { measureDataThroughput } from "./batch_pipeline.ts";
 * import { Rng } from "../random.ts";
 * import assert from "node:assert/strict";
 *
 * const source = {
 *   name: "noise", shape: [8], size: Infinity,
 *   sample: (rng: Rng, n: number) => rng.uniform(n * 8),
 * };
 * const r = await measureDataThroughput(source, { batchSize: 16, batches: 5 });
 * assert.equal(r.images, 80);
 * assert.ok(r.imagesPerSecond > 0);
 * ```
 */
export async function measureDataThroughput(
  source: DataSource,
  options: ThroughputOptions = {},
): Promise<ThroughputResult> {
  const batchSize = options.batchSize ?? 64;
  const batches = options.batches ?? 50;
  if (!Number.isInteger(batches) || batches < 1) {
    throw new RangeError(
      `Cannot measure throughput: batches must be a positive integer, current value is ${batches}`,
    );
  }
  const pipe = batchPipeline(
    source,
    new Rng(options.seed ?? 0).fork("data").state(),
    batchSize,
    { prefetch: options.prefetch ?? 2 },
  );
  await options.consume?.(await pipe.next());
  let waitMs = 0;
  const start = performance.now();
  for (let k = 0; k < batches; k++) {
    const t = performance.now();
    const batch = await pipe.next();
    waitMs += performance.now() - t;
    await options.consume?.(batch);
    // Without a consumer, yield so the background fill runs as in training.
    if (options.consume === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const ms = performance.now() - start;
  pipe.close();
  const images = batches * batchSize;
  // Without a consumer, the wall time includes the background draws too.
  const deliveryMs = options.consume === undefined ? ms : waitMs;
  return {
    imagesPerSecond: images / (ms / 1000),
    deliveryImagesPerSecond: images / (Math.max(deliveryMs, 1e-3) / 1000),
    ms,
    waitMs,
    images,
  };
}
