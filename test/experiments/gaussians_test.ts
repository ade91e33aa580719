import assert from "node:assert/strict";
import { decode } from "fast-png";
import gaussians, {
  gaussiansRun,
  report,
  SETTINGS,
  smoke,
  SMOKE_SETTINGS,
} from "../../experiments/gaussians.ts";
import { validate } from "../../src/dsl/mod.ts";
import type { ExperimentDecl } from "../../src/dsl/mod.ts";
import { eightGaussians, swissRoll } from "../../src/data/toy.ts";
import {
  swissRollDistanceEvaluator,
  toyModesEvaluator,
} from "../../src/metrics/toy.ts";
import { Rng } from "../../src/random.ts";

Deno.test("gaussians: 3 datasets × 5 methods × 3 seeds, valid, without warnings", () => {
  assert.equal(gaussians.kind, "suite");
  assert.equal(gaussians.runs.length, 3 * 5 * 3);
  const names = gaussians.runs.map((r) => r.name);
  assert.equal(new Set(names).size, 45);
  assert.ok(names.includes("25g-wgan_gp-s2"));
  const result = validate(gaussians);
  assert.equal(result.ok, true);
  assert.deepEqual(result.issues, [], "no errors and no warnings");
  assert.deepEqual(
    [...new Set(gaussians.runs.map((r) => r.data.kind))],
    ["eight_gaussians", "twenty_five_gaussians", "swiss_roll"],
  );
  assert.deepEqual(
    [...new Set(gaussians.runs.map((r) => r.loss.kind))],
    ["relation", "vanilla", "lsgan", "wgan_gp", "relativistic"],
  );
  assert.equal(smoke.runs.length, 3);
  assert.equal(validate(smoke).ok, true);
});

Deno.test("gaussians: every method trains under the same setting", () => {
  const settingOf = (r: ExperimentDecl) =>
    JSON.stringify([r.training, r.generator, r.latentDim, r.schedule]);
  assert.equal(new Set(gaussians.runs.map(settingOf)).size, 1);
  const t = gaussians.runs[0].training!;
  assert.equal(t.iterations, SETTINGS.iterations);
  assert.equal(t.batchSize, SETTINGS.batchSize);
  assert.equal(t.dSteps, 1);
  assert.equal(t.generatorOptimizer?.learningRate, SETTINGS.learningRate);
  assert.equal(t.discriminatorOptimizer?.beta2, 0.9);
});

Deno.test("gaussians: the relation discriminator is the same trunk with a non-linear relation module", () => {
  const single = gaussiansRun("8g", "vanilla", 1).discriminator;
  const relation = gaussiansRun("8g", "relation", 1).discriminator;
  assert.equal(single.kind, "sequential");
  assert.equal(relation.kind, "relation");
  if (single.kind !== "sequential" || relation.kind !== "relation") return;
  assert.equal(relation.merge, "concat");
  // The single discriminator: three hidden blocks, then the score.
  assert.deepEqual(
    [...relation.embedding.layers, ...relation.relation.layers],
    single.layers.slice(0, 3),
  );
  assert.equal(relation.embedding.layers.length, 2);
  const relationBlock = JSON.stringify(relation.relation);
  assert.match(relationBlock, /"fn":"relu"/);
  assert.deepEqual(relation.head.layers, [single.layers[3]]);
  const loss = gaussiansRun("roll", "relation", 1).loss;
  assert.deepEqual(loss, { kind: "relation", form: "per-sample" });
});

/** A summary as a run writes it, with scores from the real evaluators. */
async function fakeSummary(
  dataset: "8g" | "roll",
  seed: number,
  shift: number,
): Promise<Record<string, unknown>> {
  const data = dataset === "8g" ? eightGaussians() : swissRoll();
  const rng = new Rng(seed);
  const evaluator = dataset === "8g"
    ? toyModesEvaluator({ samples: 300 })
    : swissRollDistanceEvaluator({ samples: 300 });
  const scores = await evaluator.evaluate({
    // A "generator" that draws the real data, shifted.
    generate: (n) => Promise.resolve(data.sample(rng, n).map((v) => v + shift)),
    data,
    rng: new Rng(100 + seed),
    shape: [2],
    checkpoint: "final",
  });
  return { ...scores, status: "completed", timeS: 2 * seed, scores };
}

