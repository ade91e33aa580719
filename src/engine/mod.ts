/**
 * The training engine: {@linkcode train} runs a compiled experiment, with
 * explicit state ({@linkcode initTrainState}, {@linkcode trainStep}), Adam
 * over explicit moments, atomic checkpoints that resume bit for bit on the
 * deterministic backends, divergence handling, and progress as records.
 *
 * ## The relation loss's pairs
 *
 * Every update draws x1 and, for pair losses, an independent second real
 * batch x2 from the `data` stream. y2 is the generated batch of the
 * previous update (discriminator or generator), detached and kept in
 * {@linkcode TrainState} (`fakePrev`) and in checkpoints. Before the very
 * first update there is no previous batch, so y2 is then an independent
 * batch from the initial generator, drawn with latents from the `init`
 * stream (not the `latent` stream, which the updates use).
 *
 * ## The run directory
 *
 * - `spec.yaml`: the resolved declaration.
 * - `command.json`: argv, seed, backend line, and every resume.
 * - `metrics.jsonl`: one object per logged step (`step`, `d/<term>`,
 *   `g/<term>`, `lr/generator`, `lr/discriminator`, `time_s`,
 *   `steps_per_s`) and one per evaluation (`step`, `checkpoint`:
 *   `scheduled` or `final`, `eval`: the scores).
 * - `summary.json`: status (`completed`, `diverged`, `failed`), the final
 *   losses, the evaluator scores under their keys, time and backend.
 * - `checkpoint.ckpt`: the latest checkpoint, replaced atomically.
 * - `samples/step_<step>.png`: image grids or 2-D scatter plots.
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
  TickRecord,
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
