import assert from "node:assert/strict";
import { loadStackedMnist } from "../../src/data/stacked_mnist.ts";

Deno.test("loadStackedMnist stacks three independently drawn digits as channels and labels the mode", async () => {
  const data = await loadStackedMnist({
    size: 200,
    seed: 5,
    mnist: { limit: 500 },
  });
  assert.deepEqual(data.shape, [28, 28, 3]);
  const digits = data.digits;
  const dl = digits.labels!;
  for (let i = 0; i < data.size; i++) {
    const t = [
      data.triples[3 * i],
      data.triples[3 * i + 1],
      data.triples[3 * i + 2],
    ];
    assert.equal(data.labels[i], 100 * dl[t[0]] + 10 * dl[t[1]] + dl[t[2]]);
  }
  const image = data.gather([17]);
  for (let c = 0; c < 3; c++) {
    const digit = digits.gather([data.triples[3 * 17 + c]]);
    for (let p = 0; p < 784; p++) assert.equal(image[p * 3 + c], digit[p]);
  }
});

Deno.test("loadStackedMnist is deterministic from its seed and covers all 1000 modes", async () => {
  const a = await loadStackedMnist({ size: 20000, seed: 1 });
  const b = await loadStackedMnist({ size: 20000, seed: 1 });
  const c = await loadStackedMnist({ size: 20000, seed: 2 });
  assert.deepEqual(a.triples, b.triples);
  assert.notDeepEqual(a.triples, c.triples);
  // With 20 draws per mode on average, P(a mode is empty) ≈ e^-20: all 1000 appear.
  assert.equal(new Set(a.labels).size, 1000);
  const hundreds = new Array(10).fill(0);
  for (const l of a.labels) hundreds[Math.floor(l / 100)]++;
  // The red digit is d with probability p_d = (digits labelled d) / 10000,
  // so its count is 20000·p_d within 5σ, σ = sqrt(20000·p_d·(1 − p_d)).
  const pool = new Array(10).fill(0);
  for (const l of a.digits.labels!) pool[l]++;
  for (let d = 0; d < 10; d++) {
    const p = pool[d] / a.digits.size;
    const sigma = Math.sqrt(20000 * p * (1 - p));
    assert.ok(
      Math.abs(hundreds[d] - 20000 * p) < 5 * sigma,
      `red digit ${d}: ${hundreds[d]}`,
    );
  }
});

Deno.test("loadStackedMnist imageSize 32 pads with background and rejects bad options", async () => {
  const data = await loadStackedMnist({
    size: 4,
    imageSize: 32,
    mnist: { limit: 50 },
  });
  assert.deepEqual(data.shape, [32, 32, 3]);
  const image = data.gather([0]);
  const digit = data.digits.gather([data.triples[1]]);
  // Row 0 is padding; pixel (y+2, x+2) of channel 1 is digit pixel (y, x).
  for (let x = 0; x < 32; x++) assert.equal(image[x * 3 + 1], -1);
  assert.equal(image[((10 + 2) * 32 + 14 + 2) * 3 + 1], digit[10 * 28 + 14]);
  await assert.rejects(loadStackedMnist({ size: 0 }), RangeError);
  await assert.rejects(
    loadStackedMnist({ imageSize: 64 as unknown as 28 }),
    /imageSize must be 28 or 32/,
  );
});
