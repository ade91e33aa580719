import assert from "node:assert/strict";
import { useBackend } from "../../src/backend/mod.ts";
import { train } from "../../src/engine/mod.ts";
import { tinyExperiment } from "./_fixture.ts";

// Any adapter will do, the software one included; without one there is
// nothing to run this on.
const webgpu = await useBackend("webgpu").then(() => true, () => false);
await useBackend("cpu");

Deno.test({
  name:
    "train runs on webgpu and matches cpu's losses within 1e-3 after 5 steps",
  ignore: !webgpu,
  fn: async () => {
    const losses: Record<string, Record<string, number>> = {};
    for (const backend of ["cpu", "webgpu"] as const) {
      await useBackend(backend);
      const compiled = tinyExperiment({
        evaluators: [{
          name: "mean",
          async evaluate(context) {
            const points = await context.generate(20);
            return { mean_x: points.reduce((a, b) => a + b, 0) / 40 };
          },
        }],
        plan: { iterations: 5, logEvery: 1, emaDecay: 0.5 },
      });
      const summary = await train(compiled);
      assert.equal(summary.status, "completed", backend);
      losses[backend] = {
        ...summary.final,
        mean_x: summary.scores.mean_x as number,
      };
      compiled.dispose();
    }
    await useBackend("cpu");
    for (const [key, value] of Object.entries(losses.cpu)) {
      const other = losses.webgpu[key];
      assert.ok(
        Math.abs(other - value) <= 1e-3 * Math.max(1, Math.abs(value)),
        `${key}: cpu ${value}, webgpu ${other}`,
      );
    }
  },
});
