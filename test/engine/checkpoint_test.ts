import assert from "node:assert/strict";
import { useBackend } from "../../src/backend/mod.ts";
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from "../../src/engine/mod.ts";

await useBackend("cpu");

function sample(step: number): Checkpoint {
  return {
    step,
    declaration: { kind: "experiment", name: "x", nested: { a: [1, 2] } },
    rng: {
      init: [1, 2, 3, 4],
      latent: [5, 6, 7, 8],
      data: [9, 10, 11, 12],
      loss: [13, 14, 15, 4294967295],
      eval: [0, 0, 0, 1],
    },
    adamSteps: { generator: step, discriminator: 2 * step },
    tensors: {
      "generator/variables/0": {
        name: "g/w",
        shape: [2, 3],
        values: new Float32Array([1, -2, 3.5, 1e-38, -0, Math.fround(0.1)]),
      },
      "history/fake_prev": {
        name: "",
        shape: [1],
        values: new Float32Array([NaN]),
      },
    },
    elapsedS: 1.5,
  };
}

Deno.test("encodeCheckpoint and decodeCheckpoint round-trip every bit", () => {
  const original = sample(3);
  const decoded = decodeCheckpoint(encodeCheckpoint(original));
  assert.equal(decoded.step, 3);
  assert.deepEqual(decoded.declaration, original.declaration);
  assert.deepEqual(decoded.rng, original.rng);
  assert.deepEqual(decoded.adamSteps, original.adamSteps);
  assert.equal(decoded.elapsedS, 1.5);
  for (const [key, t] of Object.entries(original.tensors)) {
    const back = decoded.tensors[key];
    assert.deepEqual(back.shape, t.shape);
    assert.equal(back.name, t.name);
    assert.deepEqual(
      new Uint8Array(
        back.values.buffer,
        back.values.byteOffset,
        back.values.byteLength,
      ),
      new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength),
      key,
    );
  }
});

Deno.test("decodeCheckpoint rejects truncated and foreign files with the reason", () => {
  const bytes = encodeCheckpoint(sample(1));
  assert.throws(
    () => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), "ck"),
    /^TypeError: Cannot read ck: it should hold \d+ bytes but holds \d+; it is truncated or padded$/,
  );
  assert.throws(
    () => decodeCheckpoint(bytes.subarray(0, 20), "ck"),
    /Cannot read ck: the header claims \d+ bytes but the file has 20; it is truncated/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        new TextEncoder().encode("hello world, not a checkpoint"),
        "ck",
      ),
    /Cannot read ck: it does not start with RELGANCK/,
  );
});

Deno.test("writeCheckpoint replaces the previous file by rename and leaves no temporary file of its own", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan-ckpt-" });
  try {
    const path = `${dir}/checkpoint.ckpt`;
    await writeCheckpoint(path, sample(1));
    const first = await Deno.stat(path);
    // A crash mid-write leaves a partial temporary file beside the checkpoint;
    // the checkpoint itself is untouched and still reads.
    await Deno.writeFile(
      `${path}.999999.tmp`,
      encodeCheckpoint(sample(2)).subarray(0, 50),
    );
    assert.equal((await readCheckpoint(path)).step, 1);
    await writeCheckpoint(path, sample(2));
    assert.equal((await readCheckpoint(path)).step, 2);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["checkpoint.ckpt", "checkpoint.ckpt.999999.tmp"]);
    assert.notEqual(
      (await Deno.stat(path)).ino,
      first.ino,
      "a new file was renamed over the old",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readCheckpoint names a missing checkpoint and the fix", async () => {
  await assert.rejects(
    () => readCheckpoint("/nonexistent/checkpoint.ckpt"),
    /Cannot resume from \/nonexistent\/checkpoint\.ckpt: there is no checkpoint there; pass the run directory of a run that wrote one/,
  );
});
