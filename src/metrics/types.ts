/**
 * The contract between evaluation metrics and the training engine.
 *
 * @module
 */

import type { DataSource } from "../data/types.ts";
import type { Rng } from "../random.ts";

/** What an evaluator may use: the generator, the real data, a seeded stream. */
export interface EvalContext {
  /**
   * Draws `n` generated samples in data space (the EMA generator's when the
   * declaration asks for one), row-major, `n × prod(shape)` values.
   */
  generate(n: number): Promise<Float32Array>;
  /** The run's real data. */
  readonly data: DataSource;
  /** A generator reserved for this evaluation. */
  readonly rng: Rng;
  /** Per-example shape of the samples. */
  readonly shape: readonly number[];
  /** Whether this is the final evaluation of the run or a scheduled one. */
  readonly checkpoint: "final" | "scheduled";
}

/** A JSON-serialisable record of scores, e.g. `{ fid: 12.3, fid_protocol: {...} }`. */
export type ScoreRecord = Readonly<Record<string, unknown>>;

/** A metric the engine computes on schedule and writes to metrics.jsonl and summary.json. */
export interface Evaluator {
  /** Key prefix, e.g. `"fid"` or `"modes"`. */
  readonly name: string;
  evaluate(context: EvalContext): Promise<ScoreRecord>;
}