Deno.test("gaussians report writes the figure and the mean ± std table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan_gaussians_" });
  try {
    const runs = [
      { name: "8g-relation-s1", summary: await fakeSummary("8g", 1, 0) },
      { name: "8g-relation-s2", summary: await fakeSummary("8g", 2, 0) },
      { name: "8g-vanilla-s1", summary: await fakeSummary("8g", 3, 10) },
      { name: "roll-relation-s1", summary: await fakeSummary("roll", 4, 0) },
      { name: "roll-vanilla-s1", summary: null },
    ].map((r) => ({ ...r, dir: `${dir}/${r.name}` }));
    const files = await report({ outDir: dir, runs, smoke: false });

    const image = decode(await Deno.readFile(files.figure));
    // Rows: 3 datasets; columns: real data + 5 methods.
    assert.equal(image.width, 110 + 6 * 180 + 5 * 6 + 8);
    assert.equal(image.height, 28 + 3 * (180 + 6) + 22 + 4);

    const md = await Deno.readTextFile(files.markdown);
    const lines = md.split("\n");
    const row = (dataset: string, method: string) =>
      lines.find((l) => l.startsWith(`| ${dataset} | ${method} |`));
    // Two relation seeds on 8 Gaussians cover all 8 modes: 8.0 ± 0.0.
    assert.match(
      row("8 Gaussians", "Relation GAN")!,
      /^\| 8 Gaussians \| Relation GAN \| 8\.0 ± 0\.0 \|/,
    );
    // A generator shifted by 10 covers nothing and has no high-quality samples.
    assert.match(
      row("8 Gaussians", "Vanilla GAN")!,
      /\| 0\.0 ± 0\.0 \| 0\.000 ± 0\.000 \|/,
    );
    // The run time column: seeds 1 and 2 took 2 and 4 s, mean 3 ± √2.
    assert.match(row("8 Gaussians", "Relation GAN")!, /\| 3 ± 1 \| 2\/2 \|$/);
    assert.match(
      row("Swiss roll", "Vanilla GAN")!,
      /\| — \| — \| — \| — \| — \| — \| 0\/1 \|$/,
    );

    const json = JSON.parse(await Deno.readTextFile(files.json));
    assert.equal(json.smoke, false);
    assert.equal(json.settings.iterations, SETTINGS.iterations);
    const roll = json.rows.find((r: { dataset: string; method: string }) =>
      r.dataset === "Swiss roll" && r.method === "Relation GAN"
    );
    assert.equal(
      roll.metrics.swiss_roll_sw2.mean,
      runs[3].summary!.swiss_roll_sw2,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gaussians --smoke through the command line: three worker runs, then the figure and the table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan_gaussians_smoke_" });
  try {
    const out = `${dir}/suite`;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-webgpu",
        "src/cli/run.ts",
        "experiments/gaussians.ts",
        "--smoke",
        "--backend",
        "wasm",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout) +
      new TextDecoder().decode(stderr);
    assert.equal(code, 0, text);
    assert.match(
      text,
      /suite gaussians-smoke: 3 completed, 0 diverged, 0 failed/,
    );

    for (const run of smoke.runs) {
      const summary = JSON.parse(
        await Deno.readTextFile(`${out}/${run.name}/summary.json`),
      );
      assert.equal(summary.status, "completed", run.name);
      assert.equal(summary.steps, SMOKE_SETTINGS.iterations);
      const keys = run.data.kind === "swiss_roll"
        ? ["swiss_roll_sw2", "swiss_roll_sw2_floor"]
        : ["modes_covered", "high_quality_fraction", "mode_kl"];
      for (const key of keys) {
        assert.equal(typeof summary[key], "number", `${run.name}: ${key}`);
      }
    }

    const image = decode(await Deno.readFile(`${out}/gaussians.png`));
    // Columns: real data and Relation GAN.
    assert.equal(image.width, 110 + 2 * 180 + 6 + 8);
    const md = await Deno.readTextFile(`${out}/gaussians.md`);
    const rows = md.split("\n").filter((l) =>
      /^\| (8|25) Gaussians|^\| Swiss roll/.test(l)
    );
    assert.equal(rows.length, 3, md);
    for (const row of rows) assert.match(row, /\| 1\/1 \|$/);
    const json = JSON.parse(await Deno.readTextFile(`${out}/gaussians.json`));
    assert.equal(json.rows.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
