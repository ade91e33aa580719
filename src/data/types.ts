/**
 * The contract between datasets and the training engine.
 *
 * @module
 */

import type { Rng } from "../random.ts";

/**
 * A source of training examples. Images are `[h, w, c]` with values in
 * [-1, 1]; 2-D toys are `[2]`.
 */
export interface DataSource {
  /** A short name for logs, e.g. `"8 gaussians"` or `"mnist (10000)"`. */
  readonly name: string;
  /** Per-example shape, without the batch axis. */
  readonly shape: readonly number[];
  /** Number of stored examples, or `Infinity` for a sampler. */
  readonly size: number;
  /**
   * Draws a batch. Deterministic given the generator's state.
   *
   * @param rng The run's data generator; advanced by the draw.
   * @param n Batch size.
   * @returns `n` examples, row-major, `n × prod(shape)` values.
   */
  sample(rng: Rng, n: number): Float32Array;
}
