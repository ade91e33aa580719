import assert from "node:assert/strict";
import {
  batchPipeline,
  measureDataThroughput,
} from "../../src/data/batch_pipeline.ts";
import { loadStackedMnist } from "../../src/data/stacked_mnist.ts";
import { Rng } from "../../src/random.ts";

Deno.test("batchPipeline delivers the same batches with and without prefetch, and resumes from state()", async () => {
  const data = await loadStackedMnist({
    size: 300,
    seed: 2,
    mnist: { limit: 200 },
  });
  const seed = new Rng(11).fork("data").state();
  const plain = batchPipeline(data, seed, 8, { prefetch: 0 });
  const ahead = batchPipeline(data, seed, 8, { prefetch: 3 });
  const a: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let k = 0; k < 6; k++) {
    a.push(await plain.next());
    b.push(await ahead.next());
    // Let the background fill run, as it does during an awaited step.
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.deepEqual(a, b);
  assert.equal(a[0].length, 8 * 28 * 28 * 3);
  // Resume after batch 3 from the state recorded then: batches 4 … 6 again.
  const again = batchPipeline(data, seed, 8, { prefetch: 2 });
  for (let k = 0; k < 3; k++) await again.next();
  const resumed = batchPipeline(data, again.state(), 8);
  for (let k = 3; k < 6; k++) assert.deepEqual(await resumed.next(), a[k]);
  for (const p of [plain, ahead, again, resumed]) p.close();
  await assert.rejects(plain.next(), /pipeline is closed/);
  assert.throws(() => batchPipeline(data, seed, 0), RangeError);
});

Deno.test("batchPipeline draws ahead while the consumer awaits, so next() does not draw", async () => {
  let insideNext = false;
  let drawsInsideNext = 0;
  let draws = 0;
  const counting = {
    name: "counting",
    shape: [1],
    size: Infinity,
    sample(rng: Rng, n: number) {
      draws++;
      if (insideNext) drawsInsideNext++;
      return rng.uniform(n);
    },
  };
  const pipe = batchPipeline(counting, new Rng(1).state(), 4, { prefetch: 1 });
  for (let k = 0; k < 8; k++) {
    insideNext = true;
    const batch = await pipe.next();
    insideNext = false;
    assert.equal(batch.length, 4);
    // An asynchronous step, like a GPU step awaiting its result.
    await new Promise((r) => setTimeout(r, 2));
  }
  pipe.close();
  // Only the very first batch is drawn inside next(); the rest were ready.
  assert.equal(drawsInsideNext, 1);
  assert.equal(draws, 9);
});

Deno.test("measureDataThroughput counts the images it timed and the time spent waiting", async () => {
  const source = {
    name: "noise",
    shape: [3],
    size: Infinity,
    sample: (rng: Rng, n: number) => rng.uniform(n * 3),
  };
  const result = await measureDataThroughput(source, {
    batchSize: 5,
    batches: 4,
    consume: () => new Promise((r) => setTimeout(r, 1)),
  });
  assert.equal(result.images, 20);
  assert.ok(result.waitMs >= 0 && result.waitMs <= result.ms);
  assert.ok(
    Math.abs(result.imagesPerSecond - 20 / (result.ms / 1000)) <
      1e-6 * result.imagesPerSecond,
  );
});
