import assert from "node:assert/strict";
import {
  applyOverrides,
  datasets,
  DeclarationRangeError,
  DeclarationTypeError,
  experiment,
  type ExperimentDecl,
  listRuns,
  loadExperimentFile,
  losses,
  networks,
  selectRun,
  suite,
  toYaml,
} from "../../src/dsl/mod.ts";

const data = {
  "8g": datasets.eightGaussians(),
  "25g": datasets.twentyFiveGaussians(),
} as const;

function grid(): ExperimentDecl[] {
  const runs: ExperimentDecl[] = [];
  for (const [dataName, d] of Object.entries(data)) {
    for (const seed of [0, 1]) {
      const common = {
        data: d,
        seed,
        latentDim: 2,
        generator: networks.mlp({ hidden: [16], output: 2 }),
      };
      runs.push(experiment({
        ...common,
        name: `relgan-${dataName}-s${seed}`,
        discriminator: networks.mlpDiscriminator({
          hidden: [16, 16],
          relation: { merge: "concat", split: 1 },
        }),
        loss: losses.relation(),
      }));
      runs.push(experiment({
        ...common,
        name: `wgan-${dataName}-s${seed}`,
        discriminator: networks.mlpDiscriminator({ hidden: [16] }),
        loss: losses.wganGp(),
      }));
    }
  }
  return runs;
}

Deno.test("suite: methods × datasets × seeds, listed and selected by name", () => {
  const s = suite("toys", grid());
  assert.deepEqual(listRuns(s), [
    "relgan-8g-s0",
    "wgan-8g-s0",
    "relgan-8g-s1",
    "wgan-8g-s1",
    "relgan-25g-s0",
    "wgan-25g-s0",
    "relgan-25g-s1",
    "wgan-25g-s1",
  ]);
  const run = selectRun(s, "wgan-25g-s1");
  assert.equal(run.seed, 1);
  assert.equal(run.loss.kind, "wgan_gp");
  assert.deepEqual(listRuns(run), ["wgan-25g-s1"]);
  assert.equal(selectRun(run, "wgan-25g-s1"), run);
});

Deno.test("selectRun: a typo lists the names and suggests the closest", () => {
  const s = suite("toys", grid());
  assert.throws(() => selectRun(s, "wgan-25gs1"), (e: Error) => {
    assert.ok(e instanceof RangeError);
    assert.match(
      e.message,
      /^Cannot select run "wgan-25gs1": suite "toys" has no run of that name; its runs are "relgan-8g-s0", /,
    );
    assert.match(e.message, /did you mean "wgan-25g-s1"\?$/);
    return true;
  });
  assert.throws(
    () => selectRun(s, "completely-different-name"),
    (e: Error) => !/did you mean/.test(e.message),
  );
});

Deno.test("suite: repeated run names are rejected at the second one", () => {
  const [a] = grid();
  assert.throws(() => suite("dup", [a, a]), (e: Error) => {
    assert.ok(e instanceof DeclarationTypeError);
    assert.deepEqual(e.issues[0].path, ["runs", 1, "name"]);
    assert.match(e.issues[0].message, /repeats the name of runs\[0\]/);
    return true;
  });
});

Deno.test("applyOverrides: --set values are read as YAML, sections created, the original kept", () => {
  const [run] = grid();
  const changed = applyOverrides(run, [
    "training.iterations=100",
    "schedule.logEvery=5",
    "training.discriminatorOptimizer={kind: adam, learningRate: 0.001, beta1: 0}",
    "loss.margin.kind=constant",
    "generator.layers[0].layers.0.units=32",
    "seed=9",
  ]);
  assert.equal(changed.training?.iterations, 100);
  assert.equal(changed.schedule?.logEvery, 5);
  assert.deepEqual(changed.training?.discriminatorOptimizer, {
    kind: "adam",
    learningRate: 0.001,
    beta1: 0,
  });
  assert.deepEqual(changed.loss, {
    kind: "relation",
    margin: { kind: "constant" },
  });
  assert.equal(changed.seed, 9);
  assert.ok(Object.isFrozen(changed));
  assert.equal(run.training, undefined);
  assert.equal(run.seed, 0);
  const gen = changed.generator.layers[0];
  assert.equal(
    gen.kind === "sequential" && gen.layers[0].kind === "dense"
      ? gen.layers[0].units
      : 0,
    32,
  );
});

