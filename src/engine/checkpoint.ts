/**
 * Checkpoints: the whole training state in one file, written atomically.
 *
 * File layout: the 8 bytes `RELGANCK`, a little-endian uint32 header
 * length, the header as UTF-8 JSON (step, declaration, random states, Adam
 * counts, and a table of tensors with their shapes and offsets), zero
 * padding to a multiple of 4 bytes, then every tensor's float32 values,
 * little-endian, in table order.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { CompiledExperiment } from "../compiler/types.ts";
import { Rng, type RngState } from "../random.ts";
import {
  STREAM_NAMES,
  type StreamName,
  type TrainState,
} from "./train_state.ts";

/** The checkpoint file's name inside a run directory. */
export const CHECKPOINT_FILE = "checkpoint.ckpt";

const MAGIC = "RELGANCK";
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const VERSION = 1;

/** One stored tensor. */
export interface CheckpointTensor {
  /** The variable's name where it has one (weights), for error messages. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** The training state as plain data, ready to write or just read. */
export interface Checkpoint {
  /** Generator updates completed. */
  readonly step: number;
  /**
   * The resolved declaration the run was compiled from, as JSON keeps it
   * (an infinite number reads back as `null`; the run's spec.yaml keeps
   * it). Resuming compares it with the new declaration the same way.
   */
  readonly declaration: unknown;
  /** Every random stream's state. */
  readonly rng: Readonly<Record<StreamName, RngState>>;
  /** Adam's update counts. */
  readonly adamSteps: {
    readonly generator: number;
    readonly discriminator: number;
  };
  /**
   * Tensors by key: `generator/variables/<i>`, `generator/state/<i>`,
   * `discriminator/variables/<i>`, `discriminator/state/<i>`,
   * `adam/<network>/m/<i>`, `adam/<network>/v/<i>`, `ema/<i>` and
   * `history/fake_prev`.
   */
  readonly tensors: Readonly<Record<string, CheckpointTensor>>;
  /** Wall time the run had spent when the checkpoint was written, in seconds. */
  readonly elapsedS?: number;
}

/**
 * Reads the training state off the device into a {@linkcode Checkpoint}.
 *
 * @param compiled The experiment being trained.
 * @param state Its current state.
 * @returns A copy of everything needed to continue exactly.
 */
export async function captureCheckpoint(
  compiled: CompiledExperiment,
  state: TrainState,
): Promise<Checkpoint> {
  const entries: Array<{ key: string; name: string; tensor: tf.Tensor }> = [];
  const put = (key: string, t: tf.Tensor, name = "") => {
    if (t.dtype !== "float32") {
      throw new TypeError(
        `Cannot checkpoint ${key} (${name}): only float32 tensors are stored, its dtype is ${t.dtype}`,
      );
    }
    entries.push({ key, name, tensor: t });
  };
  const putAll = (prefix: string, list: readonly tf.Tensor[], named = true) =>
    list.forEach((t, i) =>
      put(`${prefix}/${i}`, t, named ? (t as tf.Variable).name : "")
    );
  putAll("generator/variables", state.weights.generator);
  putAll("generator/state", state.weights.generatorState);
  putAll("discriminator/variables", state.weights.discriminator);
  putAll("discriminator/state", state.weights.discriminatorState);
  for (const net of ["generator", "discriminator"] as const) {
    putAll(`adam/${net}/m`, state.adam[net].m, false);
    putAll(`adam/${net}/v`, state.adam[net].v, false);
  }
  if (state.ema) putAll("ema", state.ema, false);
  if (state.fakePrev) put("history/fake_prev", state.fakePrev);
  const tensors: Record<string, CheckpointTensor> = {};
  const values = await Promise.all(entries.map((e) => e.tensor.data())); // device sync
  entries.forEach((e, i) => {
    tensors[e.key] = {
      name: e.name,
      shape: [...e.tensor.shape],
      values: (values[i] as Float32Array).slice(),
    };
  });
  return {
    step: state.step,
    declaration: compiled.declaration,
    rng: Object.fromEntries(
      STREAM_NAMES.map((name) => [name, state.rng[name].state()]),
    ) as Record<StreamName, RngState>,
    adamSteps: {
      generator: state.adam.generator.step,
      discriminator: state.adam.discriminator.step,
    },
    tensors,
  };
}

/**
 * Rebuilds the training state from a checkpoint: assigns the networks'
 * weights and creates Adam's moments, the EMA weights and the relation
 * history from the stored values.
 *
 * @param compiled The experiment, compiled from the same declaration.
 * @param checkpoint What {@linkcode readCheckpoint} returned.
 * @returns The state to continue from; free it with `disposeTrainState`.
 * @throws {TypeError} When the checkpoint was written for a different
 * declaration, or its tensors do not match the networks.
 */
export function restoreTrainState(
  compiled: CompiledExperiment,
  checkpoint: Checkpoint,
): TrainState {
  const saved = canonicalJson(checkpoint.declaration);
  const current = canonicalJson(compiled.declaration);
  if (saved !== current) {
    throw new TypeError(
      `Cannot resume ${compiled.plan.name} from its checkpoint at step ${checkpoint.step}: the checkpoint was written for a different declaration (saved ${
        abbreviate(saved)
      }, current ${
        abbreviate(current)
      }); resume with the same experiment and overrides, or start a new run directory`,
    );
  }
  const take = (key: string, like: tf.Tensor, name = ""): CheckpointTensor => {
    const stored = checkpoint.tensors[key];
    if (!stored) {
      throw new TypeError(
        `Cannot resume from the checkpoint at step ${checkpoint.step}: it has no tensor ${key}; it was written by a different network layout`,
      );
    }
    const same = stored.shape.length === like.shape.length &&
      stored.shape.every((d, i) => d === like.shape[i]);
    if (!same) {
      throw new TypeError(
        `Cannot resume from the checkpoint at step ${checkpoint.step}: tensor ${key} is ${stored.name} [${
          stored.shape.join(", ")
        }] in the checkpoint but ${name} [${
          like.shape.join(", ")
        }] in the network`,
      );
    }
    return stored;
  };
  const assignAll = (prefix: string, list: readonly tf.Variable[]) =>
    list.forEach((v, i) => {
      const stored = take(`${prefix}/${i}`, v, v.name);
      tf.tidy(() => v.assign(tf.tensor(stored.values, v.shape)));
    });
  const { generator, discriminator } = compiled;
  assignAll("generator/variables", generator.variables);
  assignAll("generator/state", generator.state);
  assignAll("discriminator/variables", discriminator.variables);
  assignAll("discriminator/state", discriminator.state);

  const variablesFrom = (prefix: string, like: readonly tf.Variable[]) =>
    like.map((w, i) => {
      const stored = take(`${prefix}/${i}`, w);
      return tf.tidy(() =>
        tf.variable(
          tf.tensor(stored.values, w.shape),
          false,
          `${prefix}/${i}/${w.id}`,
        )
      );
    });
  const adamFor = (net: "generator" | "discriminator") => ({
    step: checkpoint.adamSteps[net],
    m: variablesFrom(`adam/${net}/m`, compiled[net].variables),
    v: variablesFrom(`adam/${net}/v`, compiled[net].variables),
  });
  const fakeStored = checkpoint.tensors["history/fake_prev"];
  if (compiled.loss.input === "pair" && !fakeStored) {
    throw new TypeError(
      `Cannot resume from the checkpoint at step ${checkpoint.step}: the loss "${compiled.loss.kind}" needs the previous generated batch, which the checkpoint lacks`,
    );
  }
  const emaStored = checkpoint.tensors["ema/0"] !== undefined ||
    (compiled.plan.emaDecay > 0 && generator.variables.length === 0);
  if ((compiled.plan.emaDecay > 0) !== emaStored) {
    throw new TypeError(
      `Cannot resume from the checkpoint at step ${checkpoint.step}: the plan's emaDecay is ${compiled.plan.emaDecay} but the checkpoint ${
        emaStored ? "holds" : "does not hold"
      } EMA weights`,
    );
  }
  return {
    step: checkpoint.step,
    weights: {
      generator: generator.variables,
      generatorState: generator.state,
      discriminator: discriminator.variables,
      discriminatorState: discriminator.state,
    },
    adam: {
      generator: adamFor("generator"),
      discriminator: adamFor("discriminator"),
    },
    fakePrev: fakeStored
      ? tf.tensor(fakeStored.values, [...fakeStored.shape])
      : null,
    rng: Object.fromEntries(
      STREAM_NAMES.map((name) => [name, Rng.fromState(checkpoint.rng[name])]),
    ) as Record<StreamName, Rng>,
    ema: compiled.plan.emaDecay > 0
      ? variablesFrom("ema", generator.variables)
      : null,
  };
}

/**
 * Serialises a checkpoint to bytes (the layout in the module doc).
 *
 * @param checkpoint The checkpoint.
 * @returns The file's bytes.
 *
 * @example Bytes that decode to the same values
 * ```ts
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeCheckpoint({
 *   step: 4,
 *   declaration: { kind: "experiment", name: "doc" },
 *   rng: { init: [1, 2, 3, 4], latent: [1, 2, 3, 5], data: [1, 2, 3, 6], loss: [1, 2, 3, 7], eval: [1, 2, 3, 8] },
 *   adamSteps: { generator: 4, discriminator: 4 },
 *   tensors: { "generator/variables/0": { name: "w", shape: [2], values: new Float32Array([0.5, -1]) } },
 * });
 * const back = decodeCheckpoint(bytes);
 * assert.equal(back.step, 4);
 * assert.deepEqual(Array.from(back.tensors["generator/variables/0"].values), [0.5, -1]);
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const table: Array<
    { key: string; name: string; shape: number[]; offset: number }
  > = [];
  let total = 0;
  for (const [key, t] of Object.entries(checkpoint.tensors)) {
    table.push({ key, name: t.name, shape: [...t.shape], offset: total });
    total += t.values.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({
    version: VERSION,
    step: checkpoint.step,
    declaration: checkpoint.declaration,
    rng: checkpoint.rng,
    adamSteps: checkpoint.adamSteps,
    elapsedS: checkpoint.elapsedS ?? 0,
    tensors: table,
    floats: total,
  }));
  const start = align4(12 + header.length);
  const bytes = new Uint8Array(start + 4 * total);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  const view = new DataView(bytes.buffer, start);
  let at = 0;
  for (const t of Object.values(checkpoint.tensors)) {
    if (LITTLE_ENDIAN) {
      new Float32Array(bytes.buffer, start + at, t.values.length).set(t.values);
      at += 4 * t.values.length;
    } else {
      for (let i = 0; i < t.values.length; i++, at += 4) {
        view.setFloat32(at, t.values[i], true);
      }
    }
  }
  return bytes;
}

/**
 * Parses checkpoint bytes.
 *
 * @param bytes What {@linkcode encodeCheckpoint} produced.
 * @param source Where the bytes came from, for error messages.
 * @returns The checkpoint.
 * @throws {TypeError} When the bytes are not a complete relgan checkpoint.
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  source = "checkpoint",
): Checkpoint {
  const fail = (why: string): never => {
    throw new TypeError(`Cannot read ${source}: ${why}`);
  };
  if (
    bytes.length < 12 ||
    new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC
  ) {
    fail(
      `it does not start with ${MAGIC} (${bytes.length} bytes); it is not a relgan checkpoint`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) {
    fail(
      `the header claims ${headerLength} bytes but the file has ${bytes.length}; it is truncated`,
    );
  }
  // deno-lint-ignore no-explicit-any
  let header: any;
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)),
    );
  } catch (error) {
    fail(`its header is not JSON (${(error as Error).message})`);
  }
  if (header.version !== VERSION) {
    fail(
      `its format version is ${header.version}, this relgan reads version ${VERSION}`,
    );
  }
  const start = align4(12 + headerLength);
  if (bytes.length !== start + 4 * header.floats) {
    fail(
      `it should hold ${
        start + 4 * header.floats
      } bytes but holds ${bytes.length}; it is truncated or padded`,
    );
  }
  const tensors: Record<string, CheckpointTensor> = {};
  for (const entry of header.tensors) {
    const size = entry.shape.reduce((a: number, b: number) => a * b, 1);
    const values = new Float32Array(size);
    const base = start + 4 * entry.offset;
    if (LITTLE_ENDIAN) {
      values.set(new Float32Array(bytes.slice(base, base + 4 * size).buffer));
    } else {
      for (let i = 0; i < size; i++) {
        values[i] = view.getFloat32(base + 4 * i, true);
      }
    }
    tensors[entry.key] = { name: entry.name, shape: entry.shape, values };
  }
  return {
    step: header.step,
    declaration: header.declaration,
    rng: header.rng,
    adamSteps: header.adamSteps,
    tensors,
    elapsedS: header.elapsedS ?? 0,
  };
}

/**
 * Writes a checkpoint atomically: the bytes go to a temporary file in the
 * same directory, which is flushed to disk (fsync) and then renamed over
 * the previous checkpoint. A crash at any moment leaves either the old
 * checkpoint or the new one, complete.
 *
 * @param path The checkpoint's path, e.g. `runs/x/checkpoint.ckpt`.
 * @param checkpoint What to write.
 */
export async function writeCheckpoint(
  path: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint);
  const temporary = `${path}.${Deno.pid}.tmp`;
  const file = await Deno.open(temporary, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    let written = 0;
    while (written < bytes.length) {
      written += await file.write(bytes.subarray(written));
    }
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(temporary, path);
  await syncDirectory(path);
}

/**
 * Reads a checkpoint file.
 *
 * @param path The file.
 * @returns The checkpoint.
 * @throws {TypeError} When the file is missing or not a complete checkpoint.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TypeError(
        `Cannot resume from ${path}: there is no checkpoint there; pass the run directory of a run that wrote one (checkpointEvery), or start without --resume`,
      );
    }
    throw error;
  }
  return decodeCheckpoint(bytes, path);
}

/** Flushes the directory entry of a renamed file, where the platform allows. */
async function syncDirectory(path: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash) || "/";
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // Some platforms cannot open or flush a directory; the rename is still atomic.
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** JSON with object keys sorted, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
          Object.keys(v).sort().map((
            k,
          ) => [k, (v as Record<string, unknown>)[k]]),
        )
        : v,
  );
}

function abbreviate(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
