import assert from "node:assert/strict";
import { parse } from "yaml";
import { readCheckpoint } from "../../src/engine/mod.ts";

const CLI = new URL("../../src/cli/run.ts", import.meta.url).pathname;
const HERE = new URL(".", import.meta.url).pathname;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Result> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-webgpu", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** stderr without tfjs's own banner, which the union bundle prints. */
function ownErrors(stderr: string): string[] {
  return stderr.split("\n").filter((l) =>
    l.trim() !== "" && !l.startsWith("====") && !l.startsWith("Hi, looks like")
  );
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "relgan-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run.ts trains one experiment: backend line first, fixed-format step lines, a full run directory", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/single`;
    const r = await cli(
      `${HERE}_single_experiment.ts`,
      "--backend",
      "cpu",
      "--out",
      out,
      "--seed",
      "5",
      "--set",
      "training.iterations=4",
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0], /^backend cpu \(JavaScript\): requested$/);
    const steps = lines.filter((l) => l.startsWith("step "));
    assert.equal(steps.length, 2);
    assert.match(
      steps[0],
      /^step 2\/4 \| +\d+\.\d steps\/s \| eta \d+:\d\d \| d\/total +-?\d+\.\d{4} {2}g\/total +-?\d+\.\d{4} {2}/,
    );
    assert.match(lines.at(-1)!, /^run single: completed after 4 steps in /);

    const spec = parse(await Deno.readTextFile(`${out}/spec.yaml`));
    assert.equal(spec.seed, 5);
    assert.equal(spec.training.iterations, 4);
    const command = JSON.parse(await Deno.readTextFile(`${out}/command.json`));
    assert.equal(command.seed, 5);
    assert.equal(command.backend, lines[0]);
    assert.ok(command.argv.includes("--set"));
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.status, "completed");
    assert.equal(summary.steps, 4);
    const metrics = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim()
      .split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(metrics.map((m) => m.step), [2, 4]);
    assert.equal((await readCheckpoint(`${out}/checkpoint.ckpt`)).step, 4);
    // The default sampleEvery of this file is 6: no samples in 4 steps.
    assert.deepEqual([...Deno.readDirSync(`${out}/samples`)], []);

    // --resume DIR alone reads the declaration from the checkpoint.
    const again = await cli("--resume", out, "--backend", "cpu");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^backend cpu/);
    assert.match(again.stdout, /resuming at step 4\/4/);
    const after = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(after.resumedFrom, 4);
    assert.equal(after.final["d/total"], summary.final["d/total"]);
    assert.equal(
      (await Deno.readTextFile(`${out}/metrics.jsonl`)).trim().split("\n")
        .length,
      2,
    );
  });
});

Deno.test("run.ts reads a YAML declaration, and a run that cannot load its data leaves a failed summary", async () => {
  await withDir(async (dir) => {
    const yaml = `kind: experiment
name: from_yaml
seed: 2
data: { kind: eight_gaussians }
latentDim: 2
generator:
  kind: sequential
  layers:
    - { kind: dense, units: 8 }
    - { kind: activation, fn: relu }
    - { kind: dense, units: 2 }
discriminator:
  kind: sequential
  layers:
    - { kind: dense, units: 8 }
    - { kind: activation, fn: relu }
    - { kind: dense, units: 1 }
loss: { kind: lsgan }
training: { kind: training, iterations: 2, batchSize: 4 }
schedule: { kind: schedule, logEvery: 1 }
`;
    await Deno.writeTextFile(`${dir}/run.yaml`, yaml);
    const r = await cli(
      `${dir}/run.yaml`,
      "--backend",
      "cpu",
      "--out",
      `${dir}/out`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.split("\n").filter((l) => l.startsWith("step ")).length,
      2,
    );
    const summary = JSON.parse(
      await Deno.readTextFile(`${dir}/out/summary.json`),
    );
    assert.equal(summary.run, "from_yaml");

    // A run whose data cannot load fails in one line and leaves a failed summary.
    const missing = yaml
      .replace("name: from_yaml", "name: no_data")
      .replace(
        "data: { kind: eight_gaussians }",
        `data: { kind: image_folder, dir: ${dir}/absent, size: 4, channels: 1 }`,
      )
      .replace(
        "discriminator:\n  kind: sequential\n  layers:\n",
        "discriminator:\n  kind: sequential\n  layers:\n    - { kind: flatten }\n",
      )
      .replace(
        "    - { kind: dense, units: 2 }",
        "    - { kind: dense, units: 16 }\n    - { kind: reshape, shape: [4, 4, 1] }",
      );
    await Deno.writeTextFile(`${dir}/missing.yaml`, missing);
    const failed = await cli(
      `${dir}/missing.yaml`,
      "--backend",
      "cpu",
      "--out",
      `${dir}/failed`,
    );
    assert.notEqual(failed.code, 0);
    const errors = ownErrors(failed.stderr);
    assert.equal(errors.length, 1, failed.stderr);
    assert.match(errors[0], /^error: .*absent/);
    const failure = JSON.parse(
      await Deno.readTextFile(`${dir}/failed/summary.json`),
    );
    assert.equal(failure.status, "failed");
    assert.equal(failure.run, "no_data");
    assert.equal(`error: ${failure.error}`, errors[0]);
  });
});

Deno.test("run.ts prints bad input as one line without a stack trace and exits non-zero", async () => {
  await withDir(async (dir) => {
    const cases: Array<[string[], RegExp]> = [
      [
        [`${dir}/missing.ts`],
        /^error: Cannot load experiment file .*missing\.ts: no such file/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--set", "training.iterations=-3"],
        /^error: .*iterations/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--set", "nonsense"],
        /^error: Cannot apply --set nonsense: expected path=value/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--seed", "x"],
        /^error: Cannot use --seed x: the seed must be an integer/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--bogus"],
        /^error: .*bogus.*; usage: deno task run/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--backend", "tpu"],
        /^error: Cannot use backend "tpu": expected one of auto/,
      ],
      [
        [`${HERE}_tiny_experiment.ts`, "--only", "gamma"],
        /^error: Cannot select run "gamma": suite "tiny_suite" has no run of that name; its runs are "alpha", "beta"/,
      ],
      [
        [`${HERE}_single_experiment.ts`, "--smoke"],
        /^error: Cannot use --smoke with .*: it exports no smoke declaration/,
      ],
      [[], /^error: Cannot run: no experiment file given/],
      [
        [`${HERE}_tiny_experiment.ts`, "--concurrency", "0"],
        /^error: Cannot run the suite: --concurrency must be an integer ≥ 1, current value is "0"/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const backend = args.includes("--backend") ? [] : ["--backend", "cpu"];
      const r = await cli(...args, ...backend);
      const errors = ownErrors(r.stderr);
      assert.notEqual(r.code, 0, `${args.join(" ")} should fail`);
      assert.equal(errors.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(errors[0], pattern, args.join(" "));
      assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    }
  });
});

Deno.test("run.ts reports a forced NaN with the step and term and exit code 3", async () => {
  await withDir(async (dir) => {
    const r = await cli(
      `${HERE}_single_experiment.ts`,
      "--backend",
      "cpu",
      "--out",
      `${dir}/nan`,
      "--set",
      "training.iterations=400",
      "--set",
      "training.generatorOptimizer.learningRate=1e9",
      "--set",
      "training.discriminatorOptimizer.learningRate=1e9",
      "--set",
      "schedule.checkpointEvery=1",
    );
    assert.equal(r.code, 3, r.stderr);
    const errors = ownErrors(r.stderr);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(
      errors[0],
      /^error: Training single diverged at step \d+: the .* (is|became) (NaN|-?Infinity)[^;]*; the last good checkpoint \(step \d+\) is kept/,
    );
    const summary = JSON.parse(
      await Deno.readTextFile(`${dir}/nan/summary.json`),
    );
    assert.equal(summary.status, "diverged");
    const checkpoint = await readCheckpoint(`${dir}/nan/checkpoint.ckpt`);
    assert.equal(checkpoint.step, summary.divergence.step - 1);
  });
});

Deno.test("run.ts lists a suite's runs and runs a smoke suite in workers, then calls report", async () => {
  await withDir(async (dir) => {
    const list = await cli(`${HERE}_tiny_experiment.ts`, "--list");
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split("\n"), ["alpha", "beta"]);

    const r = await cli(
      `${HERE}_tiny_experiment.ts`,
      "--backend",
      "cpu",
      "--smoke",
      "--out",
      `${dir}/suite`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split("\n")[0], /^backend cpu/);
    assert.match(
      r.stdout,
      /suite tiny_suite: 2 completed, 0 diverged, 0 failed/,
    );
    for (const name of ["alpha", "beta"]) {
      const summary = JSON.parse(
        await Deno.readTextFile(`${dir}/suite/${name}/summary.json`),
      );
      assert.equal(summary.status, "completed");
      assert.equal(summary.steps, 2, "the smoke declaration ran");
    }
    const report = JSON.parse(
      await Deno.readTextFile(`${dir}/suite/report.json`),
    );
    assert.deepEqual(report, {
      smoke: true,
      runs: [
        { name: "alpha", status: "completed" },
        { name: "beta", status: "completed" },
      ],
    });
  });
});