Deno.test("applyOverrides: invalid results are validated like the rest and name the override", () => {
  const [run] = grid();
  assert.throws(
    () => applyOverrides(run, ["training.batchSize=0"]),
    (e: Error) => {
      assert.ok(e instanceof DeclarationRangeError);
      assert.match(
        e.message,
        /`training\.batchSize` is out of range: expected an integer ≥ 1, current value is 0 \(after --set training\.batchSize=0\)/,
      );
      return true;
    },
  );
  assert.throws(
    () => applyOverrides(run, ["training.batchsize=3"]),
    (e: Error) => {
      assert.ok(e instanceof DeclarationTypeError);
      assert.equal(e.issues[0].code, "unknown_key");
      return true;
    },
  );
  assert.throws(
    () => applyOverrides(run, ["loss.kind=vanilla"]),
    /is a single-input loss and needs a single-input discriminator/,
  );
  assert.throws(
    () => applyOverrides(run, ["iterations"]),
    /expected path=value/,
  );
  assert.throws(
    () => applyOverrides(run, ["seed.value=1"]),
    /`seed` is the value 0, not a node/,
  );
  assert.throws(
    () => applyOverrides(run, ["generator.layers[9].units=1"]),
    RangeError,
  );
});

Deno.test("applyOverrides: on a suite a plain path applies to every run, a runs path to one", () => {
  const s = suite("toys", grid());
  const all = applyOverrides(s, ["training.iterations=50"]);
  assert.ok(all.runs.every((r) => r.training?.iterations === 50));
  const one = applyOverrides(s, ["runs[2].seed=7"]);
  assert.deepEqual(one.runs.map((r) => r.seed), [0, 0, 7, 1, 0, 0, 1, 1]);
});

Deno.test("loadExperimentFile: a .ts module with default, smoke and report exports, and a .yaml file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dsl = new URL("../../src/dsl/mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/toys.ts`,
      `import { datasets, experiment, losses, networks, suite } from "${dsl}";
const run = (name: string, hidden: number) => experiment({
  name,
  data: datasets.swissRoll(),
  latentDim: 2,
  generator: networks.mlp({ hidden: [hidden], output: 2 }),
  discriminator: networks.mlpDiscriminator({ hidden: [hidden] }),
  loss: losses.lsgan(),
});
export default suite("toys", [run("a", 64), run("b", 64)]);
export const smoke = suite("toys", [run("a", 4), run("b", 4)]);
export const calls: unknown[] = [];
export async function report(context: unknown) { calls.push(context); }
`,
    );
    const file = await loadExperimentFile(`${dir}/toys.ts`);
    assert.equal(file.stem, "toys");
    assert.deepEqual(listRuns(file.declaration), ["a", "b"]);
    assert.ok(file.smoke && file.smoke.kind === "suite");
    assert.equal(typeof file.report, "function");
    await file.report!({ outDir: dir, runs: [], smoke: true });
    const module = await import(new URL(`file://${dir}/toys.ts`).href);
    assert.equal(module.calls.length, 1);

    await Deno.writeTextFile(
      `${dir}/one.yaml`,
      toYaml(selectRun(file.declaration, "b")),
    );
    const yaml = await loadExperimentFile(`${dir}/one.yaml`);
    assert.deepEqual(yaml.declaration, selectRun(file.declaration, "b"));
    assert.equal(yaml.smoke, null);
    assert.equal(yaml.report, null);

    const badText = toYaml(selectRun(file.declaration, "b")).replace(
      "latentDim: 2",
      "latentDim: -2",
    );
    const badLine = badText.split("\n").findIndex((l) =>
      l.startsWith("latentDim")
    ) + 1;
    await Deno.writeTextFile(`${dir}/bad.yaml`, badText);
    await assert.rejects(loadExperimentFile(`${dir}/bad.yaml`), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /^Cannot load experiment file .*bad\.yaml: /);
      assert.ok(
        e.message.includes(
          `\`latentDim\` (line ${badLine}, column 12) is out of range`,
        ),
        e.message,
      );
      return true;
    });
    await Deno.writeTextFile(`${dir}/nodefault.ts`, "export const x = 1;\n");
    await assert.rejects(
      loadExperimentFile(`${dir}/nodefault.ts`),
      /has no default export/,
    );
    await assert.rejects(
      loadExperimentFile(`${dir}/missing.yaml`),
      /no such file/,
    );
    await Deno.writeTextFile(`${dir}/x.json`, "{}");
    await assert.rejects(
      loadExperimentFile(`${dir}/x.json`),
      /expected a \.ts module or a \.yaml file, current extension is "\.json"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
