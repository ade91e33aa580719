/**
 * What {@linkcode train} reports while it runs and when it ends. The library
 * never prints; the command line formats these records.
 *
 * @module
 */

import type { ScoreRecord } from "../metrics/types.ts";

/** The run started (fresh, or resumed from a checkpoint). */
export interface StartRecord {
  readonly kind: "start";
  readonly run: string;
  /** Generator updates already done: 0, or the checkpoint's step. */
  readonly step: number;
  readonly iterations: number;
  readonly resumed: boolean;
  /** The run directory, or `null` when nothing is written. */
  readonly outDir: string | null;
}

/** A logged step (every `plan.logEvery` steps, and the last). */
export interface StepRecord {
  readonly kind: "step";
  readonly step: number;
  readonly iterations: number;
  /** `d/total`, `d/<term>`, `g/total`, `g/<term>`. */
  readonly losses: Readonly<Record<string, number>>;
  readonly learningRates: {
    readonly generator: number;
    readonly discriminator: number;
  };
  /** Seconds since the run started, including time before a resume. */
  readonly timeS: number;
  /** Steps per second since the previous logged step. */
  readonly stepsPerS: number;
}

/**
 * A step finished (every step, logged or not), for progress bars; it
 * carries no losses, which only logged steps read off the device.
 */
export interface TickRecord {
  readonly kind: "tick";
  readonly step: number;
  readonly iterations: number;
  /** Seconds since the run started, including time before a resume. */
  readonly timeS: number;
}

/** A sample image was written. */
export interface SampleRecord {
  readonly kind: "sample";
  readonly step: number;
  readonly path: string;
}

/** A checkpoint was written. */
export interface CheckpointRecord {
  readonly kind: "checkpoint";
  readonly step: number;
  readonly path: string;
}

/** The evaluators ran. */
export interface EvalRecord {
  readonly kind: "eval";
  readonly step: number;
  readonly checkpoint: "final" | "scheduled";
  readonly scores: ScoreRecord;
}

/** Why a run stopped early because a value stopped being finite. */
export interface Divergence {
  /** The step whose update produced the value. */
  readonly step: number;
  /** What was not finite: a loss term such as `d/total`, or `generator weights`. */
  readonly term: string;
  /** The value: `NaN`, `Infinity` or `-Infinity`, as text. */
  readonly value: string;
  /** The step of the last checkpoint kept, or `null` when none was written. */
  readonly lastCheckpointStep: number | null;
  /** One line for the user: step, term, value, what was kept, the fix. */
  readonly message: string;
}

/** The run stopped because a loss or a weight became non-finite. */
export interface DivergedRecord extends Divergence {
  readonly kind: "diverged";
}

/** What a run wrote to `summary.json` and what {@linkcode train} returns. */
export interface TrainSummary {
  /** `completed`, `diverged`, or `failed` (an exception; it is rethrown). */
  readonly status: "completed" | "diverged" | "failed";
  readonly run: string;
  /** Generator updates done. */
  readonly steps: number;
  readonly iterations: number;
  /** The losses of the last step. */
  readonly final: Readonly<Record<string, number>>;
  /** Evaluator scores of the final evaluation, under their own keys. */
  readonly scores: ScoreRecord;
  /** Wall time of the whole run in seconds, including time before a resume. */
  readonly timeS: number;
  /** The backend line, e.g. `backend cpu (JavaScript): requested`. */
  readonly backend: string;
  /** The checkpoint step this process resumed from, or `null`. */
  readonly resumedFrom: number | null;
  readonly divergence: Divergence | null;
  /** The error message when `status` is `failed`. */
  readonly error: string | null;
  readonly outDir: string | null;
}

/** The run ended; `summary` is what `summary.json` holds. */
export interface EndRecord {
  readonly kind: "end";
  readonly summary: TrainSummary;
}

/** Any record {@linkcode train} reports. */
export type TrainRecord =
  | StartRecord
  | StepRecord
  | TickRecord
  | SampleRecord
  | CheckpointRecord
  | EvalRecord
  | DivergedRecord
  | EndRecord;
