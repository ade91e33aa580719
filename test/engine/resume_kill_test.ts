import assert from "node:assert/strict";
import { CHECKPOINT_FILE, readCheckpoint } from "../../src/engine/mod.ts";
import { Rng } from "../../src/random.ts";

const DRIVER = new URL("./_driver.ts", import.meta.url).pathname;
const ITERATIONS = 60;
const CHECKPOINT_EVERY = 7;

function driver(
  backend: string,
  outDir: string,
  mode: "fresh" | "slow" | "resume",
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      DRIVER,
      backend,
      outDir,
      mode,
      String(ITERATIONS),
      String(CHECKPOINT_EVERY),
    ],
    stdout: "piped",
    stderr: "piped",
  });
}

async function runToEnd(
  backend: string,
  outDir: string,
  mode: "fresh" | "resume",
): Promise<string> {
  const output = await driver(backend, outDir, mode).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(
    output.code,
    0,
    `driver ${mode} failed: ${new TextDecoder().decode(output.stderr)}`,
  );
  return stdout;
}

/** Starts a run and SIGKILLs it once it has printed `step <killAt>`. */
async function runAndKill(
  backend: string,
  outDir: string,
  killAt: number,
): Promise<number> {
  const child = driver(backend, outDir, "slow").spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let lastStep = 0;
  while (lastStep < killAt) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    for (const m of buffered.matchAll(/step (\d+)\n/g)) lastStep = Number(m[1]);
  }
  child.kill("SIGKILL");
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel();
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", "the child was killed, not finished");
  assert.equal(status.success, false);
  return lastStep;
}

function bits(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`train resumed after SIGKILL ends bit-identical to an uninterrupted run (${backend})`, async () => {
    const root = await Deno.makeTempDir({ prefix: `relgan-kill-${backend}-` });
    try {
      // The step to kill at is random; it is printed on failure.
      const killAt = 8 + new Rng(Date.now() >>> 0).int(ITERATIONS - 20);
      const whole = `${root}/whole`;
      const killed = `${root}/killed`;
      const finished = await runToEnd(backend, whole, "fresh");
      assert.match(finished, new RegExp(`done completed ${ITERATIONS}`));

      const reached = await runAndKill(backend, killed, killAt);
      assert.ok(reached >= killAt, `killed at ${reached}, before ${killAt}`);
      const summaryAfterKill = await Deno.stat(`${killed}/summary.json`)
        .then(() => true, () => false);
      assert.equal(
        summaryAfterKill,
        false,
        `the run ended before the kill at step ${killAt}`,
      );
      const interrupted = await readCheckpoint(`${killed}/${CHECKPOINT_FILE}`);
      assert.ok(interrupted.step < ITERATIONS);
      assert.equal(interrupted.step % CHECKPOINT_EVERY, 0);

      const resumed = await runToEnd(backend, killed, "resume");
      assert.match(resumed, new RegExp(`done completed ${ITERATIONS}`));
      assert.match(resumed, new RegExp(`^step ${interrupted.step + 1}$`, "m"));

      const a = await readCheckpoint(`${whole}/${CHECKPOINT_FILE}`);
      const b = await readCheckpoint(`${killed}/${CHECKPOINT_FILE}`);
      assert.equal(a.step, ITERATIONS);
      assert.equal(b.step, ITERATIONS);
      assert.deepEqual(Object.keys(b.tensors), Object.keys(a.tensors));
      assert.ok(Object.keys(a.tensors).some((k) => k.startsWith("ema/")));
      assert.ok("history/fake_prev" in a.tensors);
      assert.ok("generator/state/0" in a.tensors, "batch-norm statistics");
      for (const key of Object.keys(a.tensors)) {
        assert.deepEqual(
          bits(b.tensors[key].values),
          bits(a.tensors[key].values),
          `tensor ${key} differs after a kill at step ${reached} (resumed from ${interrupted.step})`,
        );
      }
      assert.deepEqual(b.rng, a.rng);
      assert.deepEqual(b.adamSteps, a.adamSteps);

      // The resumed run's log has every step once, with the same losses.
      const losses = async (dir: string) =>
        (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n")
          .map((line) => JSON.parse(line))
          .map(({ time_s: _t, steps_per_s: _s, ...rest }) => rest);
      assert.deepEqual(await losses(killed), await losses(whole));

      const command = JSON.parse(
        await Deno.readTextFile(`${killed}/command.json`),
      );
      assert.equal(command.resumes.length, 1);
      assert.equal(command.resumes[0].step, interrupted.step);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
