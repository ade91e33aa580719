import assert from "node:assert/strict";
import {
  formatDuration,
  formatEventLine,
  formatProgressBar,
  formatStepLine,
} from "../../src/cli/_progress.ts";
import type { StepRecord } from "../../src/engine/mod.ts";

const record: StepRecord = {
  kind: "step",
  step: 250,
  iterations: 1000,
  losses: { "d/total": 1.5, "d/real": 0.25, "g/total": -0.125 },
  learningRates: { generator: 1e-4, discriminator: 1e-4 },
  timeS: 10,
  stepsPerS: 50,
};

Deno.test("formatDuration writes m:ss and h:mm:ss", () => {
  assert.equal(formatDuration(5), "0:05");
  assert.equal(formatDuration(75), "1:15");
  assert.equal(formatDuration(3 * 3600 + 62), "3:01:02");
  assert.equal(formatDuration(Infinity), "?:??");
});

Deno.test("formatStepLine is one fixed-format line: step, rate, ETA (750 / 50 = 15 s), totals first", () => {
  assert.equal(
    formatStepLine(record),
    "step  250/1000 |    50.0 steps/s | eta 0:15 | d/total     1.5000  g/total    -0.1250  d/real     0.2500",
  );
});

Deno.test("formatProgressBar fills 5 of 20 cells at 25 % and fits the width", () => {
  const bar = formatProgressBar(record, 200);
  assert.equal(
    bar,
    "[#####...............]  25% 250/1000 50.0 steps/s eta 0:15 d/total 1.5000 g/total -0.1250",
  );
  assert.equal(formatProgressBar(record, 30).length, 29);
});

Deno.test("formatEventLine describes starts, evaluations and ends, and skips checkpoints", () => {
  assert.equal(
    formatEventLine({
      kind: "start",
      run: "r",
      step: 10,
      iterations: 20,
      resumed: true,
      outDir: "d",
    }),
    "run r: resuming at step 10/20 in d",
  );
  assert.equal(
    formatEventLine({
      kind: "eval",
      step: 20,
      checkpoint: "final",
      scores: { modes: 8, kl: 0.01234, extra: { a: 1 } },
    }),
    "eval step 20 (final): modes 8.0000, kl 0.0123",
  );
  assert.equal(
    formatEventLine({ kind: "checkpoint", step: 3, path: "p" }),
    null,
  );
});
