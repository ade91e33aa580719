/**
 * The training engine: {@linkcode train} runs a compiled experiment, with
 * explicit state ({@linkcode initTrainState}, {@linkcode trainStep}), Adam
 * over explicit moments, atomic checkpoints that resume bit for bit on the
 * deterministic backends, divergence handling, and progress as records.
 *
 * ## Limitations
 *
 * - Bit-identical resume holds on `cpu` and single-threaded `wasm`; GPU
 *   backends may reorder floating-point reductions between runs.
 * - Only float32 tensors are checkpointed.
 *
 * @module
 */

export { type AdamState, adamUpdate, disposeAdam, initAdam } from "./adam.ts";
export {
  canonicalJson,
  captureCheckpoint,
  type Checkpoint,
  CHECKPOINT_FILE,
  type CheckpointTensor,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  restoreTrainState,
  writeCheckpoint,
} from "./checkpoint.ts";
export { train, type TrainOptions } from "./train.ts";
export type {
  CheckpointRecord,
  DivergedRecord,
  Divergence,
  EndRecord,
  EvalRecord,
  SampleRecord,
  StartRecord,
  StepRecord,
  TrainRecord,
  TrainSummary,
} from "./train_record.ts";
export {
  disposeTrainState,
  forkStreams,
  initTrainState,
  type RngStreams,
  STREAM_NAMES,
  type StreamName,
  type TrainState,
} from "./train_state.ts";
export { type StepResult, trainStep } from "./train_step.ts";
