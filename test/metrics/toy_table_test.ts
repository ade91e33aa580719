import assert from "node:assert/strict";
import {
  markdownTable,
  seedStatistics,
  tableRows,
} from "../../src/metrics/toy_table.ts";

Deno.test("seedStatistics: mean and sample standard deviation", () => {
  const s = seedStatistics([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.mean, 5);
  // Σ(x − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, over n − 1 = 7.
  assert.ok(Math.abs(s.std - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(s.n, 8);
  assert.deepEqual(seedStatistics([3]), { mean: 3, std: 0, n: 1, values: [3] });
  assert.throws(() => seedStatistics([]), {
    name: "RangeError",
    message: /the list of values is empty/,
  });
  assert.throws(() => seedStatistics([1, NaN]), {
    name: "RangeError",
    message: /every value must be a finite number, current value is NaN/,
  });
});

Deno.test("tableRows groups by dataset and method and skips runs that did not complete", () => {
  const rows = tableRows([
    {
      dataset: "8g",
      method: "A",
      seed: 1,
      completed: true,
      scores: { m: 8, q: 0.5 },
    },
    { dataset: "8g", method: "B", seed: 1, completed: true, scores: { m: 2 } },
    {
      dataset: "8g",
      method: "A",
      seed: 2,
      completed: true,
      scores: { m: 6, q: "n/a" },
    },
    {
      dataset: "8g",
      method: "A",
      seed: 3,
      completed: false,
      scores: { m: 100 },
    },
    { dataset: "roll", method: "A", seed: 1, completed: false, scores: {} },
  ], ["m", "q"]);
  assert.deepEqual(
    rows.map((r) => [r.dataset, r.method, r.completed, r.runs]),
    [
      ["8g", "A", 2, 3],
      ["8g", "B", 1, 1],
      ["roll", "A", 0, 1],
    ],
  );
  assert.deepEqual(rows[0].seeds, [1, 2, 3]);
  assert.equal(rows[0].metrics.m?.mean, 7);
  assert.ok(Math.abs(rows[0].metrics.m!.std - Math.SQRT2) < 1e-12);
  assert.deepEqual(rows[0].metrics.q?.values, [0.5]);
  assert.equal(rows[1].metrics.q, null);
  assert.equal(rows[2].metrics.m, null);
});

Deno.test("markdownTable writes mean ± std per column, — for missing, and completed/declared runs", () => {
  const rows = tableRows([
    { dataset: "8g", method: "A", seed: 1, completed: true, scores: { m: 8 } },
    { dataset: "8g", method: "A", seed: 2, completed: true, scores: { m: 6 } },
    {
      dataset: "roll",
      method: "A",
      seed: 1,
      completed: true,
      scores: { d: 0.25 },
    },
    { dataset: "roll", method: "A", seed: 2, completed: false, scores: {} },
  ], ["m", "d"]);
  const md = markdownTable(rows, [
    { key: "m", label: "Modes", digits: 1 },
    { key: "d", label: "Distance", digits: 3 },
  ]);
  assert.equal(
    md,
    [
      "| Dataset | Method | Modes | Distance | Runs |",
      "|---|---|---:|---:|---:|",
      `| 8g | A | 7.0 ± ${Math.SQRT2.toFixed(1)} | — | 2/2 |`,
      "| roll | A | — | 0.250 ± 0.000 | 1/2 |",
      "",
    ].join("\n"),
  );
});
