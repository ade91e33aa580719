/**
 * A child process for the crash-and-resume test: trains the tiny
 * experiment into a run directory, printing `step N` after every step.
 *
 * `deno run -A test/engine/_driver.ts <backend> <outDir> <fresh|resume> <iterations> <checkpointEvery>`
 *
 * @module
 */

import { parseBackendChoice, useBackend } from "../../src/backend/mod.ts";
import { train } from "../../src/engine/mod.ts";
import { tinyExperiment } from "./_fixture.ts";

const [backend, outDir, mode, iterations, checkpointEvery] = Deno.args;
await useBackend(parseBackendChoice(backend));
const compiled = tinyExperiment({
  hidden: 32,
  plan: {
    iterations: Number(iterations),
    checkpointEvery: Number(checkpointEvery),
    batchSize: 32,
    logEvery: 1,
    emaDecay: 0.9,
    dSteps: 2,
  },
});
const summary = await train(compiled, {
  outDir,
  resume: mode === "resume",
  argv: Deno.args,
  onRecord: (record) => {
    if (record.kind === "step") console.log(`step ${record.step}`);
  },
});
console.log(`done ${summary.status} ${summary.steps}`);
compiled.dispose();
